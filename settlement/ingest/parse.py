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
    BOOL_FALSE,
    BOOL_TRUE,
    ENUMS,
    MAX_EXTRA_CELL,
    NUMBER_SCALE,
    RATIO_SCALE,
    LandingFile,
)
from .headers import map_header
from .numbers import (
    NUMERIC_READERS,
    _arrow_cells,
    _numbers_in_arrow,
    _stripped,
    parse_int,
    parse_money,
    parse_scaled,
)
from .problems import _Problems
from .readers import RawTable


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


def _unique(names: list[str]) -> list[str]:
    """Extra columns' names, a repeated one numbered (备注, 备注(2)): each is kept, none
    overwrites another."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}({seen[name]})")
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
