"""Every threshold written in a policy file (tiers and conditions) compares exactly: the value
at the threshold and the smallest step on either side fall on the side the words say
(以上/达到/（含） >=, 超过/突破 >)."""

from fractions import Fraction

import numpy as np
import pytest

from settlement.engine.conditions import compare
from settlement.engine.exact import Rational
from settlement.engine.facts import FactTable
from settlement.fact_registry import FACTS
from settlement.policies import load_catalog
from settlement.policies.schema import check_value

STEP = {
    "money": Fraction(1),
    "usd": Fraction(1),
    "count": Fraction(1, 10**6),
    "int": Fraction(1),
    "ratio": Fraction(1, 10**9),
    "growth2": Fraction(1, 10**9),
}


def _thresholds():
    out = []
    for p in load_catalog().policies:
        for c in p.clauses:
            for t in getattr(c, "tiers", None) or []:
                if t.threshold is not None:
                    out.append(
                        pytest.param(
                            p.two_year_average,
                            c.metric,
                            t.op,
                            t.threshold,
                            id=f"{p.id}:{c.id}:tier:{t.threshold}",
                        )
                    )
            stack = [c.conditions] if c.conditions else []
            while stack:
                cond = stack.pop()
                stack += (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else [])
                if cond.fact and FACTS[cond.fact].type in STEP:
                    out.append(
                        pytest.param(
                            p.two_year_average,
                            cond.fact,
                            cond.op,
                            cond.value,
                            id=f"{p.id}:{c.id}:{cond.fact}{cond.op}{cond.value}",
                        )
                    )
    return out


def _table(fact: str, values: list[Fraction], two_year: str) -> FactTable:
    ft = FactTable(len(values), 2025)
    kind = FACTS[fact].type
    den = np.array([v.denominator for v in values], dtype=object)
    num = np.array([v.numerator for v in values], dtype=object)
    if kind == "growth2":
        # store the factor (1+g)^2 for the geometric reading, the mean for the arithmetic one
        sq = [(1 + v) ** 2 for v in values]
        ft.rationals[fact] = Rational(
            np.array([s.numerator for s in sq], dtype=object),
            np.array([s.denominator for s in sq], dtype=object),
            np.ones(len(values), bool),
        )
        ft.rationals[f"{fact}:arithmetic"] = Rational(num, den, np.ones(len(values), bool))
    else:
        ft.rationals[fact] = Rational(num, den, np.ones(len(values), bool))
    return ft


@pytest.mark.parametrize(("two_year", "fact", "op", "raw"), _thresholds())
def test_threshold_is_exact(two_year, fact, op, raw):
    threshold = Fraction(check_value(fact, raw))
    step = STEP[FACTS[fact].type]
    values = [threshold - step, threshold, threshold + step]
    got = compare(_table(fact, values, two_year), fact, op, raw, two_year).tolist()
    expected = {
        ">=": [False, True, True],
        ">": [False, False, True],
        "<=": [True, True, False],
        "<": [True, False, False],
    }[op]
    assert got == expected
