"""How much room text takes on a printed sheet: widths of CJK and Latin characters, where a line
may break (never before a closing bracket or after an opening one), lines and row heights.

Column widths are in Excel's units: one digit of the workbook's default font, Calibri 11 pt
(7 px at 96 dpi). A CJK character at 11 pt takes two of them and a Latin letter or digit
(half-width in 宋体 and 黑体) one; at other sizes in proportion (at 10 pt a CJK character is
13.3 px, 1.9 units). A line of CJK text is about 1.5 em high (the line height of the CJK fonts
office suites use). The writers size rows with these estimates, and tests/print_fit.py checks
every written sheet with the same rules.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd


def display_width(text: str) -> int:
    """Columns a text takes: CJK (wide and full-width) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


LINE_EM = 1.5  # a line's height, in ems of its font
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


def fit_height(texts_widths: list[tuple[str, float]], size: float = 10) -> float | None:
    """The height a row of single cells needs: (text, column width) of its wrapped cells."""
    return needed_height(max(wrap_lines(t, w, size) for t, w in texts_widths), size)


def wrapped_heights(
    columns: list, widths: list[float], wrapped: set[int], size: float = 10
) -> list[float | None]:
    """Row heights for a block of columns (:class:`.excel.Column`), from the texts of the columns
    (positions) in ``wrapped``."""
    picked = [(columns[i].values, widths[i], size) for i in sorted(wrapped) if columns[i] is not None]
    return row_heights(picked)
