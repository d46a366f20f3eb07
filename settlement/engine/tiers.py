"""Tiers (档位) of a clause's metric: which tier each row reaches, what it pays, how it reads."""

from __future__ import annotations

import numpy as np

from ..ingest.contract import LEVEL_LABELS
from ..policies.schema import ClauseBase, Policy, Tier
from . import text as tx
from .conditions import compare
from .facts import FactTable


def tier_index(
    clause: ClauseBase, ft: FactTable, extra: np.ndarray | None = None, two_year: str = "geometric"
) -> np.ndarray:
    """Index of the highest tier reached (-1: none), for every row. Tiers are listed low to high."""
    n = ft.n
    idx = np.full(n, -1, dtype=np.int64)
    for k, tier in enumerate(clause.tiers or []):
        if tier.level is not None:
            reached = np.asarray(ft.value(clause.metric) == tier.level, dtype=bool)
        else:
            reached = compare(ft, clause.metric, tier.op, tier.threshold, two_year)
        if extra is not None:
            reached &= extra
        idx = np.where(reached, np.maximum(idx, k), idx)
    return idx


def tier_reached(policy: Policy, clause: ClauseBase, ft: FactTable, cond: np.ndarray) -> np.ndarray:
    """The highest tier each row reaches this year, with the clause's conditions and, where it
    says so, limit-above (-1: none)."""
    extra = cond & ft.value("limit_above") if clause.requires_limit_above else cond
    return tier_index(clause, ft, extra, policy.two_year_average)


def tier_amounts(tiers: list[Tier], idx: np.ndarray, attr: str = "amount") -> np.ndarray:
    values = np.array([int(getattr(t, attr) or 0) for t in tiers] + [0], dtype=np.int64)
    return values[np.where(idx < 0, len(tiers), idx)]


def tier_words(tiers: list[Tier], metric: str | None) -> list[str]:
    out = []
    for t in tiers:
        if t.level is not None:
            out.append(t.words or LEVEL_LABELS.get(t.level, t.level))
        else:
            out.append(f"{tx.OP_WORDS[t.op]}{tx.value_words(metric, t.threshold)}")
    return out


def pick(words: list[str], idx: np.ndarray, none: str = "") -> np.ndarray:
    """``words[idx]`` for each row, ``none`` where idx is -1."""
    arr = np.array(words + [none], dtype=object)
    return arr[np.where(idx < 0, len(words), idx)]
