"""Exact comparisons on whole columns.

A numeric fact is a column of exact fractions ``num / den`` (den > 0) with a ``known`` mask.
Money is integer fen with ``den == 1``. Comparisons against a constant fraction cross-multiply
in integers; when a product might not fit in int64 the arrays switch to Python integers
(object dtype), which numpy still handles as whole columns. No binary floating point is used
at a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

_SAFE = 2**62


def as_int_array(values) -> np.ndarray:
    """A column as int64 (or object, for values beyond int64); NA becomes 0 (see ``known``)."""
    if isinstance(values, pd.Series):
        if values.dtype == object:
            return np.asarray(values.fillna(0).to_numpy(), dtype=object)
        return values.fillna(0).to_numpy(dtype=np.int64)
    arr = np.asarray(values)
    return arr if arr.dtype == object else arr.astype(np.int64)


def _max_abs(arr: np.ndarray) -> int:
    if arr.size == 0:
        return 0
    if arr.dtype == object:
        return max(abs(int(x)) for x in (arr.max(), arr.min()))
    return int(max(abs(int(arr.max())), abs(int(arr.min()))))


def mul(a: np.ndarray, b) -> np.ndarray:
    """Elementwise a x b without overflow (int64 when safe, Python ints otherwise)."""
    a = np.asarray(a)
    b_arr = np.asarray(b)
    bound_a = _max_abs(a)
    bound_b = _max_abs(b_arr) if b_arr.ndim else abs(int(b))
    if a.dtype != object and b_arr.dtype != object and bound_a * bound_b < _SAFE:
        return a.astype(np.int64) * (b_arr.astype(np.int64) if b_arr.ndim else int(b))
    a_obj = a.astype(object)
    b_obj = b_arr.astype(object) if b_arr.ndim else int(b)
    return a_obj * b_obj


def cmp(lhs, op: str, rhs) -> np.ndarray:
    """Elementwise comparison (works on int64 and on object arrays of Python ints)."""
    import operator

    fn = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}[op]
    return np.asarray(fn(np.asarray(lhs), np.asarray(rhs)), dtype=bool)


@dataclass
class Rational:
    """A column of exact fractions."""

    num: np.ndarray
    den: np.ndarray | int
    known: np.ndarray

    @classmethod
    def of_ints(cls, values: pd.Series | np.ndarray) -> Rational:
        if isinstance(values, pd.Series):
            known = values.notna().to_numpy()
        else:
            known = np.ones(len(values), dtype=bool)
        return cls(as_int_array(values), 1, known)

    def __len__(self) -> int:
        return len(self.known)

    def take(self, indexer: np.ndarray) -> Rational:
        """Rows by position; -1 gives an unknown value."""
        missing = indexer < 0
        safe = np.where(missing, 0, indexer)
        num = self.num[safe] if len(self.num) else np.zeros(len(indexer), dtype=np.int64)
        den = self.den if np.isscalar(self.den) else (self.den[safe] if len(self.den) else np.ones(len(indexer), dtype=np.int64))
        known = (self.known[safe] if len(self.known) else np.zeros(len(indexer), dtype=bool)) & ~missing
        return Rational(num, den, known)

    def compare(self, op: str, value: Fraction) -> np.ndarray:
        """Exact ``self op value``; unknown rows are False."""
        value = Fraction(value)
        if np.isscalar(self.den) and self.den == 1 and value.denominator == 1 and self.num.dtype != object:
            bound = int(value.numerator)
            if abs(bound) < _SAFE:
                return cmp(self.num, op, np.int64(bound)) & self.known
        lhs = mul(self.num, value.denominator)
        den = self.den if not np.isscalar(self.den) else np.full(len(self.known), self.den, dtype=np.int64)
        rhs = mul(den, value.numerator)
        return cmp(lhs, op, rhs) & self.known

    def floor_div(self, value: Fraction) -> np.ndarray:
        """floor(self / value) as integers (unknown -> 0); value > 0."""
        value = Fraction(value)
        den = self.den if not np.isscalar(self.den) else np.full(len(self.known), self.den, dtype=np.int64)
        top = mul(self.num, value.denominator)
        bottom = mul(den, value.numerator)
        out = top // bottom
        out = np.where(self.known, out, 0)
        return out.astype(np.int64) if out.dtype != object or _max_abs(out) < _SAFE else out

    def to_float(self) -> np.ndarray:
        """For display only (explanations); never at a threshold."""
        den = self.den if not np.isscalar(self.den) else float(self.den)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.asarray(self.num, dtype=float) / np.asarray(den, dtype=float)
        return np.where(self.known, out, np.nan)
