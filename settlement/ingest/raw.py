"""What every landing reader gives and refuses: a file's cells as text (:class:`RawTable`), the
error that stops a run on a whole file (:class:`LandingError`), and the bounds on a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


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
