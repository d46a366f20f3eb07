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
    header_row: int = 1  # the file's row number of the header


# Bounds on what one landing file may be, so that a wrong or junk file is refused before it is
# read into memory (a province's statistics file, 200,000 enterprises over five years, is about
# 120 MB and 1,000,000 rows; the whole run then peaks near 2.5 GiB).
MAX_FILE_BYTES = 300 * 1024**2
MAX_ROWS = 1_200_000


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
            raise LandingError(
                f"{name}：带BOM的UTF-8文件中有无法解码的字节（第{exc.start}字节）", file=name
            ) from exc
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
    lines = data.count(b"\n")
    if lines > MAX_ROWS + 1:
        raise LandingError(
            f"{name}：文件有约{lines:,}行，超过每个文件{MAX_ROWS:,}行的上限，已拒绝读取。请确认是否放错了文件；"
            "确属全省数据时请按年度拆分后分别结算",
            file=name,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LandingError(
            f"{name}：文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8”或GBK编码的CSV", file=name
        )
    if b"\x00" in data[:65536]:
        raise LandingError(f"{name}：不是文本文件（含有二进制内容）", file=name)
    text, encoding = decode(data, name)
    if not text.strip():
        raise LandingError(f"{name}：文件为空", file=name)
    frame = _arrow_csv(text)
    if frame is None:
        frame = _pandas_csv(text, name)
    header = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    # row numbers as a person sees them in the file: header is row 1 (blank lines are skipped,
    # so this counts non-blank lines, which is what spreadsheet programs show for CSV)
    body.index = pd.RangeIndex(2, 2 + len(body))
    body.columns = range(len(header))
    return RawTable(path, header, body, None, encoding, hashlib.sha256(data).hexdigest())


# Arrow's CSV reader is given every column as text, so that nothing is inferred; far more
# columns are named than a landing file has (the names it does not meet it ignores).
_ARROW_TEXT_COLUMNS = 4096


def _arrow_csv(text: str) -> pd.DataFrame | None:
    """Every cell as text, read by Arrow's multithreaded CSV reader (four times pandas' C parser
    on a province's statistics file), or None when the file is not a plain rectangle of two or
    more columns: a row of another width (Arrow refuses it; pandas pads a short row, and names the
    line of a long one), a line of blanks (pandas skips it), a quote left open. Such a file is
    read by :func:`_pandas_csv`, which says what is wrong with it as before: both readers give the
    same cells for a rectangular file."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    text_type = pa.string()
    _arrow_text_types()
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow_csv.ConvertOptions(
                column_types={f"f{i}": text_type for i in range(_ARROW_TEXT_COLUMNS)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_columns < 2 or table.num_columns > _ARROW_TEXT_COLUMNS:
        return None  # one column: a line of blanks would be a row here, skipped by pandas
    # the cells stay in Arrow's memory: amounts are read there (ingest.parse); a column is made
    # into Python strings only when it is read as text
    return table.to_pandas(types_mapper=_ARROW_TEXT.get)


_ARROW_TEXT = {}  # Arrow's string type -> pandas' text dtype on Arrow storage (filled on first use)


def _arrow_text_types() -> None:
    import pyarrow as pa

    if not _ARROW_TEXT:
        _ARROW_TEXT[pa.string()] = pd.StringDtype("pyarrow", na_value=np.nan)


def _pandas_csv(text: str, name: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
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


# Limits that keep a workbook from taking the machine down (a few bytes can declare billions of
# cells or inflate to gigabytes); real landing workbooks are far below them.
MAX_XLSX_UNPACKED = 1 << 30  # bytes, all parts of the workbook unpacked
MAX_XLSX_RATIO = 200  # unpacked / packed, for a workbook that unpacks to more than 50 MB
MAX_COLUMNS = 200
MAX_XLSX_CELLS = 20_000_000  # the used range of the first sheet, rows x columns
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass
class SheetScan:
    part: str  # the first sheet's XML in the zip
    rows: int  # the last row with a cell
    columns: int  # the last column with a cell
    uncached: list[str]  # formula cells without a calculated value (cell references)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _first_sheet(zf, name: str) -> str:
    from lxml import etree

    try:
        book = etree.fromstring(
            zf.read("xl/workbook.xml"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
        rels = etree.fromstring(
            zf.read("xl/_rels/workbook.xml.rels"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
        rid = book.find(f"{_NS}sheets/{_NS}sheet").get(f"{_REL}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    except (KeyError, StopIteration, AttributeError, etree.XMLSyntaxError) as exc:
        raise LandingError(
            f"{name}：xlsx文件已损坏或格式不对（找不到第一个工作表：{type(exc).__name__}）", file=name
        ) from None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def scan_xlsx(path: Path) -> SheetScan:
    """Before anything is unpacked into memory: the zip's sizes, then one streaming pass over the
    first sheet's XML for its real extent (the <dimension> a program wrote may be stale or a
    lie) and for formulas that were never calculated (no cached value to read)."""
    import zipfile

    from lxml import etree

    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise LandingError(
            f"{name}：xlsx文件已损坏或格式不对（BadZipFile；加密的文件也无法读取：{exc}）", file=name
        ) from None
    with zf:
        packed = sum(i.compress_size for i in zf.infolist())
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_XLSX_UNPACKED or (
            unpacked > 50 << 20 and unpacked > MAX_XLSX_RATIO * max(packed, 1)
        ):
            raise LandingError(
                f"{name}：xlsx文件解压后有{unpacked / (1 << 20):,.0f} MB（压缩后{packed / (1 << 20):,.1f}"
                " MB），超出上限"
                f"（{MAX_XLSX_UNPACKED >> 20} MB，"
                f"压缩比{MAX_XLSX_RATIO}倍），已拒绝读取；请检查文件或改存为CSV",
                file=name,
            )
        part = _first_sheet(zf, name)
        rows = columns = 0
        uncached: list[str] = []
        try:
            with zf.open(part) as stream:
                for _, cell in etree.iterparse(
                    stream, events=("end",), tag=f"{_NS}c", resolve_entities=False, huge_tree=True
                ):
                    ref = cell.get("r") or ""
                    letters = ref.rstrip("0123456789")
                    if letters and ref[len(letters) :]:
                        rows = max(rows, int(ref[len(letters) :]))
                        columns = max(columns, _col_number(letters))
                    if cell.find(f"{_NS}f") is not None:
                        value = cell.find(f"{_NS}v")
                        # a calculated formula keeps its result in <v>; an empty <v> is a result only
                        # for a text formula
                        if value is None or (not (value.text or "") and cell.get("t") != "str"):
                            uncached.append(ref)
                    cell.clear()
                    while cell.getprevious() is not None:
                        del cell.getparent()[0]
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise LandingError(
                f"{name}：xlsx文件已损坏或格式不对（工作表无法读取：{type(exc).__name__}）", file=name
            ) from None
    if columns > MAX_COLUMNS or rows * columns > MAX_XLSX_CELLS or rows > MAX_ROWS + 1:
        raise LandingError(
            f"{name}：第一个工作表用到了第{rows:,}行、第{columns:,}列（{rows * columns:,}个单元格），超出上限"
            f"（{MAX_ROWS:,}行、{MAX_COLUMNS}列、{MAX_XLSX_CELLS:,}个单元格），"
            "已拒绝读取：请删除表格外多余的单元格后另存，或改存为CSV",
            file=name,
        )
    return SheetScan(part, rows, columns, uncached)


def read_xlsx(path: Path) -> RawTable:
    """The first sheet, every row whatever <dimension> says, numbers flagged; refused when a
    formula has no calculated value (it would read as blank), when the sheet is damaged, or when
    it is far larger than any landing workbook (see :func:`scan_xlsx`). Row numbers are the
    sheet's own (blank rows counted)."""
    import python_calamine

    name = path.name
    scan = scan_xlsx(path)
    if scan.uncached:
        shown = "、".join(scan.uncached[:10]) + (
            f"等{len(scan.uncached)}个" if len(scan.uncached) > 10 else ""
        )
        raise LandingError(
            f"{name}：单元格 {shown} 是公式但没有计算结果（文件不是由Excel或WPS保存的），读出来会是空值。"
            "请用Excel或WPS打开该文件、保存后再运行（或把公式粘贴为数值）",
            file=name,
        )
    try:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's errors for damaged parts
        raise LandingError(f"{name}：xlsx文件已损坏或格式不对（{type(exc).__name__}）", file=name) from None
    rows_text: list[list[str]] = []
    rows_num: list[list[bool]] = []
    numbers: list[int] = []
    for k, row in enumerate(grid, start=1):
        converted = [_cell_text(v) for v in row]
        texts = [t for t, _ in converted]
        if not any(t.strip() for t in texts):
            continue
        rows_text.append(texts)
        rows_num.append([n for _, n in converted])
        numbers.append(k)
    if not rows_text:
        raise LandingError(f"{name}：文件为空", file=name)
    width = max(len(r) for r in rows_text)
    header = rows_text[0] + [""] * (width - len(rows_text[0]))
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows_text[1:]]
    nums = [(r + [False] * width)[:width] for r in rows_num[1:]]
    cells = (
        pd.DataFrame(body, columns=range(width), dtype=object).astype(str)
        if body
        else pd.DataFrame(columns=range(width), dtype=str)
    )
    numeric = (
        pd.DataFrame(nums, columns=range(width), dtype=bool)
        if nums
        else pd.DataFrame(columns=range(width), dtype=bool)
    )
    cells.index = pd.Index(numbers[1:], dtype=np.int64)
    numeric.index = cells.index
    return RawTable(path, header, cells, numeric, "xlsx", sha256_of(path), header_row=numbers[0])


def read_table(path: Path) -> RawTable:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LandingError(
            f"{path.name}：文件有{size / 1024**2:,.0f} MB，超过每个文件{MAX_FILE_BYTES // 1024**2} MB的上限，"
            "已拒绝读取。"
            "请确认是否放错了文件（如把整库导出当作一个年度的数据）",
            file=path.name,
        )
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv_text(path)


def normalise_header(text: str) -> str:
    """Header cells compare after NFKC (full-width brackets become ASCII), trimming, lower case
    and without inner spaces: ``零售额（社会消费品零售额）`` matches ``零售额(社会消费品零售额)``."""
    return "".join(unicodedata.normalize("NFKC", str(text)).lstrip("\ufeff").split()).lower()
