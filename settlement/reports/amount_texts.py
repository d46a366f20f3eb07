"""Amounts as the text of a number cell, exactly from integer fen: 元 to the fen, 万元 to four
decimals rounded half up (never through a float)."""

from __future__ import annotations

import functools

import numpy as np

from .text_room import (  # noqa: F401 (re-exported)
    CELL_PADDING,
    fit_height,
    line_height,
    needed_height,
    row_heights,
    text_units,
    wrap_lines,
    wrapped_heights,
)

CENTS = ["" if c == 0 else f".{c:02d}".rstrip("0") for c in range(100)]


def yuan_texts(fen) -> list[str]:
    """Exact decimal text of amounts in fen as yuan, trailing zeros dropped: 123450 → '1234.5'."""
    fen = np.asarray(fen, dtype=np.int64).reshape(-1)
    whole, cents = np.divmod(np.abs(fen), 100)
    signs = np.where(fen < 0, "-", "").tolist()
    return [f"{s}{w}{CENTS[c]}" for s, w, c in zip(signs, whole.tolist(), cents.tolist(), strict=True)]


@functools.cache
def _ten_thousandths() -> list[str]:
    return ["" if f == 0 else f".{f:04d}".rstrip("0") for f in range(10_000)]


def wan_units(fen) -> np.ndarray:
    """Amounts in fen as whole 0.0001 万元 (= 1 元), rounded ROUND_HALF_UP (四舍五入, as
    :func:`settlement.money.fen_to_wan_text`), signed: 15050 → 151, -50 → -1."""
    fen = np.asarray(fen, dtype=np.int64).reshape(-1)
    units, rest = np.divmod(np.abs(fen), 100)
    units += rest >= 50
    return np.where(fen < 0, -units, units)


def wan_texts_of_units(units) -> list[str]:
    units = np.asarray(units, dtype=np.int64).reshape(-1)
    whole, frac = np.divmod(np.abs(units), 10_000)
    signs = np.where(units < 0, "-", "").tolist()
    table = _ten_thousandths()
    return [f"{s}{w}{table[f]}" for s, w, f in zip(signs, whole.tolist(), frac.tolist(), strict=True)]


def wan_texts(fen) -> list[str]:
    """Decimal text of amounts in fen as 万元 to four decimals (units of 100 fen), rounded
    ROUND_HALF_UP like every amount (四舍五入, as :func:`settlement.money.fen_to_wan_text`):
    15050 → '0.0151', 50 → '0.0001'."""
    return wan_texts_of_units(wan_units(fen))
