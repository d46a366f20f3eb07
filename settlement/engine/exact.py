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


def masked_parts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A nullable integer column as (int64 values, anything where missing; missing mask): the
    arrays pandas keeps (no copy; not to be written to) where it keeps them, else converted.
    Gathering rows from these and zeroing the missing ones after is much cheaper than pandas'
    ``to_numpy(na_value=0)``, which writes through the mask over the whole column."""
    values = values.astype("Int64")
    data, mask = getattr(values.array, "_data", None), getattr(values.array, "_mask", None)
    if (
        isinstance(data, np.ndarray)
        and isinstance(mask, np.ndarray)
        and data.dtype == np.int64
        and mask.shape == data.shape
    ):
        return data, mask
    return values.to_numpy(dtype=np.int64, na_value=0), values.isna().to_numpy()


def _max_abs(arr: np.ndarray) -> int:
    if arr.size == 0:
        return 0
    if arr.dtype == object:
        return max(abs(int(x)) for x in (arr.max(), arr.min()))
    return int(max(abs(int(arr.max())), abs(int(arr.min()))))


def _rows_fit(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether every row's product fits in int64 although the largest values of the two columns
    would not (a large figure on some rows, a large factor on others). Judged on floats with a
    margin: below 2**61 by float means below 2**62 exactly."""
    if not a.size or not b.ndim:
        return False
    product = np.abs(a.astype(np.float64)) * np.abs(b.astype(np.float64))
    return bool(product.max() < 2.0**61)


def mul(a: np.ndarray, b) -> np.ndarray:
    """Elementwise a x b without overflow (int64 when safe, Python ints otherwise)."""
    a = np.asarray(a)
    b_arr = np.asarray(b)
    bound_a = _max_abs(a)
    bound_b = _max_abs(b_arr) if b_arr.ndim else abs(int(b))
    if a.dtype != object and b_arr.dtype != object and (bound_a * bound_b < _SAFE or _rows_fit(a, b_arr)):
        return a.astype(np.int64) * (b_arr.astype(np.int64) if b_arr.ndim else int(b))
    a_obj = a.astype(object)
    b_obj = b_arr.astype(object) if b_arr.ndim else int(b)
    return a_obj * b_obj


