"""预算测算: what paying in full would cost and what a given budget buys, from a year's
computed lines, without writing anything.

The lines that compete for a policy's budget are the ones the allocation left as candidates
(status ``paid`` or ``zero``: after caps and no double benefit, before scale-down). A budget is
applied exactly as :func:`settlement.allocation.apply_budgets` does: when the candidates' total
exceeds it, largest remainder to the fen (ties by payee, clause order, subject); otherwise every
line is paid its capped amount. City and district shares are split as the allocation splits them.
So a what-if with the run's own budgets reproduces the run's lines to the fen."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from ..engine.grouping import pairs
from ..money import largest_remainder
from ..policies import Catalog
from ..reports.payments import shares, sources_in_order
from . import city_fractions, factor_text, orders, split_funding

CANDIDATE = ("paid", "zero")


@dataclass
class PolicyFigures:
    policy_id: str
    name: str
    scale_down: bool  # the policy's text provides for 按比例下调
    full_total: int  # fen: every candidate line paid its capped amount
    budget: int | None
    budget_source: str
    factor: Fraction
    paid_total: int
    city_total: int
    district_total: int

    def as_dict(self) -> dict:
        return {
            "policy_id": self.policy_id,
            "name": self.name,
            "scale_down": self.scale_down,
            "full_total_fen": self.full_total,
            "budget_fen": self.budget,
            "budget_source": self.budget_source,
            "factor": f"{self.factor.numerator}/{self.factor.denominator}",
            "factor_decimal": factor_text(self.factor),
            "paid_total_fen": self.paid_total,
            "city_fen": self.city_total,
            "district_fen": self.district_total,
            "budget_to_pay_in_full_fen": self.full_total,
        }


@dataclass
class Scenario:
    label: str  # 本次结算的预算 / 假设预算
    budgets: dict[str, int]  # the budgets this scenario assumes (policy -> fen), given ones only
    policies: list[PolicyFigures] = field(default_factory=list)
    sources: list[dict] = field(
        default_factory=list
    )  # {"source", "level", "city_fen", "district_fen", "total_fen"}
    final: np.ndarray | None = None  # each line's amount under this scenario (fen)

    @property
    def paid_total(self) -> int:
        return sum(p.paid_total for p in self.policies)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "assumed_budgets_fen": dict(sorted(self.budgets.items())),
            "policies": [p.as_dict() for p in self.policies],
            "sources": self.sources,
            "paid_total_fen": self.paid_total,
        }


def run_budgets(scale_factors: dict) -> dict[str, tuple[int, str]]:
    """The budget each scale-down policy had in the run, as the run recorded it (its
    ``scale_factors``: budget and where it came from, budgets.csv or the policy's own total)."""
    return {
        pid: (int(f["budget"]), str(f.get("budget_source", "")))
        for pid, f in sorted(scale_factors.items())
        if f.get("budget") is not None
    }


def scenario(
    lines: pd.DataFrame,
    catalog: Catalog,
    regions: pd.Series,
    budgets: dict[str, tuple[int, str]],
    label: str,
    assumed: dict[str, int] | None = None,
) -> Scenario:
    """The year's lines paid under ``budgets`` (policy -> (fen, where from)), with ``assumed``
    budgets replacing or adding to them. ``regions``: each line's payee's region code."""
    assumed = assumed or {}
    n = len(lines)
    status = lines["status"].astype(str).to_numpy()
    policy_ids = lines["policy_id"].astype(str).to_numpy()
    capped = lines["capped_amount"].to_numpy(dtype=np.int64)
    candidate = np.isin(status, CANDIDATE)
    final = np.where(candidate, capped, 0).astype(np.int64)
    clause_ids = lines["clause_id"].astype(str).to_numpy()
    _, co = orders(
        pairs(policy_ids.astype(object), clause_ids.astype(object)), catalog
    )  # ties as apply_budgets breaks them
    chosen: dict[str, tuple[int | None, str]] = {}
    for policy in catalog.policies:
        if policy.id in assumed:
            chosen[policy.id] = (assumed[policy.id], "假设")
        elif policy.id in budgets:
            chosen[policy.id] = budgets[policy.id]
        else:
            chosen[policy.id] = (None, "不按预算下调" if not policy.budget.scale_down else "未给出预算")
    factors: dict[str, Fraction] = {}
    for policy in catalog.policies:
        kept = np.flatnonzero((policy_ids == policy.id) & candidate)
        total = int(capped[kept].astype(object).sum())
        budget = chosen[policy.id][0]
        factors[policy.id] = Fraction(1)
        if budget is not None and total > budget:
            factors[policy.id] = Fraction(budget, total)
            keys = [
                lines["payee_uscc"].astype(str).to_numpy()[kept],
                co[kept],
                lines["subject_uscc"].astype(str).to_numpy()[kept],
            ]
            final[kept] = largest_remainder(capped[kept], budget, keys)
    num, den = city_fractions(catalog, policy_ids, clause_ids, regions.astype(str).to_numpy())
    city, district = split_funding(final, num, den)
    result = Scenario(label, dict(assumed), final=final)
    for policy in catalog.policies:
        mine = policy_ids == policy.id
        kept = mine & candidate
        budget, where = chosen[policy.id]
        result.policies.append(
            PolicyFigures(
                policy.id,
                policy.short_name,
                policy.budget.scale_down,
                int(capped[kept].astype(object).sum()),
                budget,
                where,
                factors[policy.id],
                int(final[mine].astype(object).sum()),
                int(city[mine].astype(object).sum()),
                int(district[mine].astype(object).sum()),
            )
        )
    frame = pd.DataFrame({"policy_id": policy_ids, "final_amount": final, "city_share": city})
    rows = shares(frame, catalog, regions.reset_index(drop=True))
    if n and len(rows):
        for source in sources_in_order(rows):
            own = rows[rows["source"] == source.name]
            c = int(own.loc[own["side"] == "city", "amount"].astype(object).sum())
            d = int(own.loc[own["side"] == "district", "amount"].astype(object).sum())
            result.sources.append(
                {
                    "source": source.name,
                    "level": source.level,
                    "city_fen": c,
                    "district_fen": d,
                    "total_fen": c + d,
                }
            )
    return result
