"""Number cells to integers: 元 to fen, ratios and quantities to fixed-point units, counts.

A cell that is a plain number as it stands is read column-wise in Arrow (exact integer
arithmetic on its digits, never a float); every other cell (blank, separators, signs, percent,
bad) is read by the cell-by-cell reader, which records each bad cell as a problem with its
reason. Both give one value for a cell that is plain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import ABSURD_YUAN, NUMBER_SCALE, RATIO_SCALE
from .problems import _Problems

_NUMBER_RE = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


def _decimal_parts(text: pd.Series):
    """Sign, whole digits and fraction digits of texts that already match a plain number."""
    clean = text.str.replace(",", "", regex=False)
    negative = clean.str.startswith("-")
    unsigned = clean.str.lstrip("+-")
    if not len(unsigned):  # no rows (str.partition of nothing has no columns)
        return negative, unsigned, unsigned
    split = unsigned.str.partition(".")
    whole = split[0].str.lstrip("0").replace("", "0")
    frac = split[2].str.rstrip("0")
    return negative, whole, frac


def _plain_decimals(
    text: pd.Series, scale: int, whole_digits: int, signed: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are plain decimals (up to ``whole_digits`` whole digits, as many decimals as
    ``scale`` holds, a minus sign only if ``signed``, nothing else), and their value in units of
    1/scale (0 elsewhere), with Arrow's compute kernels: exact integer arithmetic on the digits,
    never a float, and far below int64's bound (10**15 * 100, 10**9 * 10**9)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = len(str(scale)) - 1
    sign = "-?" if signed else ""
    decimals = rf"(?:\.(?P<frac>[0-9]{{1,{digits}}}))?" if digits else "(?P<frac>)"  # scale 1: whole numbers
    pattern = rf"^(?P<sign>{sign})(?P<whole>[0-9]{{1,{whole_digits}}}){decimals}$"
    cells = _arrow_cells(text)
    if cells is None:
        cells = pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    parts = pc.extract_regex(cells, pattern)
    plain = pc.is_valid(parts)
    whole = pc.cast(pc.fill_null(pc.struct_field(parts, "whole"), "0"), pa.int64())
    frac = (
        pc.cast(
            pc.utf8_rpad(pc.fill_null(pc.struct_field(parts, "frac"), ""), width=digits, padding="0"),
            pa.int64(),
        )
        if digits
        else 0
    )
    value = pc.add(pc.multiply(whole, scale), frac)
    negative = pc.equal(pc.fill_null(pc.struct_field(parts, "sign"), ""), "-")
    value = pc.if_else(negative, pc.negate(value), value)
    return plain.to_numpy(zero_copy_only=False).astype(bool), value.to_numpy(zero_copy_only=False).astype(
        np.int64
    )


def _arrow_cells(text: pd.Series):
    """The column's cells as Arrow holds them (no copy), or None for cells in Python's memory."""
    dtype = text.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return text.array._pa_array
    return None


def _plain_first(text: pd.Series, plain: np.ndarray, value: np.ndarray, read_cells) -> pd.Series:
    """Nullable Int64: ``value`` where the cell is plain, unknown (NA) where it is blank, and
    ``read_cells`` (the cell-by-cell reader, which records bad cells) for the rest."""
    blank = (text == "").to_numpy()
    out = pd.Series(value, index=text.index, dtype="Int64")
    out[blank] = pd.NA
    rest = ~plain & ~blank
    if rest.any():
        out[rest] = read_cells(text[rest]).array  # Int64 as is, never a float
    return out


def plain_money(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are plain amounts (up to 15 whole digits, up to 2 decimals, nothing else), and
    their fen (0 elsewhere). Every other cell (blank, thousands separators, signs, more decimals,
    problems) is left to :func:`parse_money_cells`."""
    return _plain_decimals(text, 100, whole_digits=15, signed=False)


def parse_money(text: pd.Series, problems: _Problems, column: str) -> pd.Series:
    """元 text -> nullable Int64 fen. Blank is unknown (NA). Plain amounts are read column-wise
    (:func:`plain_money`); the rest cell by cell, with the same reasons for bad cells."""
    plain, fen = plain_money(text)
    return _plain_first(text, plain, fen, lambda cells: parse_money_cells(cells, problems, column))


def parse_money_cells(text: pd.Series, problems: _Problems, column: str) -> pd.Series:
    """元 text -> nullable Int64 fen, any cell: separators, signs, blanks; bad cells to ``problems``."""
    blank = text == ""
    lowered = text.str.lower()
    not_finite = lowered.str.fullmatch(r"[+-]?(nan|inf|infinity|#num!|#div/0!)")
    is_number = text.str.fullmatch(_NUMBER_RE)
    problems.add(column, text, ~blank & not_finite, "not_finite")
    problems.add(column, text, ~blank & ~not_finite & ~is_number, "bad_number")
    negative, whole, frac = _decimal_parts(text.where(is_number, "0"))
    too_many = frac.str.len() > 2
    absurd = whole.str.len() > len(str(ABSURD_YUAN)) - 1
    problems.add(column, text, is_number & negative & (whole + frac != "0"), "negative")
    problems.add(column, text, is_number & ~negative & too_many, "too_many_decimals")
    problems.add(column, text, is_number & ~negative & ~too_many & absurd, "absurd")
    ok = is_number & ~negative & ~too_many & ~absurd
    whole_ok = whole.where(ok, "0").astype(np.int64)
    frac_ok = frac.where(ok, "0").str.ljust(2, "0").astype(np.int64)
    fen = pd.Series(whole_ok * 100 + frac_ok, index=text.index, dtype="Int64")
    return fen.where(ok, pd.NA)


