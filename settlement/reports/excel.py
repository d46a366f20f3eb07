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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook import Workbook

from .files import write_bytes_atomic

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_STARTS = ("=", "+", "-", "@")
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


def text_cell(ws, value, font=BODY_FONT, alignment=LEFT, border=BORDER) -> WriteOnlyCell:
    """A cell that holds ``value`` as literal text, whatever it starts with."""
    cell = WriteOnlyCell(ws, value="" if value is None else str(value))
    cell.data_type = "s"  # never a formula, never a number: '=1+1', '0012', 19-digit accounts
    cell.font = font
    cell.alignment = alignment
    if border is not None:
        cell.border = border
    return cell


def number_cell(ws, value: Decimal | int, number_format: str = YUAN_FORMAT, font=BODY_FONT, border=BORDER) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    cell.font = font
    cell.alignment = RIGHT
    if border is not None:
        cell.border = border
    return cell


def set_widths(ws, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, min(60, w + 2))


def page_setup(ws, header_rows: str, landscape: bool = True) -> None:
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
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + fixed_time.encode() + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return write_bytes_atomic(path, out.getvalue())


def is_formula_like(text: str) -> bool:
    return str(text).startswith(FORMULA_STARTS)
