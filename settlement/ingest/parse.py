"""Typed parsing of one landing file: text cells to integer fen, nano-ratios, dates, booleans.

Everything is column-at-a-time (pandas string methods). A cell that cannot be parsed is not
guessed at: it becomes a *cell problem* (row, column, value, reason) and the row is later
quarantined. A required column that is absent fails the whole file.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import (
    ABSURD_YUAN,
    BOOL_FALSE,
    BOOL_TRUE,
    ENUMS,
    MAX_EXTRA_CELL,
    NUMBER_SCALE,
    RATIO_SCALE,
    LandingFile,
)
from .headers import map_header
from .readers import RawTable

PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason", "message"]

# reason code -> Chinese message shown to users (the code is stable, for scripts and tests)
MESSAGES = {
    "blank": "必填值为空",
    "bad_number": "不是有效的数字",
    "not_finite": "数值不是有限数（NaN/inf）",
    "negative": "金额为负数",
    "absurd": "金额大得不合理（10^15元及以上）",
    "too_many_decimals": "小数位数超过允许位数",
    "bad_int": "不是有效的整数",
    "bad_date": "日期无法识别（应为YYYY-MM-DD或YYYY/MM/DD）",
    "bad_bool": "是/否值无法识别（可用1/0、true/false、是/否、Y/N）",
    "bad_enum": "取值不在允许范围内",
    "bad_region": "行政区划代码应为6位数字",
    "number_cell": (
        "该列应为文本：Excel中存为数字的账号可能已丢失位数或前导零，不能据以付款，请把单元格设为文本后重新填写"
    ),
    "too_long": "内容过长，超过该列允许的长度（可能是粘贴错误）",
    "scientific": "疑似被转换为科学计数法（如1.23E+18），原值已丢失",
}

_NUMBER_RE = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


@dataclass
class ParsedTable:
    spec: LandingFile
    path: Path
    sha256: str
    encoding: str
    frame: pd.DataFrame  # typed columns + "_row" (row number in the file) + "_extra" (JSON or "")
    problems: pd.DataFrame  # PROBLEM_COLUMNS
    extra_columns: list[str] = field(default_factory=list)
    header_row: int = 1  # the file's row number of the header

    @property
    def file_name(self) -> str:
        return self.path.name


def _problem_frame(file: str, column: str, values: pd.Series, mask: pd.Series, reason: str) -> pd.DataFrame:
    hit = values[mask]
    return pd.DataFrame(
        {
            "file": file,
            "row": hit.index.astype(np.int64),
            "column": column,
            "value": hit.astype(str).str.slice(0, 200).to_numpy(),
            "reason": reason,
            "message": MESSAGES[reason],
        }
    )


class _Problems:
    def __init__(self, file: str):
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, column: str, values: pd.Series, mask, reason: str) -> None:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=values.index)
        if mask.any():
            self.parts.append(_problem_frame(self.file, column, values, mask, reason))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        return pd.concat(self.parts, ignore_index=True)


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


def parse_date(text: pd.Series, problems: _Problems, column: str) -> pd.Series:
    blank = text == ""
    cleaned = text.str.replace("/", "-", regex=False).str.replace(r"\s+00:00(:00)?$", "", regex=True)
    shaped = cleaned.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}")
    parsed = pd.to_datetime(cleaned.where(shaped, None), format="%Y-%m-%d", errors="coerce")
    ok = shaped & parsed.notna()
    problems.add(column, text, ~blank & ~ok, "bad_date")
    return parsed.where(ok).astype("datetime64[s]")


def parse_bool(text: pd.Series, problems: _Problems, column: str) -> pd.Series:
    # a flag column holds a handful of distinct texts: each is normalized once
    norm = text.map({s: unicodedata.normalize("NFKC", s).strip().lower() for s in text.unique()})
    true = norm.isin(BOOL_TRUE)
    false = norm.isin(BOOL_FALSE)
    problems.add(column, text, ~true & ~false, "bad_bool")
    return pd.Series(true.to_numpy(), index=text.index, dtype=bool)


def parse_enum(text: pd.Series, problems: _Problems, column: str, kind: str) -> pd.Series:
    mapping = ENUMS[kind]
    norm = text.str.strip().str.lower()
    mapped = norm.map(mapping)
    problems.add(column, text, (text != "") & mapped.isna(), "bad_enum")
    return mapped.astype(object).where(mapped.notna(), None)


_STRIP = np.frompyfunc(str.strip, 1, 1)


def _stripped(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, each cell by ``str.strip`` itself (the same whitespace), at twice
    its speed."""
    return pd.Series(_STRIP(text.to_numpy(dtype=object)), index=text.index, dtype=text.dtype)


