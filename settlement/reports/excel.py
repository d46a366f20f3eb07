"""Shared Excel conventions: Chinese headers, ``#,##0.00`` amounts, CJK-aware column widths,
frozen header, autofilter, A4 landscape fit to one page wide, repeated header rows, page
numbers, text-typed codes and accounts, user text never turned into a formula, and
byte-identical files for the same content (fixed document times and zip entry times)."""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .amount_texts import (
    wan_texts,
    wan_texts_of_units,
    yuan_texts,
)
from .sheet_xml import Column, SheetWriter
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
from .xlsx_save import save_deterministic  # noqa: F401 (re-exported)

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
RIGHT_WRAP = Alignment(horizontal="right", vertical="center", wrap_text=True)


MAX_CELL_CHARS = 32_767  # the most characters an Excel cell holds; a longer text makes the file unreadable
CUT_NOTE = "……（超过Excel单元格上限，以下从略，全文见awards.csv）"


# A4 landscape with this module's margins: 297 mm less 2 x 0.4 in, at 96 dpi, in width units
A4_LANDSCAPE_UNITS = (297 / 25.4 - 0.8) * 96 / 7
A4_PORTRAIT_UNITS = (210 / 25.4 - 0.8) * 96 / 7
A3_LANDSCAPE_UNITS = (420 / 25.4 - 0.8) * 96 / 7


