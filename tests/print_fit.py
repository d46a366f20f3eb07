"""Print-fit check: does every cell of a written workbook show its whole text, on screen and on
paper, as Excel or WPS would lay it out?

For every cell: its text's width (a CJK character two units, any other one, at the cell's font
size, as ``settlement.reports.excel`` counts them) against its column's width (the merged range's
for a merged cell). A cell that does not wrap must fit on one line: otherwise its text runs into
the neighbouring cell or is cut (a number shows ###). A wrapped cell's lines must fit its row's
height. And each sheet, printed fit to one page wide, must keep its smallest text at 9 pt or
more (A4 landscape is about 149 units wide); a sheet printed on one page must fit it.

``problems(path)`` lists what does not fit; ``python tests/print_fit.py FILE...`` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from settlement.reports import excel as xl

MIN_PRINTED_PT = 9.0
PAPER_UNITS = {
    ("9", "landscape"): xl.A4_LANDSCAPE_UNITS,
    ("9", "portrait"): xl.A4_PORTRAIT_UNITS,
    ("8", "landscape"): xl.A3_LANDSCAPE_UNITS,
}
PAPER_HEIGHT_PT = {
    ("9", "landscape"): 210 / 25.4 * 72,
    ("9", "portrait"): 297 / 25.4 * 72,
    ("8", "landscape"): 297 / 25.4 * 72,
}
DEFAULT_ROW_PT = 15.0


def shown(cell) -> str:
    """The text a cell shows: strings as they are, numbers in their number format."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    fmt = cell.number_format or "General"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if fmt == "#,##0.00":
        return f"{v:,.2f}"
    if fmt == "#,##0.0000":
        return f"{v:,.4f}"
    if fmt == "#,##0":
        return f"{v:,.0f}"
    if fmt == "0":
        return f"{v:.0f}"
    return str(v)


def _merged(ws) -> tuple[dict, set]:
    tops, covered = {}, set()
    for rng in ws.merged_cells.ranges:
        tops[(rng.min_row, rng.min_col)] = rng
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    return tops, covered


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return float(dim.width) if dim is not None and dim.width else 8.43


def problems(path: Path | str) -> list[str]:
    wb = load_workbook(path)
    out: list[str] = []
    name = Path(path).name
    for ws in wb.worksheets:
        tops, covered = _merged(ws)
        smallest = None
        total_height = 0.0
        used_cols = 0
        for row in ws.iter_rows():
            r = row[0].row
            height = (
                ws.row_dimensions[r].height
                if r in ws.row_dimensions and ws.row_dimensions[r].height
                else DEFAULT_ROW_PT
            )
            total_height += height
            for cell in row:
                text = shown(cell)
                if not text or (r, cell.column) in covered:
                    continue
                used_cols = max(used_cols, cell.column)
                size = float(cell.font.sz or 11) if cell.font is not None else 11.0
                smallest = size if smallest is None else min(smallest, size)
                rng = tops.get((r, cell.column))
                if rng is not None:
                    used_cols = max(used_cols, rng.max_col)
                    width = sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1))
                    row_span = sum(
                        (ws.row_dimensions[k].height or DEFAULT_ROW_PT)
                        for k in range(rng.min_row, rng.max_row + 1)
                    )
                else:
                    width, row_span = _width(ws, cell.column), height
                where = f"{name}!{ws.title}!{cell.coordinate}"
                wrap = bool(cell.alignment is not None and cell.alignment.wrap_text)
                if not wrap:
                    need = xl.text_units(text, size) + xl.CELL_PADDING
                    if need > width + 1e-9:
                        out.append(
                            f"{where}: “{text[:30]}” needs {need:.1f} units on one line, the cell is"
                            f" {width:.1f} wide (not wrapped)"
                        )
                else:
                    lines = xl.wrap_lines(text, width, size)
                    need = lines * xl.line_height(size)
                    if need > row_span + 1e-9:
                        out.append(
                            f"{where}: “{text[:30]}” wraps to {lines} lines ({need:.0f} pt), the row is"
                            f" {row_span:.0f} pt high"
                        )
        setup = ws.page_setup
        key = (str(setup.paperSize or "9"), setup.orientation or "portrait")
        page = PAPER_UNITS.get(key)
        if page is None:
            out.append(f"{name}!{ws.title}: paper {key} is not A4 or A3 landscape")
            continue
        total_width = sum(_width(ws, c) for c in range(1, used_cols + 1))
        scale = min(1.0, page / total_width) if total_width else 1.0
        if (
            ws.sheet_properties.pageSetUpPr is not None
            and ws.sheet_properties.pageSetUpPr.fitToPage
            and setup.fitToHeight == 1
        ):
            printable = PAPER_HEIGHT_PT[key] - 72 * (ws.page_margins.top + ws.page_margins.bottom)
            scale = min(scale, printable / total_height) if total_height else scale
        if smallest is not None and smallest * scale < MIN_PRINTED_PT - 1e-9:
            out.append(
                f"{name}!{ws.title}: printed one page wide its {smallest:g} pt text shrinks to"
                f" {smallest * scale:.1f} pt ({total_width:.0f} units wide, the page {page:.0f})"
            )
    return out


if __name__ == "__main__":
    found = [p for arg in sys.argv[1:] for p in problems(arg)]
    print("\n".join(found) or "all cells fit")
    sys.exit(1 if found else 0)
