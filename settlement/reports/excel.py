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
import pandas as pd
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
RIGHT_WRAP = Alignment(horizontal="right", vertical="center", wrap_text=True)


MAX_CELL_CHARS = 32_767  # the most characters an Excel cell holds; a longer text makes the file unreadable
CUT_NOTE = "……（超过Excel单元格上限，以下从略，全文见awards.csv）"


def display_width(text: str) -> int:
    """Columns a text takes: CJK (wide and full-width) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


# ---------------------------------------------------------------- how much room text takes
#
# Column widths are in Excel's units: one digit of the workbook's default font, Calibri 11 pt
# (7 px at 96 dpi). A CJK character at 11 pt takes two of them and a Latin letter or digit
# (half-width in 宋体 and 黑体) one; at other sizes in proportion (at 10 pt a CJK character is
# 13.3 px, 1.9 units). A line of CJK text is about 1.5 em high (the line height of the CJK fonts
# office suites use). The writers size rows with these estimates, and tests/print_fit.py checks
# every written sheet with the same rules.

LINE_EM = 1.5
BASE_SIZE = 11.0  # the font size at which a CJK character is two width units
CELL_PADDING = 0.7  # units a cell's left and right margins take from its width


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def text_units(text: str, size: float = 10) -> float:
    """Width units ``text`` takes on one line at ``size`` points."""
    return display_width(text) * size / BASE_SIZE


OPENING = set("（《「『“‘〔【〈｛［(<[{")  # never at the end of a line: goes with what follows
CLOSING = set(
    "，。、；：！？）》」』”’〕】〉｝］,.;:!?)>]}%"
)  # never at the start of a line: stays with what precedes


def _tokens(text: str) -> list[str]:
    """Pieces a line is never broken inside: one CJK character, a run of Latin letters and
    digits, or a space; opening brackets go with the piece after them, closing marks and
    punctuation with the piece before them (the line-breaking rules office suites apply)."""
    tokens: list[str] = []
    prefix = ""
    latin = False
    for ch in text:
        if ch in CLOSING and tokens:
            tokens[-1] += ch
            latin = True  # letters or digits right after a closing mark stay with it (〕14)
        elif ch in OPENING:
            prefix += ch
        elif ch == " ":
            tokens.append(prefix + ch)
            prefix, latin = "", False
        elif _is_wide(ch):
            tokens.append(prefix + ch)
            prefix, latin = "", False
        else:
            if latin and not prefix:
                tokens[-1] += ch
            else:
                tokens.append(prefix + ch)
                prefix = ""
            latin = True
    if prefix:
        tokens.append(prefix)
    return tokens


def wrap_lines(text: str, width: float, size: float = 10) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide at ``size`` points: breaks
    between CJK characters and at spaces, never inside a run of Latin letters and digits, never
    before a closing mark or after an opening one, and at explicit line feeds."""
    usable = max(width - CELL_PADDING, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for token in _tokens(paragraph):
            w = text_units(token, size)
            if used + w <= usable:
                used += w
            elif token == " ":
                lines, used = lines + 1, 0.0
            else:
                lines += 1
                whole, used = divmod(w, usable) if w > usable else (0, w)
                lines += int(whole)
    return lines


def line_height(size: float = 10) -> float:
    """Points one line of text takes at ``size`` points."""
    return size * LINE_EM


def height_for(lines: int, size: float = 10) -> float:
    """Row height in points for ``lines`` lines at ``size`` points (a little room above and below)."""
    return round(lines * line_height(size) + 5, 1)


MAX_ROW_HEIGHT = 409.0  # Excel's limit
DEFAULT_ROW_HEIGHT = 15.0  # a row's height when none is set


def needed_height(lines: int, size: float = 10) -> float | None:
    """The height to set for a row of ``lines`` lines at ``size`` points; None when the default
    row height holds them."""
    if lines * line_height(size) <= DEFAULT_ROW_HEIGHT:
        return None
    return min(MAX_ROW_HEIGHT, height_for(lines, size))


def row_heights(
    columns: list[tuple[list[str], float, float]], exact_limit: int = 3_000
) -> list[float | None]:
    """The height each row needs for its wrapped cells: ``columns`` are (texts, width, size) of
    the row's wrapped columns. None where one line is enough. Each distinct text is measured once;
    beyond ``exact_limit`` distinct texts a column is measured by a quick upper estimate
    (characters plus wide characters, from the UTF-8 length, over 92% of the line)."""
    n = len(columns[0][0]) if columns else 0
    most = np.ones(n, dtype=np.int64)
    size_of = np.full(n, 10.0)
    for texts, width, size in columns:
        values = pd.Series(texts, dtype=object).fillna("").astype(str)
        codes, distinct = pd.factorize(values)
        if len(distinct) <= exact_limit:
            counts = np.array([wrap_lines(t, width, size) for t in distinct], dtype=np.int64)
        else:
            d = pd.Series(distinct, dtype=object)
            chars = d.str.len().to_numpy()
            wide = (d.str.encode("utf-8").str.len().to_numpy() - chars) // 2
            units = (chars + wide) * size / BASE_SIZE
            usable = max(width - CELL_PADDING, 1.0) * 0.92
            counts = np.maximum(np.ceil(units / usable).astype(np.int64), 1) + d.str.count("\n").to_numpy()
        per_row = counts[codes] if len(codes) else np.zeros(0, dtype=np.int64)
        size_of = np.where(per_row > most, size, size_of)
        most = np.maximum(most, per_row)
    return [needed_height(int(k), float(s)) for k, s in zip(most.tolist(), size_of.tolist(), strict=True)]


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


class Column:
    """Cells of one column over consecutive rows: their type (``s`` text, ``n`` number, ``m``
    mixed), style index and values, as the text the cell holds (a number already written as its
    digits). A mixed column's values are (type, style index, text) per cell."""

    __slots__ = ("kind", "style_id", "values")

    def __init__(self, kind: str, style_id: int, values: list):
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
        dims, heights = self.ws.row_dimensions, self.ws.heights
        for start in range(0, n, self.CHUNK):
            rows = range(first_row + start, first_row + min(n, start + self.CHUNK))
            cells = [
                _cells(_COLUMN_LETTERS[j], c, rows, c.values[start : start + self.CHUNK]) for j, c in present
            ]
            text = "".join(
                (
                    f"{_row_open(dims, heights, r)}{''.join(row)}</row>"
                    if row
                    else f"{_row_open(dims, heights, r)[:-1]}/>"
                )
                for r, row in zip(rows, zip(*cells, strict=True) if cells else [()] * len(rows), strict=True)
            )
            xf.flush()
            self._file.write(text.encode("utf-8"))
        return first_row + n


def _row_open(dims, heights: dict, r: int) -> str:
    if r in heights:
        return f'<row r="{r}" ht="{heights[r]:g}" customHeight="1">'
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
        value = (
            _NOT_XML.sub("\ufffd", value)
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\r", "&#13;")
        )
    return f'<t xml:space="preserve">{value}</t>' if preserve else f"<t>{value}</t>"


def _cells(letter: str, column: Column, rows: range, values: list[str]) -> list[str]:
    head = f'<c r="{letter}'
    if column.kind == "m":
        return [
            (
                f'{head}{r}" s="{sid}" t="inlineStr"><is>{_t(v)}</is></c>'
                if k == "s" and v
                else (
                    f'{head}{r}" s="{sid}" t="inlineStr"/>'
                    if k == "s"
                    else f'{head}{r}" s="{sid}" t="n"><v>{v}</v></c>'
                )
            )
            for r, (k, sid, v) in zip(rows, values, strict=True)
        ]
    if column.kind == "s":
        tail = f'" s="{column.style_id}" t="inlineStr"'
        return [
            f"{head}{r}{tail}><is>{_t(v)}</is></c>" if v else f"{head}{r}{tail}/>"
            for r, v in zip(rows, values, strict=True)
        ]
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


def wan_units(fen) -> np.ndarray:
    """Amounts in fen as whole 0.0001 万元 (= 1 元), rounded ROUND_HALF_UP (四舍五入, as
    :func:`settlement.money.fen_to_wan_text`), signed: 15050 → 151, -50 → -1."""
    fen = np.asarray(fen, dtype=np.int64).reshape(-1)
    units, rest = np.divmod(np.abs(fen), 100)
    units += rest >= 50
    return np.where(fen < 0, -units, units)


def wan_texts_of_units(units) -> list[str]:
    units = np.asarray(units, dtype=np.int64).reshape(-1)
    whole, frac = np.divmod(np.abs(units), 10_000)
    signs = np.where(units < 0, "-", "").tolist()
    table = _ten_thousandths()
    return [f"{s}{w}{table[f]}" for s, w, f in zip(signs, whole.tolist(), frac.tolist(), strict=True)]


def wan_texts(fen) -> list[str]:
    """Decimal text of amounts in fen as 万元 to four decimals (units of 100 fen), rounded
    ROUND_HALF_UP like every amount (四舍五入, as :func:`settlement.money.fen_to_wan_text`):
    15050 → '0.0151', 50 → '0.0001'."""
    return wan_texts_of_units(wan_units(fen))


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


def fit_height(texts_widths: list[tuple[str, float]], size: float = 10) -> float | None:
    """The height a row of single cells needs: (text, column width) of its wrapped cells."""
    return needed_height(max(wrap_lines(t, w, size) for t, w in texts_widths), size)


def wrapped_heights(
    columns: list[Column | None], widths: list[float], wrapped: set[int], size: float = 10
) -> list[float | None]:
    """Row heights for a block of columns, from the texts of the columns (positions) in ``wrapped``."""
    picked = [(columns[i].values, widths[i], size) for i in sorted(wrapped) if columns[i] is not None]
    return row_heights(picked)