def _magnitude_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|a| x |b| for int64 columns as two unsigned 64-bit words (high, low), from 32-bit halves."""
    low32 = np.uint64(0xFFFFFFFF)
    x, y = np.abs(a).view(np.uint64), np.abs(b).view(np.uint64)  # |INT64_MIN| reads as 2**63
    x0, x1, y0, y1 = x & low32, x >> np.uint64(32), y & low32, y >> np.uint64(32)
    p00, p01, p10, p11 = x0 * y0, x0 * y1, x1 * y0, x1 * y1
    middle = (p00 >> np.uint64(32)) + (p01 & low32) + (p10 & low32)  # < 3 x 2**32
    low = (p00 & low32) | ((middle & low32) << np.uint64(32))
    high = p11 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (middle >> np.uint64(32))
    return high, low


def compare_products(a, b, c, d) -> np.ndarray:
    """The sign (-1, 0, 1) of a x b - c x d, elementwise and exact. int64 columns are compared
    in floating point where that is certain, else multiplied in 128 bits (two words each);
    Python integers (object columns) as they are."""
    cols = [np.asarray(v) for v in (a, b, c, d)]
    n = max(len(v) for v in cols if v.ndim)
    cols = [np.broadcast_to(v, (n,)) for v in cols]
    if any(v.dtype == object for v in cols):
        diff = cols[0].astype(object) * cols[1].astype(object) - cols[2].astype(object) * cols[3].astype(
            object
        )
        return np.sign(diff).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    a, b, c, d = (v.astype(np.int64) for v in cols)
    # in floating point first: each product is then within 3 x 2**-53 of its value, so where the
    # two differ by more than 2**-50 of their size the sign is certain; the 128-bit products
    # decide the rest (equal or nearly equal products)
    left, right = a.astype(np.float64) * b.astype(np.float64), c.astype(np.float64) * d.astype(np.float64)
    difference = left - right
    out = np.sign(difference).astype(np.int64)
    unsure = np.flatnonzero(np.abs(difference) <= (np.abs(left) + np.abs(right)) * 2.0**-50)
    if len(unsure):
        out[unsure] = _compare_in_128_bits(a[unsure], b[unsure], c[unsure], d[unsure])
    return out


def _compare_in_128_bits(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """:func:`compare_products` of int64 columns, exactly, with products in two 64-bit words."""
    left_sign, right_sign = np.sign(a) * np.sign(b), np.sign(c) * np.sign(d)
    (lh, ll), (rh, rl) = _magnitude_product(a, b), _magnitude_product(c, d)
    bigger = np.where(lh != rh, np.where(lh > rh, 1, -1), np.where(ll > rl, 1, np.where(ll < rl, -1, 0)))
    return np.where(left_sign != right_sign, np.sign(left_sign - right_sign), left_sign * bigger).astype(
        np.int64
    )


def cmp(lhs, op: str, rhs) -> np.ndarray:
    """Elementwise comparison (works on int64 and on object arrays of Python ints)."""
    import operator

    fn = {
        ">=": operator.ge,
        ">": operator.gt,
        "<=": operator.le,
        "<": operator.lt,
        "==": operator.eq,
        "!=": operator.ne,
    }[op]
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
        den = (
            self.den
            if np.isscalar(self.den)
            else (self.den[safe] if len(self.den) else np.ones(len(indexer), dtype=np.int64))
        )
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


# ---------------------------------------------------------------- money that must fit int64

INT64_MAX = 2**63 - 1


class AmountOverflow(Exception):
    """A sum or product of money past what 64-bit integers hold (about 9.2 × 10^16 元): refused,
    never wrapped around into a wrong (often negative) amount. ``names`` are the rows' names."""

    def __init__(self, names: list[str]):
        super().__init__("、".join(names[:10]) + (f"等{len(names)}项" if len(names) > 10 else ""))
        self.names = names


def fit_int64(values, names=None) -> np.ndarray:
    """``values`` (int64, or Python ints from an exact computation) as int64; AmountOverflow
    naming the rows whose value does not fit."""
    arr = np.asarray(values)
    if arr.dtype != object:
        return arr.astype(np.int64)
    big = (
        np.fromiter((abs(int(v)) > INT64_MAX for v in arr), dtype=bool, count=len(arr))
        if arr.ndim
        else np.array([abs(int(arr)) > INT64_MAX])
    )
    if big.any():
        picked = np.asarray(names, dtype=object)[big] if names is not None else np.flatnonzero(big)
        raise AmountOverflow([str(n) for n in picked])
    return arr.astype(np.int64)


def mul_int64(a, b, names=None) -> np.ndarray:
    """a × b as int64 (exact), or AmountOverflow naming the rows past int64."""
    return fit_int64(mul(np.asarray(a), b), names)


def add_reduceat(values: np.ndarray, starts: np.ndarray, names=None) -> np.ndarray:
    """np.add.reduceat in int64 when no group can pass it, else exactly (AmountOverflow naming
    the groups past int64)."""
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return values
    if len(values) * _max_abs(values) < _SAFE:
        return np.add.reduceat(values, starts)
    return fit_int64(np.add.reduceat(values.astype(object), starts), names)


def add_at(size: int, codes: np.ndarray, values: np.ndarray, names=None) -> np.ndarray:
    """Sums of ``values`` by ``codes`` (0..size-1) like np.add.at, exact (see add_reduceat)."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) * _max_abs(values) < _SAFE:
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, codes, values)
        return out
    out = np.zeros(size, dtype=object)
    np.add.at(out, codes, values.astype(object))
    return fit_int64(out, names)
