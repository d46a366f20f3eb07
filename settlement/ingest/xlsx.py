"""Reading an .xlsx landing file: its first sheet, one header row, every cell as text (numbers
typed into cells written out exactly and flagged), after a scan that refuses a workbook too large
to unpack or with formulas that were never calculated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..hashing import sha256_of
from .raw import MAX_ROWS, LandingError, RawTable


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


class _Extent:
    """The last row and column any cell names, and the formulas without a calculated value."""

    def __init__(self):
        self.rows = self.columns = 0
        self.uncached: list[str] = []

    def take(self, element) -> None:
        """The cells in ``element`` (a row, or what lies between rows), in the sheet's order."""
        refs, formula_cells = _cell_paths()
        for ref in refs(element):
            letters = ref.rstrip("0123456789")
            if letters and ref[len(letters) :]:
                self.rows = max(self.rows, int(ref[len(letters) :]))
                self.columns = max(self.columns, _col_number(letters))
        for cell in formula_cells(element):
            value = cell.find(f"{_NS}v")
            # a calculated formula keeps its result in <v>; an empty <v> is a result only for a
            # text formula
            if value is None or (not (value.text or "") and cell.get("t") != "str"):
                self.uncached.append(cell.get("r") or "")


@cache
def _cell_paths():
    """XPath for every cell's reference and for the cells holding a formula (found in C, not
    by walking the cells one by one in Python)."""
    from lxml import etree

    ns = {"m": _NS[1:-1]}
    return (
        etree.XPath("descendant-or-self::m:c/@r", namespaces=ns, smart_strings=False),
        etree.XPath("descendant-or-self::m:c[m:f]", namespaces=ns),
    )


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
        extent = _Extent()
        try:
            with zf.open(part) as stream:
                # one event per row, not per cell (half the time): a row's cells are looked at
                # when it ends, in the sheet's order; a cell outside any row with the next row
                for _, element in etree.iterparse(
                    stream,
                    events=("end",),
                    tag=(f"{_NS}row", f"{_NS}sheetData"),
                    resolve_entities=False,
                    huge_tree=True,
                ):
                    parent = element.getparent()
                    while parent is not None and parent[0] is not element:  # before it, in order
                        if parent[0].tag != f"{_NS}row":  # rows were taken and cleared already
                            extent.take(parent[0])
                        del parent[0]
                    extent.take(element)
                    element.clear()
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise LandingError(
                f"{name}：xlsx文件已损坏或格式不对（工作表无法读取：{type(exc).__name__}）", file=name
            ) from None
    rows, columns, uncached = extent.rows, extent.columns, extent.uncached
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
