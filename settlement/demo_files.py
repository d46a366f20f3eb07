"""The demo landing files as a bureau receives them: CSV in UTF-8, UTF-8 with BOM or GBK, and
.xlsx, with English or Chinese headers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .ingest.contract import FILES_BY_NAME

LABELS = {f.name: {c.code: c.label for c in f.columns} for f in FILES_BY_NAME.values()}


def csv_bytes(frame: pd.DataFrame, encoding: str, chinese: bool, name: str) -> bytes:
    out = frame.rename(columns=LABELS[name]) if chinese else frame
    buf = io.StringIO()
    out.to_csv(
        buf, index=False, lineterminator="\r\n" if encoding != "utf-8" else "\n", quoting=csv.QUOTE_MINIMAL
    )
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def write_xlsx(path: Path, frame: pd.DataFrame, chinese: bool, name: str, year: int) -> None:
    """An .xlsx as a desk officer would save it: numbers typed as numbers, dates as text."""
    from openpyxl import Workbook

    from .reports.excel import save_deterministic

    wb = Workbook()
    ws = wb.active
    ws.title = "申报事项" if name == "applications" else name
    ws.append([LABELS[name][c] if chinese else c for c in frame.columns])
    numeric = {"base_amount", "approved_amount", "quantity", "months", "year"}
    for row in frame.itertuples(index=False):
        values = []
        for col, v in zip(frame.columns, row, strict=True):
            if col in numeric and v not in ("", None):
                text = str(v).replace(",", "")
                values.append(int(text) if text.isdigit() else float(text))
            else:
                values.append(v)
        ws.append(values)
    save_deterministic(wb, path, f"{year}-12-31T00:00:00Z")


# file -> (format, chinese headers)
FORMATS = {
    "enterprises": ("gb18030", True),
    "annual_stats": ("utf-8", False),
    "applications": ("xlsx", True),
    "parks": ("utf-8-sig", True),
    "fx_rates": ("utf-8", False),
    "budgets": ("utf-8", False),
    "prior_awards": ("utf-8", False),
}
