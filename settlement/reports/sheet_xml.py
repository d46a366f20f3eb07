"""The XML of a write-only sheet's rows, written a column block at a time (cells of a column share
one style), with the row heights the texts need."""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

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


class Column:
    """Cells of one column over consecutive rows: their type (``s`` text, ``n`` number, ``m``
    mixed), style index and values, as the text the cell holds (a number already written as its
    digits). A mixed column's values are (type, style index, text) per cell."""

    __slots__ = ("kind", "style_id", "values")

    def __init__(self, kind: str, style_id: int, values: list):
        self.kind, self.style_id, self.values = kind, style_id, values


_COLUMN_LETTERS = [""] + [get_column_letter(i) for i in range(1, 200)]


class SheetWriter(WorksheetWriter):
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