def _unique(names: list[str]) -> list[str]:
    """Extra columns' names, a repeated one numbered (备注, 备注(2)): each is kept, none
    overwrites another."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}({seen[name]})")
    return out


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


def parse_table(spec: LandingFile, raw: RawTable) -> ParsedTable:
    positions = map_header(spec, raw)
    name = raw.path.name
    problems = _Problems(name)
    cells = raw.cells
    if not len(cells):  # a header and no rows: every column present, empty
        cells = pd.DataFrame({p: pd.Series(dtype=object) for p in range(len(raw.header))})
    out: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.code in positions and col.type in NUMERIC_READERS and not col.max_length:
            column = cells[positions[col.code]]
            if _arrow_cells(column) is not None:
                out[col.code] = _numbers_in_arrow(column, col, problems)
                continue
        if col.code not in positions:
            text = pd.Series("", index=cells.index, dtype=object)
        else:
            text = _stripped(cells[positions[col.code]].astype(str))
        if col.not_blank:
            problems.add(col.code, text, text == "", "blank")
        if raw.numeric is not None and col.code in positions and col.type in ("uscc", "account"):
            numeric = raw.numeric[positions[col.code]]
            if col.type == "account":
                # a bank account in a number cell: Excel keeps 15 significant digits and drops
                # leading zeros, so the digits read may not be the account's; never paid to
                problems.add(col.code, text, numeric, "number_cell")
            else:
                # Excel keeps 15 significant digits: a longer number-typed code is already damaged
                problems.add(col.code, text, numeric & (text.str.len() > 15), "number_cell")
        if col.max_length:
            problems.add(col.code, text, text.str.len() > col.max_length, "too_long")
        if col.type == "money":
            out[col.code] = parse_money(text, problems, col.code)
        elif col.type == "ratio":
            out[col.code] = parse_scaled(text, problems, col.code, RATIO_SCALE, allow_negative=True)
        elif col.type == "number":
            out[col.code] = parse_scaled(text, problems, col.code, NUMBER_SCALE, allow_negative=False)
        elif col.type == "int":
            out[col.code] = parse_int(text, problems, col.code)
        elif col.type == "date":
            out[col.code] = parse_date(text, problems, col.code)
        elif col.type == "bool":
            out[col.code] = parse_bool(text, problems, col.code)
        elif col.type in ENUMS:
            out[col.code] = parse_enum(text, problems, col.code, col.type)
        elif col.type == "region":
            problems.add(col.code, text, (text != "") & ~text.str.fullmatch(r"\d{6}"), "bad_region")
            out[col.code] = text
        elif col.type == "account":
            problems.add(col.code, text, text.str.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+"), "scientific")
            out[col.code] = text
        else:  # text, uscc (checked by validation, never altered here)
            out[col.code] = text
    frame = pd.DataFrame(out, index=cells.index)
    extra_positions = [
        p for p in range(len(raw.header)) if p not in positions.values() and str(raw.header[p]).strip()
    ]
    extra_names = _unique([str(raw.header[p]).strip() for p in extra_positions])
    if extra_positions:
        extras = cells[extra_positions].astype(str)
        extras.columns = extra_names
        for column in extra_names:
            problems.add(column, extras[column], extras[column].str.len() > MAX_EXTRA_CELL, "too_long")
        frame["_extra"] = [
            json.dumps(r, ensure_ascii=False, sort_keys=True) for r in extras.to_dict("records")
        ]
    else:
        frame["_extra"] = ""
    frame["_row"] = frame.index.astype(np.int64)
    frame = frame.reset_index(drop=True)
    return ParsedTable(
        spec, raw.path, raw.sha256, raw.encoding, frame, problems.frame(), extra_names, raw.header_row
    )
