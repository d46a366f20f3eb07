"""公示名单 (publicity list): posted publicly, so it carries no bank data and no internal ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..config import Settings
from ..policies import Catalog
from . import excel as xl

HEADERS = ["序号", "企业名称", "统一社会信用代码", "所属街道/乡镇", "政策文件", "条款", "奖励金额(元)", "奖励金额(万元)", "备注"]


def write_publicity(
    path: Path, year: int, lines: pd.DataFrame, catalog: Catalog, settings: Settings, window: tuple[str, str] | None, status: str, fixed_time: str
) -> str:
    paid = lines[lines["status"] == "paid"]
    policies = [p for p in catalog.policies if p.id in set(paid["policy_id"])] or catalog.in_force(year)
    doc_of = {p.id: f"{p.short_name}（{p.document_number}）" for p in catalog.policies}
    wb = Workbook(write_only=True)
    ws = xl.new_sheet(wb, "公示名单")
    title = f"{year}年度电子商务扶持政策奖励资金公示名单" + ("" if status in ("publicity", "final") else "（草稿）")
    docs = "政策依据：" + "；".join(f"《{p.title}》（{p.document_number}）" for p in policies)
    if window:
        period = f"公示期：{window[0]}至{window[1]}（{settings.bureau}）。{settings.objection_contact}"
    else:
        period = f"公示期：待定（公示开始后重新生成本名单）。{settings.objection_contact}"
    widths = [6, 36, 22, 14, 30, 8, 16, 16, 30]
    docs_of = paid["policy_id"].map(doc_of).fillna(paid["policy_id"])
    # widths from the distinct values only (a CJK-aware width per character is slow per row)
    for col, values in ((1, paid["name"]), (4, docs_of), (8, paid["remark"])):
        distinct = set(values)
        if distinct:
            widths[col] = max(widths[col], min(60, max(xl.display_width(v) for v in distinct)))
    xl.set_widths(ws, widths)
    # write-only sheets stream their views and print properties before the first row
    ws.freeze_panes = "A5"
    xl.page_setup(ws, "4:4")
    ncol = len(HEADERS)
    last_col = chr(ord("A") + ncol - 1)
    total_width = sum(min(60, w + 2) for w in widths)
    # row heights too must be known before a write-only row is streamed
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = xl.wrapped_height(docs, total_width)
    ws.row_dimensions[3].height = xl.wrapped_height(period, total_width)
    for text_value, font in ((title, xl.TITLE_FONT), (docs, xl.SUBTITLE_FONT), (period, xl.SUBTITLE_FONT)):
        ws.append([xl.text_cell(ws, text_value, font=font, alignment=xl.CENTER if font is xl.TITLE_FONT else xl.LEFT, border=None)])
    for r in range(1, 4):
        ws.merged_cells.add(f"A{r}:{last_col}{r}")
    ws.append([xl.text_cell(ws, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in HEADERS])
    header_row = 4
    fen = paid["final_amount"].to_numpy(dtype=np.int64)
    if len(paid):
        ws.append_columns([
            xl.count_column(ws, range(1, len(paid) + 1)),
            xl.text_column(ws, paid["name"].tolist()),
            xl.text_column(ws, paid["payee_uscc"].tolist()),
            xl.text_column(ws, paid["township"].tolist()),
            xl.text_column(ws, docs_of.tolist()),
            xl.text_column(ws, ("第" + paid["clause_id"] + "条").tolist(), alignment=xl.CENTER),
            xl.yuan_column(ws, fen),
            xl.wan_column(ws, fen),
            xl.text_column(ws, paid["remark"].tolist()),
        ])
    total = int(paid["final_amount"].sum())
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, f"共{len(paid)}项", font=xl.TOTAL_FONT),
            *[xl.text_cell(ws, "") for _ in range(4)],
            xl.yuan_cell(ws, total, font=xl.TOTAL_FONT),
            xl.wan_cell(ws, total, font=xl.TOTAL_FONT),
            xl.text_cell(ws, ""),
        ]
    )
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(len(paid), 1)}"
    wb.properties.title = title
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time)