def new_sheet(wb: Workbook, title: str) -> Sheet:
    """A write-only sheet whose rows are lists of cells made by :func:`text_cell`,
    :func:`count_cell`, :func:`yuan_cell` and :func:`wan_cell` (or None), and whose long lists go
    in column by column with :meth:`Sheet.append_columns`."""
    ws = Sheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


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
            self._writer = SheetWriter(self)
            self._writer.write_top()

    next_row = 1  # the number of the row the next append writes

    @property
    def heights(self) -> dict[int, float]:
        """Row number -> height in points, for rows written by this module (kept here rather than
        as openpyxl row dimensions: an object per row costs more than the row itself)."""
        if "_heights" not in self.__dict__:
            self.__dict__["_heights"] = {}
        return self.__dict__["_heights"]

    def append(self, row: list[Column | None], height: float | None = None) -> None:
        """One row of single cells (:func:`text_cell`, :func:`yuan_cell` and the like, or None for
        none); ``height`` in points for a row whose wrapped text needs more than one line."""
        self.append_columns(list(row), None if height is None else [height])

    def append_columns(self, columns: list[Column | None], heights=None) -> None:
        """As many rows as the columns have values; None leaves a column empty. ``heights``: each
        row's height in points (None or 0 keeps the default), e.g. from :func:`row_heights`."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        present = [c for c in columns if c is not None]
        n = len(present[0].values) if present else 1
        if heights is not None:
            start = self.next_row
            self.heights.update((start + k, float(h)) for k, h in enumerate(heights) if h)
        self._rows.send(columns)
        self.next_row += n

    def blank_row(self, height: float | None = None) -> None:
        self.append([None], height)

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


def text_column(ws, values, font=BODY_FONT, alignment=LEFT, border=BORDER, fill=None) -> Column:
    """Cells that hold their values as literal text, whatever they start with ('=1+1', '0012',
    a 19-digit account): the type is set directly, never guessed from the value. Characters
    XML cannot carry (control characters) are shown as U+FFFD."""

    def apply(cell):
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill

    texts = ["" if v is None else v if isinstance(v, str) else str(v) for v in values]
    if any(len(t) > MAX_CELL_CHARS for t in texts):
        texts = [
            t if len(t) <= MAX_CELL_CHARS else t[: MAX_CELL_CHARS - len(CUT_NOTE)] + CUT_NOTE for t in texts
        ]
    return Column("s", _style_id(ws, ("t", id(font), id(alignment), id(border), id(fill)), apply), texts)


def text_cell(ws, value, font=BODY_FONT, alignment=LEFT, border=BORDER, fill=None) -> Column:
    return text_column(ws, [value], font, alignment, border, fill)


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
    """Amounts given in fen, shown in 10,000 yuan (万元) to four decimals, rounded half up (see
    :func:`wan_texts`)."""
    return _number_column(ws, wan_texts(fen), WAN_FORMAT, font, border)


def wan_units_column(ws, units, font=BODY_FONT, border=BORDER) -> Column:
    """Amounts already in 0.0001 万元 (see :func:`wan_units`), shown to four decimals."""
    return _number_column(ws, wan_texts_of_units(units), WAN_FORMAT, font, border)


_PLAIN_NUMBER = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d{1,9})?")


def value_column(
    ws, texts: list[str], numeric: list[bool], money: list[bool], font=BODY_FONT, border=BORDER
) -> Column:
    """Cells typed by what they hold: where ``numeric`` and the text is a plain number it is a
    number cell (``money``: shown as ``#,##0.00``), else text exactly as given."""
    text_id = text_column(ws, [""], font).style_id
    money_id = _number_column(ws, ["0"], YUAN_FORMAT, font, border).style_id
    plain_id = _number_column(ws, ["0"], "General", font, border).style_id
    values = []
    for t, num, m in zip(texts, numeric, money, strict=True):
        t = "" if t is None else str(t)
        if num and _PLAIN_NUMBER.fullmatch(t):
            values.append(("n", money_id if m else plain_id, t))
        else:
            values.append(("s", text_id, t[:MAX_CELL_CHARS]))
    return Column("m", 0, values)


def count_cell(ws, value: int, font=BODY_FONT, border=BORDER) -> Column:
    return count_column(ws, [value], font, border)


def yuan_cell(ws, fen: int, font=BODY_FONT, border=BORDER) -> Column:
    return yuan_column(ws, [fen], font, border)


def wan_cell(ws, fen: int, font=BODY_FONT, border=BORDER) -> Column:
    return wan_column(ws, [fen], font, border)


def set_column_widths(ws, widths: list[float]) -> None:
    """Column widths exactly as given (width units; see :func:`text_units`)."""
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = float(w)


def page_setup(
    ws, header_rows: str | None, landscape: bool = True, paper: str = "A4", one_page: bool = False
) -> None:
    """A4 (or A3), fit to one page wide (``one_page``: the whole sheet on one page), header rows
    on every page, page numbers in the footer. Call it before the first row of a write-only sheet
    (its sheetPr is written first)."""
    ws.page_setup.paperSize = {"A4": "9", "A3": "8"}[paper]
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = header_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


# ------------------------------------------------------------------ blocks the lists share

NOTE_FONT = Font(name="宋体", size=10)
PASS_FILL = PatternFill("solid", fgColor="E2EFDA")
FAIL_FILL = PatternFill("solid", fgColor="F8CBAD")
FAIL_FONT = Font(name="宋体", size=10, bold=True, color="9C0006")


def last_column(widths: list[float]) -> str:
    return get_column_letter(len(widths))


def merged_row(
    ws, text: str, widths: list[float], font=SUBTITLE_FONT, alignment=LEFT, min_height: float | None = None
) -> int:
    """A row of one text across all columns (a title, a heading line, a note), as high as its
    wrapped text needs; returns its row number."""
    size = float(font.sz or 10)
    lines = wrap_lines(text, sum(widths), size)
    height = needed_height(lines, size)
    if min_height:
        height = max(height or 0, min_height)
    row = ws.next_row
    ws.append([text_cell(ws, text, font=font, alignment=alignment, border=None)], height)
    if len(widths) > 1:
        ws.merged_cells.add(f"A{row}:{last_column(widths)}{row}")
    return row


def header_row(ws, headers: list[str], widths: list[float], font=HEADER_FONT) -> int:
    """Column headers, wrapped where a header is wider than its column; returns the row number."""
    size = float(font.sz or 11)
    lines = max(wrap_lines(h, w, size) for h, w in zip(headers, widths, strict=True))
    row = ws.next_row
    ws.append([text_cell(ws, h, font=font, alignment=CENTER) for h in headers], needed_height(lines, size))
    return row


def title_row(ws, text: str, widths: list[float]) -> int:
    return merged_row(ws, text, widths, font=TITLE_FONT, alignment=CENTER, min_height=30)
