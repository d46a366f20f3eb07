"""Chinese wording for explanations: amounts, thresholds, comparisons. Whole columns at once
where the text is per row."""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from itertools import repeat

import numpy as np
import pandas as pd

from ..fact_registry import FACTS
from ..ingest.contract import LEVEL_LABELS
from ..policies.schema import Condition, check_value

OP_WORDS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": "为", "!=": "不为"}


def amount_words(fen: int) -> str:
    """An amount as the policy texts write it: 1亿元, 0.5亿元, 20万元, 1.5万元, 199,999.99元."""
    fen = int(fen)
    yuan = Fraction(fen, 100)
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if abs(yuan) >= size:
            q = yuan / size
            if (q * 10000).denominator == 1:  # at most 4 decimals in that unit
                text = f"{float(q):.4f}".rstrip("0").rstrip(".")
                return f"{text}{unit}元"
    if yuan.denominator == 1:
        return f"{int(yuan):,}元"
    return f"{fen // 100:,}.{fen % 100:02d}元"


def usd_words(cents: int) -> str:
    return amount_words(cents).replace("元", "美元")


def ratio_words(value: Fraction) -> str:
    pct = Fraction(value) * 100
    if pct.denominator == 1:
        return f"{int(pct)}%"
    return f"{float(pct):.4f}".rstrip("0").rstrip(".") + "%"


def value_words(fact_name: str, raw_value) -> str:
    info = FACTS[fact_name]
    value = check_value(fact_name, raw_value)
    if info.type == "money":
        return amount_words(value)
    if info.type == "usd":
        return usd_words(value)
    if info.type in ("ratio", "growth2"):
        return ratio_words(value)
    if info.type == "bool":
        return "是" if value else "否"
    if info.type == "level":
        return LEVEL_LABELS.get(value, str(value))
    if info.type in ("count", "int"):
        return count_words(value)
    return str(value)


def count_words(value) -> str:
    """A count as the texts write it: 50, 3000.5, 100万."""
    v = Fraction(value)
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if v >= size and (v / size * 10000).denominator == 1:
            return f"{float(v / size):.4f}".rstrip("0").rstrip(".") + unit
    if v.denominator == 1:
        return str(int(v))
    return f"{float(v):.6f}".rstrip("0").rstrip(".")


def describe_comparison(cond: Condition) -> str:
    """'网络零售额≥5000万元', with the policy's own words first where the file gives them:
    '粉丝量超过100万（数量＞100万）'."""
    info = FACTS[cond.fact]
    if info.type == "bool":
        plain = info.label if cond.value else f"非{info.label}"
    else:
        plain = f"{info.label}{OP_WORDS[cond.op]}{value_words(cond.fact, cond.value)}"
    if cond.words and cond.words != plain:
        return f"{cond.words}（{plain}）" if info.type != "bool" else cond.words
    return plain


def distinct_words(values: np.ndarray, fmt) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code and ``fmt`` of each distinct value (applied once per distinct value, to
    Python values, not numpy scalars)."""
    codes, uniques = pd.factorize(np.asarray(values), use_na_sentinel=False)
    return codes, np.fromiter(map(fmt, np.asarray(uniques).tolist()), dtype=object, count=len(uniques))


def each_distinct(values: np.ndarray, fmt) -> np.ndarray:
    """``fmt`` applied once per distinct value (amounts repeat a lot: tiers, caps), then spread
    (an object array of texts)."""
    codes, words = distinct_words(values, fmt)
    return words[codes]


_CENTS = [f".{c:02d}元" for c in range(100)]


def fen_column_words(fen: np.ndarray | pd.Series, prefix: str = "") -> np.ndarray:
    """Whole column of fen as '1,234,567.89元' (display only), each distinct amount worded once
    (with ``prefix`` before it, joined once per distinct amount too)."""
    values = np.asarray(fen)
    if not len(values):
        return np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = np.asarray(uniques)
    yuan, cents = (uniques // 100).tolist(), (uniques % 100).tolist()  # floor division, as Python's
    words = np.array([f"{prefix}{y:,}{_CENTS[c]}" for y, c in zip(yuan, cents, strict=True)], dtype=object)
    return words[codes]


def _pct_text(v) -> str:
    return "未知" if np.isnan(v) else f"{v * 100:.2f}%"


def pct_column_words(values: np.ndarray) -> np.ndarray:
    return each_distinct(np.asarray(values, dtype=float), _pct_text)


def scaled_words(value: int, scale: int) -> str:
    """An integer in units of 1/scale as a plain decimal: 2500000 (micro) -> '2.5'."""
    whole, frac = divmod(int(value), scale)
    if not frac:
        return str(whole)
    return f"{whole}.{str(frac).zfill(len(str(scale)) - 1).rstrip('0')}"


def scaled_column_words(values: np.ndarray, scale: int) -> np.ndarray:
    """:func:`scaled_words` of a column, once per distinct value (quantities repeat)."""
    return each_distinct(np.asarray(values, dtype=np.int64), partial(scaled_words, scale=scale))


def join_columns(*parts) -> np.ndarray:
    """Row by row, the texts of ``parts`` (columns, or one text for every row) joined."""
    n = max(len(p) for p in parts if not isinstance(p, str))
    columns = [repeat(p, n) if isinstance(p, str) else p for p in parts]
    # map passes each row's tuple straight to join (zip then reuses it), and fromiter fills the
    # array without a list in between: a third faster than a list of joined rows
    return np.fromiter(map("".join, zip(*columns, strict=True)), dtype=object, count=n)
