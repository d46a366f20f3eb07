"""Evaluating structured conditions (``all`` / ``any`` / ``not`` over comparisons of named
facts with constants) on whole columns, exactly. Nothing is parsed or evaluated as code.

Words to operators (民法典 第1259条): 以上/达到/不低于/（含） -> ``>=``; 超过/突破/高于 -> ``>``;
a comparison on an unknown fact (a blank figure, an undefined growth) is false.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from ..fact_registry import FACTS
from ..policies.schema import Condition, check_value
from .exact import cmp
from .facts import FactTable
from .text import describe_comparison


@dataclass
class Leaf:
    condition: Condition
    passed: np.ndarray
    description: str  # e.g. "网络销售额 ≥ 1亿元"


def compare(
    ft: FactTable, fact_name: str, op: str, raw_value, two_year_average: str = "geometric"
) -> np.ndarray:
    info = FACTS[fact_name]
    value = check_value(fact_name, raw_value)
    if info.type in ("money", "usd", "ratio", "count", "int"):
        return ft.rational(fact_name).compare(op, Fraction(value))
    if info.type == "growth2":
        if two_year_average == "arithmetic":
            return ft.rational(f"{fact_name}:arithmetic").compare(op, Fraction(value))
        # (1 + avg)^2 = (1+g1)(1+g0): compare the factor with (1 + t)^2, exactly
        return ft.rational(fact_name).compare(op, (1 + Fraction(value)) ** 2)
    values = ft.value(fact_name)
    if info.type == "bool":
        return cmp(values.astype(bool), op, bool(value))
    if info.type == "date":
        arr = pd.to_datetime(pd.Series(values))
        known = arr.notna().to_numpy()
        target = np.datetime64(value if isinstance(value, date) else date.fromisoformat(str(value)), "s")
        return cmp(arr.to_numpy(dtype="datetime64[s]"), op, target) & known
    # level / park_kind codes: equality only
    known = pd.notna(values)
    eq = np.asarray(values == value, dtype=bool) & known
    return eq if op == "==" else (~eq & known)


def evaluate(
    cond: Condition | None, ft: FactTable, two_year_average: str = "geometric"
) -> tuple[np.ndarray, list[Leaf]]:
    """The rows where ``cond`` holds, and every comparison with its own result (for explanations)."""
    if cond is None:
        return np.ones(ft.n, dtype=bool), []
    if cond.fact is not None:
        passed = compare(ft, cond.fact, cond.op, cond.value, two_year_average)
        return passed, [Leaf(cond, passed, describe_comparison(cond))]
    leaves: list[Leaf] = []
    if cond.all is not None:
        mask = np.ones(ft.n, dtype=bool)
        for child in cond.all:
            m, lv = evaluate(child, ft, two_year_average)
            mask &= m
            leaves += lv
        return mask, leaves
    if cond.any is not None:
        mask = np.zeros(ft.n, dtype=bool)
        for child in cond.any:
            m, lv = evaluate(child, ft, two_year_average)
            mask |= m
            leaves += lv
        return mask, leaves
    m, lv = evaluate(cond.not_, ft, two_year_average)
    return ~m, lv
