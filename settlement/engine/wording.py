"""Wording shared by every kind: a fact with its year, the conditions a row met or missed."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..fact_registry import FACTS
from . import text as tx
from .conditions import Leaf
from .facts import FactTable


def metric_words(ft: FactTable, metric: str, year: int) -> np.ndarray:
    """'2025年网络销售额1.23亿元' for each row (a money, usd or ratio fact)."""
    info = FACTS[metric]
    r = ft.rational(metric)
    prefix = f"{year}年{info.label}"
    if info.type == "money":
        vals = tx.fen_column_words(r.num, prefix)
    elif info.type == "usd":
        cents = np.asarray(r.floor_div(Fraction(1)), dtype=object)
        vals = prefix + np.array([w.replace("元", "美元") for w in tx.fen_column_words(cents)], dtype=object)
    else:
        vals = prefix + tx.pct_column_words(r.to_float())
    return np.where(r.known, vals, prefix + "缺失").astype(object)


def leaves_words(leaves: list[Leaf], n: int) -> np.ndarray:
    """'条件：A✓，B✗' for each row ('' when the clause has no conditions)."""
    if not leaves:
        return np.full(n, "", dtype=object)
    parts: list = ["条件："]
    for k, leaf in enumerate(leaves):
        mark = np.where(leaf.passed, leaf.description + "✓", leaf.description + "✗").astype(object)
        parts += ([] if k == 0 else ["，"]) + [mark]
    return tx.join_columns(*parts)


def failed_words(leaves: list[Leaf], n: int) -> np.ndarray:
    """'不满足“…”' naming the first condition each row missed ('' where it met them all)."""
    out = np.full(n, "", dtype=object)
    for leaf in reversed(leaves):
        out = np.where(~leaf.passed, "不满足“" + leaf.description + "”", out)
    return out


def with_conditions(facts: np.ndarray, cond_words: np.ndarray) -> np.ndarray:
    """'facts；条件：…' where a row has conditions worded, the facts alone where not."""
    out = np.asarray(facts, dtype=object).copy()
    rows = np.flatnonzero(cond_words != "")
    if len(rows):
        out[rows] = tx.join_columns(out[rows], "；", cond_words[rows])
    return out
