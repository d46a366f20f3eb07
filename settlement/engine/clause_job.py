"""What the drivers hand a kind module, and what it hands back.

A kind (``settlement/engine/kinds/<kind>.py``) gets an :class:`ApplicationJob` (the
applications under the clause) or a :class:`DataJob` (the enterprises, parks or park members
the clause is evaluated on) and returns numbers per row: amounts in fen, whether it could be
computed, the tier reached; beside them the words of how they were reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..policies.schema import Policy
from .context import ApplicationRows, YearContext
from .facts import FactTable


@dataclass
class ApplicationJob:
    policy: Policy
    clause: Any  # the clause's own class (settlement.policies.clauses)
    ctx: YearContext
    apps: ApplicationRows
    ent_indexer: np.ndarray  # each application's enterprise position in the year (-1: none)

    @property
    def ft(self) -> FactTable:
        return self.apps.facts

    @property
    def n(self) -> int:
        return len(self.apps)


@dataclass
class DataJob:
    policy: Policy
    clause: Any
    ctx: YearContext
    ft: FactTable  # the rows the clause is evaluated on
    payee: np.ndarray  # USCC of each row's payee
    cond: np.ndarray  # the clause's conditions met

    @property
    def n(self) -> int:
        return self.ft.n


@dataclass
class Items:
    """Per application, before the application caps: amount (fen), computable, how it was
    reached in words, why it could not be computed, tier index (-1: none)."""

    amount: np.ndarray
    ok: np.ndarray
    note: np.ndarray
    why_not: np.ndarray
    tier: np.ndarray

    @classmethod
    def start(cls, n: int) -> Items:
        return cls(
            np.zeros(n, dtype=np.int64),
            np.ones(n, dtype=bool),
            np.full(n, "", dtype=object),
            np.full(n, "", dtype=object),
            np.full(n, -1, dtype=np.int64),
        )


@dataclass
class Fired:
    """Per row of a data-driven clause: it fires, amount (fen), tier, the facts in words, the
    reason it pays nothing."""

    fired: np.ndarray
    amount: np.ndarray
    tier: np.ndarray
    facts_text: np.ndarray
    reason: np.ndarray