def parse_scaled(
    text: pd.Series, problems: _Problems, column: str, scale: int, allow_negative: bool
) -> pd.Series:
    """Decimal text (``0.125`` or ``12.5%``) -> nullable Int64 in units of 1/scale; a blank
    cell is unknown (NA). Plain decimals are read column-wise (:func:`plain_scaled`); the rest
    cell by cell, with the same reasons for bad cells."""
    plain, value = plain_scaled(text, scale, allow_negative)
    return _plain_first(
        text, plain, value, lambda cells: _scaled_cells(cells, problems, column, scale, allow_negative)
    )


def plain_scaled(text: pd.Series, scale: int, allow_negative: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are plain decimals (up to 9 whole digits and as many decimals as the scale
    holds; a minus sign where negatives are allowed; no percent sign), and their value in units
    of 1/scale (0 elsewhere)."""
    return _plain_decimals(text, scale, whole_digits=9, signed=allow_negative)


def _scaled_cells(
    text: pd.Series, problems: _Problems, column: str, scale: int, allow_negative: bool
) -> pd.Series:
    digits = len(str(scale)) - 1
    blank = text == ""
    percent = text.str.endswith("%")
    body = text.str.rstrip("%").str.strip()
    not_finite = body.str.lower().str.fullmatch(r"[+-]?(nan|inf|infinity)")
    is_number = body.str.fullmatch(_NUMBER_RE)
    problems.add(column, text, ~blank & not_finite, "not_finite")
    problems.add(column, text, ~blank & ~not_finite & ~is_number, "bad_number")
    negative, whole, frac = _decimal_parts(body.where(is_number, "0"))
    # a percentage moves the point two places
    shift = np.where(percent, 2, 0)
    frac_len = frac.str.len() + shift
    too_many = frac_len > digits
    too_big = whole.str.len() > 9
    bad_sign = negative & (whole + frac != "0") if not allow_negative else pd.Series(False, index=text.index)
    problems.add(column, text, is_number & bad_sign, "negative")
    problems.add(column, text, is_number & ~bad_sign & too_many, "too_many_decimals")
    problems.add(column, text, is_number & ~bad_sign & ~too_many & too_big, "absurd")
    ok = is_number & ~bad_sign & ~too_many & ~too_big
    whole_ok = whole.where(ok, "0").astype(np.int64)
    frac_ok = frac.where(ok, "").str.ljust(digits, "0").str.slice(0, digits).astype(np.int64)
    value = (whole_ok * scale + frac_ok).astype(np.int64)
    value = np.where(percent, value // 100, value)  # exact: too_many excluded >digits-2 decimals
    value = np.where(negative, -value, value)
    return pd.Series(value, index=text.index, dtype="Int64").where(ok, pd.NA)


def parse_int(text: pd.Series, problems: _Problems, column: str) -> pd.Series:
    blank = text == ""
    ok = text.str.fullmatch(r"\d{1,9}")
    problems.add(column, text, ~blank & ~ok, "bad_int")
    return pd.Series(text.where(ok, "0").astype(np.int64), index=text.index, dtype="Int64").where(ok, pd.NA)


_STRIP = np.frompyfunc(str.strip, 1, 1)


def _stripped(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, each cell by ``str.strip`` itself (the same whitespace), at twice
    its speed."""
    return pd.Series(_STRIP(text.to_numpy(dtype=object)), index=text.index, dtype=text.dtype)


# column type -> (the column-wise reader of plain cells, the reader of any stripped cell)
NUMERIC_READERS = {
    "money": (plain_money, parse_money),
    "ratio": (
        lambda cells: plain_scaled(cells, RATIO_SCALE, allow_negative=True),
        lambda text, problems, column: parse_scaled(text, problems, column, RATIO_SCALE, True),
    ),
    "number": (
        lambda cells: plain_scaled(cells, NUMBER_SCALE, allow_negative=False),
        lambda text, problems, column: parse_scaled(text, problems, column, NUMBER_SCALE, False),
    ),
    "int": (lambda cells: _plain_decimals(cells, 1, whole_digits=9, signed=False), parse_int),
}


def _numbers_in_arrow(cells: pd.Series, col, problems: _Problems) -> pd.Series:
    """A number column whose cells Arrow holds (a CSV file): the cells that are plain numbers as
    they stand are read there, without making each a Python string. The others (blank, padded
    with spaces, separators, bad) are stripped and read exactly as every cell of an xlsx file is,
    with the same problems: a cell that is plain unstripped is plain stripped, with one value."""
    plain_reader, reader = NUMERIC_READERS[col.type]
    plain, value = plain_reader(cells)
    out = pd.Series(value, index=cells.index, dtype="Int64")
    if plain.all():
        return out
    rest = ~plain
    text = _stripped(cells[rest].astype(str))
    if col.not_blank:
        problems.add(col.code, text, text == "", "blank")
    out[rest] = reader(text, problems, col.code).array
    return out
