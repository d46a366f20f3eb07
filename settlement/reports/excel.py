"""Shared Excel conventions: Chinese headers, ``#,##0.00`` amounts, CJK-aware column widths,
frozen header, autofilter, A4 landscape fit to one page wide, repeated header rows, page
numbers, text-typed codes and accounts, user text never turned into a formula, and
byte-identical files for the same content (fixed document times and zip entry times)."""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile

import numpy as np
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from .files import write_bytes_atomic

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
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


def new_sheet(wb: Workbook, title: str) -> Sheet:
    """A write-only sheet whose rows are lists of cells made by :func:`text_cell`,
    :func:`count_cell`, :func:`yuan_cell` and :func:`wan_cell` (or None), and whose long lists go in column by column with
    :meth:`Sheet.append_columns`."""
    ws = Sheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


class Column:
    """Cells of one column over consecutive rows: their type (``s`` text, ``n`` number), style
    index and values, as the text the cell holds (a number already written as its digits)."""

    __slots__ = ("kind", "style_id", "values")

    def __init__(self, kind: str, style_id: int, values: list[str]):
        self.kind, self.style_id, self.values = kind, style_id, values


class Sheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet, with its rows serialized here as text straight into the sheet
    file, and the file written as UTF-8.

    openpyxl's own path builds a Cell object per value, looks its style up for every cell,
    builds an lxml element per cell and writes the sheet as ASCII, spelling every Chinese
    character as ``&#NNNNN;``: five to six times slower, and three times the bytes (benchmark:
    tests/bench/bench_excel.py). Everything around the rows (views, widths, filters, page
    setup) is still openpyxl's, and the cell XML is what openpyxl writes."""

    def _get_writer(self):
        if self._writer is None:
            self._writer = _SheetWriter(self)
            self._writer.write_top()

    def append(self, row: list[Column | None]) -> None:
        """One row of single cells (:func:`text_cell`, :func:`yuan_cell` and the like, or None for none)."""
        self.append_columns(list(row))

    def append_columns(self, columns: list[Column | None]) -> None:
        """As many rows as the columns have values; None leaves a column empty."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(columns)

    def _write_rows(self):
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            first_row = 1
            try:
                while True:
                    columns = yield
                    first_row = self._writer.write_block(xf, columns, first_row)
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


class _SheetWriter(WorksheetWriter):
    """Writes the sheet XML as UTF-8 into a file it holds open, so that rows serialized as text
    go into the same file between the elements openpyxl writes through lxml."""

    CHUNK = 4096

    def get_stream(self):
        with open(self.out, "wb") as self._file, xmlfile(self._file, encoding="utf-8") as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def write_block(self, xf, columns: list[Column | None], first_row: int) -> int:
        """Writes the rows the columns hold from ``first_row`` on; returns the next row's number."""
        present = [(j, c) for j, c in enumerate(columns, 1) if c is not None]
        n = len(present[0][1].values) if present else 1
        if any(len(c.values) != n for _, c in present):
            raise ValueError("columns of a block of rows differ in length")
        dims = self.ws.row_dimensions
        for start in range(0, n, self.CHUNK):
            rows = range(first_row + start, first_row + min(n, start + self.CHUNK))
            cells = [_cells(_COLUMN_LETTERS[j], c, rows, c.values[start : start + self.CHUNK]) for j, c in present]
            text = "".join(
                f"{_row_open(dims, r)}{''.join(row)}</row>" if row else f"{_row_open(dims, r)[:-1]}/>"
                for r, row in zip(rows, zip(*cells, strict=True) if cells else [()] * len(rows), strict=True)
            )
            xf.flush()
            self._file.write(text.encode("utf-8"))
        return first_row + n


def _row_open(dims, r: int) -> str:
    if r not in dims:
        return f'<row r="{r}">'
    return f'<row r="{r}"' + "".join(f' {k}="{v}"' for k, v in dims[r]) + ">"


# what XML text cannot hold as is: markup characters, carriage returns (which XML readers turn
# into line feeds), and characters XML 1.0 does not allow at all
_NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_SPECIAL = re.compile(f"[&<>\r{_NOT_XML_CHARS}]")
_NOT_XML = re.compile(f"[{_NOT_XML_CHARS}]")


