"""What every sheet of the disbursement list shares: its title, the run it comes from, a sheet with
its header rows, the parts of a policy's lines."""

from __future__ import annotations

import pandas as pd

from ..config import Settings
from ..policies import Catalog
from . import excel as xl
from .runinfo import RunInfo


def list_title(year: int, run: RunInfo, what: str = "") -> str:
    word = f"更正拨付清单（第{run.correction}次更正）" if run.correction else "拨付清单"
    return f"{year}年度电子商务扶持奖励资金{word}" + (f"（{what}）" if what else "")


def run_line(settings: Settings, run: RunInfo) -> str:
    parts = [f"拨付单位：{settings.bureau}", f"结算编号：{run.run_uid}", f"公示期：{run.window_words}"]
    if run.finalized_on:
        parts.append(f"{'更正' if run.correction else '定稿'}日期：{run.finalized_on}")
    if run.correction_reason:
        parts.append(f"更正理由：{run.correction_reason}")
    parts.append("金额单位：元")
    return "　　".join(parts)


def policy_parts(details: pd.DataFrame, catalog: Catalog):
    """(k, policy, its rows) for each policy with rows, in catalog order, k counting from 1."""
    k = 0
    for policy in catalog.policies:
        part = details[details["policy_id"] == policy.id]
        if len(part):
            k += 1
            yield k, policy, part


def sheet_title(name: str, used: set[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, k = title, 2
    while title in used:
        title = f"{base[:28]}_{k}"
        k += 1
    used.add(title)
    return title


def new_list_sheet(
    wb,
    used,
    name: str,
    widths: list[float],
    header_rows: str | None,
    landscape: bool = True,
    freeze: str | None = None,
    one_page: bool = False,
):
    ws = xl.new_sheet(wb, sheet_title(name, used))
    xl.set_column_widths(ws, widths)
    if freeze:
        ws.freeze_panes = freeze  # before the first row: write-only sheets stream their views first
    xl.page_setup(ws, header_rows, landscape=landscape, one_page=one_page)
    return ws
