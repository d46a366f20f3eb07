"""公示名单 (publicity list): posted publicly, so it carries no bank data and no internal ids."""

from __future__ import annotations

from pathlib import Path

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
    rows = list(zip(range(1, len(paid) + 1), paid["name"].tolist(), paid["payee_uscc"].tolist(), paid["township"].tolist(), docs_of.tolist(),
                    ("第" + paid["clause_id"] + "条").tolist(), paid["final_amount"].astype(int).tolist(), paid["remark"].tolist(), strict=True))
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
    for seq, name, uscc, township, doc, clause, fen, remark in rows:
        ws.append(
            [
                xl.number_cell(ws, seq, "0"),
                xl.text_cell(ws, name),
                xl.text_cell(ws, uscc),
                xl.text_cell(ws, township),
                xl.text_cell(ws, doc),
                xl.text_cell(ws, clause, alignment=xl.CENTER),
                xl.number_cell(ws, xl.fen_to_decimal(fen)),
                xl.number_cell(ws, xl.fen_to_wan_decimal(fen), xl.WAN_FORMAT),
                xl.text_cell(ws, remark),
            ]
        )
    total = int(paid["final_amount"].sum())
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, f"共{len(rows)}项", font=xl.TOTAL_FONT),
            *[xl.text_cell(ws, "") for _ in range(4)],
            xl.number_cell(ws, xl.fen_to_decimal(total), font=xl.TOTAL_FONT),
            xl.number_cell(ws, xl.fen_to_wan_decimal(total), xl.WAN_FORMAT, font=xl.TOTAL_FONT),
            xl.text_cell(ws, ""),
        ]
    )
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + max(len(rows), 1)}"
    wb.properties.title = title
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time)
