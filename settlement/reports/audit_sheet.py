"""What every sheet of the audit workbook shares: the book's contents, a sheet with its title and
header rows, the small fonts, a verdict cell."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from openpyxl.styles import Font

from ..policies import Catalog
from . import excel as xl
from .disbursement_sheet import sheet_title
from .reconcile import Identity
from .runinfo import RunInfo

SMALL = Font(name="宋体", size=9)
SMALL_BOLD = Font(name="宋体", size=9, bold=True)


@dataclass
class AuditBook:
    summary: dict  # validation_data(): checks, quarantine, warnings, row counts, input hashes
    catalog: Catalog
    run: RunInfo | None = None
    lines: pd.DataFrame | None = None  # the run's lines, as awards.csv has them
    input_rows: pd.Series | None = None  # per line: the input rows it read (lineage.input_rows)
    identities: list[Identity] = field(default_factory=list)
    extra_warnings: pd.DataFrame | None = None  # found after computing (accounts, missing fields)
    objections: pd.DataFrame | None = None

    @property
    def year(self) -> int:
        return int(self.summary["year"])

    def warnings(self) -> pd.DataFrame:
        frames = [pd.DataFrame(self.summary.get("warnings", []))]
        if self.extra_warnings is not None and len(self.extra_warnings):
            frames.append(self.extra_warnings)
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RECORD_COLUMNS)

    @property
    def warning_count(self) -> int:
        return len(self.warnings())


RECORD_COLUMNS = ["file", "row", "uscc", "name", "column", "value", "reason", "message"]


def new_audit_sheet(wb, used, name, widths, header_rows, freeze=None, paper="A4"):
    ws = xl.new_sheet(wb, sheet_title(name, used))
    xl.set_column_widths(ws, widths)
    if freeze:
        ws.freeze_panes = freeze
    xl.page_setup(ws, header_rows, paper=paper)
    return ws


def verdict_cell(ws, ok: bool, yes: str, no: str):
    return xl.text_cell(
        ws,
        yes if ok else no,
        font=xl.BODY_FONT if ok else xl.FAIL_FONT,
        alignment=xl.CENTER,
        fill=xl.PASS_FILL if ok else xl.FAIL_FILL,
    )
