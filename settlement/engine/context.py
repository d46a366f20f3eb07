"""What the engine reads for one settlement year, gathered once from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..policies import Catalog
from .facts import FactTable, enterprise_facts, park_facts


@dataclass
class YearContext:
    year: int
    catalog: Catalog
    enterprises: pd.DataFrame  # one row per enterprise, sorted by uscc
    stats: pd.DataFrame  # every year up to ``year``
    applications: pd.DataFrame  # year ``year``, every status
    parks: pd.DataFrame
    fx_rates: pd.DataFrame
    budgets: pd.DataFrame
    paid: pd.DataFrame  # earlier years: payee_uscc, subject_uscc, policy_id, clause_id, year, amount
    facts: FactTable = field(init=False)
    index: pd.Index = field(init=False)

    def __post_init__(self) -> None:
        self.enterprises = self.enterprises.sort_values("uscc", kind="stable").reset_index(drop=True)
        self.index = pd.Index(self.enterprises["uscc"])
        self.facts = enterprise_facts(self.year, self.enterprises, self.stats, self.fx_rates)
        self.parks = self.parks.sort_values("park_id", kind="stable").reset_index(drop=True)
        self.park_facts = park_facts(self.year, self.parks, self.enterprises, self.stats)
        self.stats_history = self.stats[self.stats["year"] < self.year]
        paid = self.paid[self.paid["year"] < self.year]
        self.paid_summary = (
            paid.assign(years=paid["year"].astype(str), amount=paid["amount"].astype(np.int64))
            .groupby(["payee_uscc", "subject_uscc", "policy_id", "clause_id"], sort=True)
            .agg(paid_total=("amount", "sum"), paid_max=("amount", "max"), paid_years=("years", lambda s: "、".join(sorted(set(s)))))
            .reset_index()
        ) if len(paid) else pd.DataFrame(
            columns=["payee_uscc", "subject_uscc", "policy_id", "clause_id", "paid_total", "paid_max", "paid_years"]
        )

    def enterprise_column(self, column: str, uscc: pd.Series) -> np.ndarray:
        indexer = self.index.get_indexer(uscc)
        values = self.enterprises[column].to_numpy()
        out = values[np.where(indexer < 0, 0, indexer)] if len(values) else np.full(len(uscc), None)
        return np.where(indexer < 0, None, out)

    def budget_for(self, policy_id: str) -> int | None:
        rows = self.budgets[(self.budgets["policy_id"] == policy_id) & (self.budgets["year"] == self.year)]
        if len(rows):
            return int(rows["budget"].iloc[0])
        return None