def _t(value: str) -> str:
    """The ``<t>`` element of an inline string: leading or trailing spaces kept, markup escaped,
    characters XML cannot carry (control characters) shown as U+FFFD."""
    preserve = value[0].isspace() or value[-1].isspace()
    if _SPECIAL.search(value):
        value = _NOT_XML.sub("\ufffd", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f'<t xml:space="preserve">{value}</t>' if preserve else f"<t>{value}</t>"


def _cells(letter: str, column: Column, rows: range, values: list[str]) -> list[str]:
    head = f'<c r="{letter}'
    if column.kind == "s":
        tail = f'" s="{column.style_id}" t="inlineStr"'
        return [f"{head}{r}{tail}><is>{_t(v)}</is></c>" if v else f"{head}{r}{tail}/>" for r, v in zip(rows, values, strict=True)]
    tail = f'" s="{column.style_id}" t="n"'
    return [f"{head}{r}{tail}><v>{v}</v></c>" for r, v in zip(rows, values, strict=True)]


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


def text_column(ws, values, font=BODY_FONT, alignment=LEFT, border=BORDER) -> Column:
    """Cells that hold their values as literal text, whatever they start with ('=1+1', '0012',
    a 19-digit account): the type is set directly, never guessed from the value. Characters
    XML cannot carry (control characters) are shown as U+FFFD."""

    def apply(cell):
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border

    texts = ["" if v is None else v if isinstance(v, str) else str(v) for v in values]
    return Column("s", _style_id(ws, ("t", id(font), id(alignment), id(border)), apply), texts)


def text_cell(ws, value, font=BODY_FONT, alignment=LEFT, border=BORDER) -> Column:
    return text_column(ws, [value], font, alignment, border)


def _number_column(ws, texts: list[str], number_format: str, font, border) -> Column:
    def apply(cell):
        cell.number_format = number_format
        cell.font = font
        cell.alignment = RIGHT
        if border is not None:
            cell.border = border

    return Column("n", _style_id(ws, ("n", number_format, id(font), id(border)), apply), texts)


def count_column(ws, values, font=BODY_FONT, border=BORDER) -> Column:
    """Whole numbers (sequence numbers, counts), shown without decimals."""
    return _number_column(ws, [str(int(v)) for v in values], "0", font, border)


def yuan_column(ws, fen, font=BODY_FONT, border=BORDER) -> Column:
    """Amounts given in fen, shown in yuan as ``#,##0.00``."""
    return _number_column(ws, yuan_texts(fen), YUAN_FORMAT, font, border)


def wan_column(ws, fen, font=BODY_FONT, border=BORDER) -> Column:
    """Amounts given in fen, shown in 10,000 yuan (万元) to four decimals, rounded half up (see :func:`wan_texts`)."""
    return _number_column(ws, wan_texts(fen), WAN_FORMAT, font, border)


def count_cell(ws, value: int, font=BODY_FONT, border=BORDER) -> Column:
    return count_column(ws, [value], font, border)


def yuan_cell(ws, fen: int, font=BODY_FONT, border=BORDER) -> Column:
    return yuan_column(ws, [fen], font, border)


def wan_cell(ws, fen: int, font=BODY_FONT, border=BORDER) -> Column:
    return wan_column(ws, [fen], font, border)


_CENTS = ["" if c == 0 else f".{c:02d}".rstrip("0") for c in range(100)]


def yuan_texts(fen) -> list[str]:
    """Exact decimal text of amounts in fen as yuan, trailing zeros dropped: 123450 → '1234.5'."""
    fen = np.asarray(fen, dtype=np.int64).reshape(-1)
    whole, cents = np.divmod(np.abs(fen), 100)
    signs = np.where(fen < 0, "-", "").tolist()
    return [f"{s}{w}{_CENTS[c]}" for s, w, c in zip(signs, whole.tolist(), cents.tolist(), strict=True)]


@functools.cache
def _ten_thousandths() -> list[str]:
    return ["" if f == 0 else f".{f:04d}".rstrip("0") for f in range(10_000)]


def wan_texts(fen) -> list[str]:
    """Decimal text of amounts in fen as 万元 to four decimals (units of 100 fen), rounded
    ROUND_HALF_UP like every amount (四舍五入, as :func:`settlement.money.fen_to_wan_text`):
    15050 → '0.0151', 50 → '0.0001'."""
    fen = np.asarray(fen, dtype=np.int64).reshape(-1)
    units, rest = np.divmod(np.abs(fen), 100)
    units += rest >= 50
    whole, frac = np.divmod(units, 10_000)
    signs = np.where((fen < 0) & (units > 0), "-", "").tolist()
    table = _ten_thousandths()
    return [f"{s}{w}{table[f]}" for s, w, f in zip(signs, whole.tolist(), frac.tolist(), strict=True)]


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


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries are all dated 1980-01-01, deflated at level 1 (the sheets are most of
    the bytes and compress well even so), with the document times in docProps/core.xml set to
    a fixed time: the same content gives the same bytes."""

    def __init__(self, file, fixed_time: str):
        super().__init__(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.fixed_time = fixed_time.encode()

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name == "docProps/core.xml":
            data = _CORE_TIMES.sub(rb"\g<1>" + self.fixed_time + rb"\g<2>", data)
        entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        super().writestr(entry, data, compresslevel=1)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:
            self.writestr(arcname, source.read())


def save_deterministic(wb: Workbook, path, fixed_time: str) -> str:
    """Save so that the same content gives the same bytes: document times set to
    ``fixed_time`` (ISO, UTC) and every zip entry dated 1980-01-01. Atomic; returns SHA-256."""
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    out = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(out, fixed_time)).save()
    return write_bytes_atomic(path, out.getvalue())
