"""Shared Excel conventions: Chinese headers, ``#,##0.00`` amounts, CJK-aware column widths,
frozen header, autofilter, A4 landscape fit to one page wide, repeated header rows, page
numbers, text-typed codes and accounts, user text never turned into a formula, and
byte-identical files for the same content (fixed document times and zip entry times)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.xml.functions import XML_NS, Element, SubElement

from .files import write_bytes_atomic

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
XML_SPACE = f"{{{XML_NS}}}space"
_COLUMN_LETTERS = [""] + [get_column_letter(i) for i in range(1, 200)]
YUAN_FORMAT = "#,##0.00"
WAN_FORMAT = "#,##0.0000"

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(name="宋体", bold=True, size=11)
BODY_FONT = Font(name="宋体", size=10)
TITLE_FONT = Font(name="黑体", bold=True, size=16)
SUBTITLE_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(name="宋体", bold=True, size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def display_width(text: str) -> int:
    """Columns a text takes: CJK (wide and full-width) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def fen_to_decimal(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def fen_to_wan_decimal(fen: int) -> Decimal:
    return (Decimal(int(fen)) / Decimal(1_000_000)).quantize(Decimal("0.0001"))


def new_sheet(wb: Workbook, title: str):
    """A write-only sheet whose rows are lists of cells made by :func:`text_cell` and
    :func:`number_cell` (or None). Rows are serialized here, one lxml element per row, with the
    style index resolved once per style: openpyxl's write-only path builds a Cell object and
    looks up its style for every cell, which made the lists about three times slower
    (benchmark: tests/bench/bench_excel.py). The XML is the same as openpyxl's."""
    ws = wb.create_sheet(title)
    ws._values_to_row = lambda values, row_idx: values
    get_writer = ws._get_writer

    def writer():
        get_writer()
        ws._writer.write_row = lambda xf, row, row_idx: _write_row(ws, xf, row, row_idx)

    ws._get_writer = writer
    return ws


class XCell:
    """A cell of a write-only row: its type (``s`` text, ``n`` number), value and style index."""

    __slots__ = ("kind", "value", "style_id")

    def __init__(self, kind: str, value, style_id: int):
        self.kind, self.value, self.style_id = kind, value, style_id


def _write_row(ws, xf, row, row_idx: int) -> None:
    attrs = {"r": f"{row_idx}"}
    attrs.update(ws.row_dimensions.get(row_idx, {}))
    el = Element("row", attrs)
    for col_idx, cell in enumerate(row, 1):
        if cell is None:
            continue
        ref = f"{_COLUMN_LETTERS[col_idx]}{row_idx}"
        if cell.kind == "s":
            c = SubElement(el, "c", {"r": ref, "s": f"{cell.style_id}", "t": "inlineStr"})
            if cell.value != "":
                t = SubElement(SubElement(c, "is"), "t", {XML_SPACE: "preserve"} if cell.value != cell.value.strip() else {})
                t.text = cell.value
        else:
            c = SubElement(el, "c", {"r": ref, "s": f"{cell.style_id}", "t": "n"})
            if cell.value is not None:
                SubElement(c, "v").text = safe_string(cell.value)
    xf.write(el)


def _style_id(ws, key: tuple, apply) -> int:
    """The index of a combination (font, alignment, border, format) in the workbook's cell
    styles, resolved once per workbook (kept on the workbook, so it goes with it)."""
    wb = ws.parent
    ids = wb.__dict__.setdefault("_settlement_style_ids", {})
    if key not in ids:
        cell = WriteOnlyCell(ws)
        apply(cell)
        ids[key] = cell.style_id
    return ids[key]


def text_cell(ws, value, font=BODY_FONT, alignment=LEFT, border=BORDER) -> XCell:
    """A cell that holds ``value`` as literal text, whatever it starts with ('=1+1', '0012',
    a 19-digit account): the type is set directly, never guessed from the value. Characters
    XML cannot carry (control characters) are shown as U+FFFD."""

    def apply(cell):
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border

    text = "" if value is None else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return XCell("s", text, _style_id(ws, ("t", id(font), id(alignment), id(border)), apply))


def number_cell(ws, value: Decimal | int, number_format: str = YUAN_FORMAT, font=BODY_FONT, border=BORDER) -> XCell:
    def apply(cell):
        cell.number_format = number_format
        cell.font = font
        cell.alignment = RIGHT
        if border is not None:
            cell.border = border

    return XCell("n", value, _style_id(ws, ("n", number_format, id(font), id(border)), apply))


def set_widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, min(60, w + 2))


def wrapped_height(text: str, width_chars: int, line_height: float = 15.0) -> float:
    """Row height that shows ``text`` wrapped in a cell ``width_chars`` wide."""
    lines = max(1, -(-display_width(text) // max(width_chars, 1)))
    return line_height * lines + 4


def page_setup(ws, header_rows: str, landscape: bool = True) -> None:
    """A4, fit to one page wide, header rows on every page, page numbers in the footer.
    Call it before the first row of a write-only sheet (its sheetPr is written first)."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def save_deterministic(wb: Workbook, path, fixed_time: str) -> str:
    """Save so that the same content gives the same bytes: document times set to
    ``fixed_time`` (ISO, UTC) and every zip entry dated 1980-01-01. Atomic; returns SHA-256."""
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + fixed_time.encode() + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data, compresslevel=1)
    return write_bytes_atomic(path, out.getvalue())
