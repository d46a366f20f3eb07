"""Reading landing files into tables of text, whatever their format.

CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (what Excel and WPS save on Chinese Windows), and
.xlsx (first sheet, one header row). Every cell comes back as text; numbers typed into Excel
cells are written out exactly (shortest round-trip form) and flagged, so that the parser can
refuse a bank account or a code that Excel has turned into a number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from ..hashing import sha256_of


class LandingError(Exception):
    """A whole file cannot be used: missing, unreadable, or a required column is absent.

    The message names the file (and the column); the run stops with exit status 2.
    """

    def __init__(self, message: str, file: str | None = None, column: str | None = None):
        super().__init__(message)
        self.file = file
        self.column = column


@dataclass
class RawTable:
    path: Path
    header: list[str]
    cells: pd.DataFrame  # all text, columns 0..n-1, index = row number in the file (header = 1)
    numeric: pd.DataFrame | None  # xlsx only: True where the cell held a number
    encoding: str
    sha256: str


MAX_FILE_BYTES = 2 * 1024**3


def confined(path: Path, root: Path) -> Path:
    """The resolved path, refusing anything that resolves outside ``root`` (links included)."""
    resolved = path.resolve()
    root_resolved = root.resolve()
    if resolved != root_resolved and root_resolved not in resolved.parents:
        raise LandingError(f"{path.name}：文件路径指向着陆目录之外，已拒绝读取 ({resolved})", file=path.name)
    return resolved


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise LandingError(f"{name}：带BOM的UTF-8文件中有无法解码的字节（第{exc.start}字节）", file=name) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LandingError(
            f"{name}：文件编码无法识别（既不是UTF-8也不是GBK/GB18030，第{exc.start}字节出错）", file=name
        ) from exc


def read_csv_text(path: Path) -> RawTable:
    data = path.read_bytes()
    name = path.name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LandingError(f"{name}：文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8”或GBK编码的CSV", file=name)
    if b"\x00" in data[:65536]:
        raise LandingError(f"{name}：不是文本文件（含有二进制内容）", file=name)
    text, encoding = decode(data, name)
    if not text.strip():
        raise LandingError(f"{name}：文件为空", file=name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise LandingError(f"{name}：CSV格式错误，{_parser_detail(str(exc))}", file=name) from exc
    except (pd.errors.EmptyDataError, ValueError) as exc:
        raise LandingError(f"{name}：CSV无法读取（{exc}）", file=name) from exc
    header = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    # row numbers as a person sees them in the file: header is row 1 (blank lines are skipped,
    # so this counts non-blank lines, which is what spreadsheet programs show for CSV)
    body.index = pd.RangeIndex(2, 2 + len(body))
    body.columns = range(len(header))
    return RawTable(path, header, body, None, encoding, hashlib.sha256(data).hexdigest())


def _parser_detail(message: str) -> str:
    # "Error tokenizing data. C error: Expected 5 fields in line 3, saw 6"
    import re

    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        expected, line, saw = m.groups()
        return f"第{line}行有{saw}列，而前面的行只有{expected}列（可能是未加引号的逗号）"
    return message.strip()


def _cell_text(value) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if not np.isfinite(value):
            return str(value), True
        return np.format_float_positional(value, trim="-"), True
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, date):
        return value.isoformat(), False
    return str(value), False


def read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook  # openpyxl loads lazily: only xlsx landings need it
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise LandingError(f"{name}：不是可读取的xlsx文件（{type(exc).__name__}）", file=name) from exc
    except Exception as exc:  # zipfile.BadZipFile and lxml errors on damaged files
        raise LandingError(f"{name}：xlsx文件已损坏或格式不对（{type(exc).__name__}）", file=name) from exc
    try:
        ws = wb.worksheets[0]
        rows_text: list[list[str]] = []
        rows_num: list[list[bool]] = []
        for row in ws.iter_rows(values_only=True):
            converted = [_cell_text(v) for v in row]
            texts = [t for t, _ in converted]
            if not any(t.strip() for t in texts):
                continue
            rows_text.append(texts)
            rows_num.append([n for _, n in converted])
    finally:
        wb.close()
    if not rows_text:
        raise LandingError(f"{name}：文件为空", file=name)
    width = max(len(r) for r in rows_text)
    header = rows_text[0] + [""] * (width - len(rows_text[0]))
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows_text[1:]]
    nums = [(r + [False] * width)[:width] for r in rows_num[1:]]
    cells = pd.DataFrame(body, columns=range(width), dtype=object).astype(str) if body else pd.DataFrame(columns=range(width), dtype=str)
    numeric = pd.DataFrame(nums, columns=range(width), dtype=bool) if nums else pd.DataFrame(columns=range(width), dtype=bool)
    cells.index = pd.RangeIndex(2, 2 + len(cells))
    numeric.index = cells.index
    return RawTable(path, header, cells, numeric, "xlsx", sha256_of(path))


def read_table(path: Path) -> RawTable:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LandingError(f"{path.name}：文件过大", file=path.name)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv_text(path)


def normalise_header(text: str) -> str:
    """Header cells compare after NFKC (full-width brackets become ASCII), trimming, lower case
    and without inner spaces: ``零售额（社会消费品零售额）`` matches ``零售额(社会消费品零售额)``."""
    return "".join(unicodedata.normalize("NFKC", str(text)).lstrip("\ufeff").split()).lower()
