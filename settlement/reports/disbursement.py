"""拨付清单 (disbursement list) for finance officers: one sheet per funding source (the city's
finance bureau, each district's or county's), with payee, bank and account; totals per sheet,
per township and per clause; a summary sheet with a bar chart of amounts per policy and clause.

For a correction run the list holds the differences: positive amounts to pay, negative ones
to recover (追回).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from ..policies import Catalog
from . import excel as xl

LINE_HEADERS = ["序号", "收款单位", "统一社会信用代码", "开户银行", "银行账号", "所属街道/乡镇", "政策文件", "条款", "拨付金额(元)", "备注"]


def funding_rows(lines: pd.DataFrame, catalog: Catalog, regions: pd.Series) -> pd.DataFrame:
    """One row per (line, funding body) with the amount that body pays now (final amount
    minus what earlier final runs of the year already paid, split like the line)."""
    body_city = lines["policy_id"].map({p.id: p.funding.city_body for p in catalog.policies}).fillna("市级财政")
    names = {}
    for p in catalog.policies:
        names.update(p.region_names)
    district_name = regions.map(lambda r: f"{names.get(r, r)}财政")
    final = lines["final_amount"].to_numpy(dtype=np.int64)
    before = lines["previously_paid"].to_numpy(dtype=np.int64) if "previously_paid" in lines else np.zeros(len(lines), dtype=np.int64)
    before_city = lines["previous_city_share"].to_numpy(dtype=np.int64) if "previous_city_share" in lines else np.zeros(len(lines), dtype=np.int64)
    # what each body pays now: its share of the line minus its share of what was paid before
    city_now = lines["city_share"].to_numpy(dtype=np.int64) - before_city
    district_now = (final - before) - city_now
    base = lines.assign(region=regions.to_numpy())
    parts = [
        base.assign(body=body_city.to_numpy(), level="市级", amount=city_now),
        base.assign(body=district_name.to_numpy(), level="区（县）级", amount=district_now),
    ]
    rows = pd.concat(parts, ignore_index=True)
    return rows[rows["amount"] != 0].reset_index(drop=True)


def _sheet_title(name: str, used: set[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, k = title, 2
    while title in used:
        title = f"{base[:28]}_{k}"
        k += 1
    used.add(title)
    return title


def write_disbursement(path: Path, year: int, lines: pd.DataFrame, enterprises: pd.DataFrame, catalog: Catalog, status: str, fixed_time: str) -> str:
    info = enterprises.set_index("uscc")
    regions = lines["payee_uscc"].map(info["region_code"]).fillna("")
    rows = funding_rows(lines, catalog, regions)
    rows = rows.assign(
        township=rows["payee_uscc"].map(info["township"]).fillna(""),
        bank_name=rows["payee_uscc"].map(info["bank_name"]).fillna(""),
        bank_account=rows["payee_uscc"].map(info["bank_account"]).fillna(""),
        doc=rows["policy_id"].map({p.id: f"{p.short_name}（{p.document_number}）" for p in catalog.policies}).fillna(rows["policy_id"]),
    )
    correction = status == "correction"
    title_word = "更正拨付清单" if correction else "拨付清单"
    wb = Workbook(write_only=True)
    used: set[str] = set()

    # summary with a chart -------------------------------------------------------------
    ws = xl.new_sheet(wb, _sheet_title("汇总", used))
    xl.set_widths(ws, [40, 12, 18, 18, 18])
    ws.freeze_panes = "A3"  # before the first row: write-only sheets stream their views first
    xl.page_setup(ws, "2:2")
    ws.append([xl.text_cell(ws, f"{year}年度电子商务扶持政策奖励资金{title_word}（汇总）", font=xl.TITLE_FONT, alignment=xl.CENTER, border=None)])
    ws.merged_cells.add("A1:E1")
    ws.append([xl.text_cell(ws, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in ("政策文件及条款", "笔数", "市级(元)", "区（县）级(元)", "合计(元)")])
    summary = rows.groupby(["policy_id", "doc", "clause_id", "level"], sort=False)["amount"].sum().unstack("level", fill_value=0).reset_index()
    for col in ("市级", "区（县）级"):
        if col not in summary:
            summary[col] = 0
    order = {p.id: i for i, p in enumerate(catalog.policies)}
    corder = {(p.id, c.id): j for p in catalog.policies for j, c in enumerate(p.clauses)}
    summary["_o"] = [(order.get(p, 99), corder.get((p, c), 999)) for p, c in zip(summary["policy_id"], summary["clause_id"], strict=True)]
    summary = summary.sort_values("_o").reset_index(drop=True)
    counts = lines[lines["final_amount"] != lines.get("previously_paid", 0)].groupby(["policy_id", "clause_id"]).size()
    for r in summary.itertuples(index=False):
        city, district = int(r[summary.columns.get_loc("市级")]), int(r[summary.columns.get_loc("区（县）级")])
        ws.append([
            xl.text_cell(ws, f"{r.doc} 第{r.clause_id}条"),
            xl.count_cell(ws, int(counts.get((r.policy_id, r.clause_id), 0))),
            xl.yuan_cell(ws, city),
            xl.yuan_cell(ws, district),
            xl.yuan_cell(ws, city + district),
        ])
    n_sum = len(summary)
    total_city = int(rows.loc[rows["level"] == "市级", "amount"].sum())
    total_district = int(rows.loc[rows["level"] != "市级", "amount"].sum())
    ws.append([xl.text_cell(ws, "合计", font=xl.TOTAL_FONT), xl.count_cell(ws, int(counts.sum()) if len(counts) else 0, font=xl.TOTAL_FONT),
               xl.yuan_cell(ws, total_city, font=xl.TOTAL_FONT), xl.yuan_cell(ws, total_district, font=xl.TOTAL_FONT),
               xl.yuan_cell(ws, total_city + total_district, font=xl.TOTAL_FONT)])
    if n_sum:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各政策条款拨付金额（元）"
        chart.y_axis.title = "元"
        chart.height = max(7.5, 0.6 * n_sum)
        chart.width = 24
        data = Reference(ws, min_col=5, min_row=2, max_row=2 + n_sum)
        cats = Reference(ws, min_col=1, min_row=3, max_row=2 + n_sum)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.legend = None
        ws.add_chart(chart, "G2")

    # one sheet per funding body ----------------------------------------------------------
    for body, group in rows.groupby("body", sort=True):
        _lines_sheet(wb, used, f"{body}", group, year, title_word)
    # per township and per clause -----------------------------------------------------------
    _totals_sheet(wb, used, "按街道乡镇", ["所属街道/乡镇", "笔数", "金额(元)"], rows.assign(key=rows["payee_uscc"].map(info["township"]).fillna("")), year, title_word)
    _totals_sheet(wb, used, "按条款", ["政策文件及条款", "笔数", "金额(元)"], rows.assign(key=rows["doc"] + " 第" + rows["clause_id"] + "条"), year, title_word)
    wb.properties.title = f"{year}年度{title_word}"
    return xl.save_deterministic(wb, path, fixed_time)


def _lines_sheet(wb, used, body: str, group: pd.DataFrame, year: int, title_word: str) -> None:
    ws = xl.new_sheet(wb, _sheet_title(body, used))
    widths = [6, 36, 22, 20, 24, 14, 30, 8, 16, 16]
    xl.set_widths(ws, widths)
    ws.freeze_panes = "A3"
    xl.page_setup(ws, "2:2")
    ws.append([xl.text_cell(ws, f"{year}年度电子商务扶持政策奖励资金{title_word}（资金来源：{body}）", font=xl.TITLE_FONT, alignment=xl.CENTER, border=None)])
    ws.merged_cells.add("A1:J1")
    ws.append([xl.text_cell(ws, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in LINE_HEADERS])
    group = group.sort_values(["payee_uscc", "policy_id", "clause_id"], kind="stable")
    names = group["name"] if "name" in group else group["payee_uscc"]
    amount = group["amount"].to_numpy(dtype=np.int64)
    ws.append_columns([
        xl.count_column(ws, range(1, len(group) + 1)), xl.text_column(ws, names.tolist()), xl.text_column(ws, group["payee_uscc"].tolist()),
        xl.text_column(ws, group["bank_name"].tolist()), xl.text_column(ws, group["bank_account"].tolist()), xl.text_column(ws, group["township"].tolist()),
        xl.text_column(ws, group["doc"].tolist()), xl.text_column(ws, ("第" + group["clause_id"] + "条").tolist(), alignment=xl.CENTER),
        xl.yuan_column(ws, amount), xl.text_column(ws, np.where(amount < 0, "追回", "").tolist()),
    ])
    total = int(group["amount"].sum())
    ws.append([xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER), xl.text_cell(ws, f"共{len(group)}笔", font=xl.TOTAL_FONT),
               *[xl.text_cell(ws, "") for _ in range(6)], xl.yuan_cell(ws, total, font=xl.TOTAL_FONT), xl.text_cell(ws, "")])
    ws.auto_filter.ref = f"A2:J{2 + max(len(group), 1)}"


def _totals_sheet(wb, used, name: str, headers: list[str], rows: pd.DataFrame, year: int, title_word: str) -> None:
    ws = xl.new_sheet(wb, _sheet_title(name, used))
    xl.set_widths(ws, [44, 10, 18])
    ws.freeze_panes = "A3"
    xl.page_setup(ws, "2:2", landscape=False)
    ws.append([xl.text_cell(ws, f"{year}年度{title_word}（{name}）", font=xl.TITLE_FONT, alignment=xl.CENTER, border=None)])
    ws.merged_cells.add("A1:C1")
    ws.append([xl.text_cell(ws, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in headers])
    totals = rows.groupby("key", sort=True).agg(n=("amount", "size"), amount=("amount", "sum")).reset_index()
    for r in totals.itertuples(index=False):
        ws.append([xl.text_cell(ws, r.key), xl.count_cell(ws, int(r.n)), xl.yuan_cell(ws, int(r.amount))])
    ws.append([xl.text_cell(ws, "合计", font=xl.TOTAL_FONT), xl.count_cell(ws, int(totals["n"].sum()) if len(totals) else 0, font=xl.TOTAL_FONT),
               xl.yuan_cell(ws, int(totals["amount"].sum()) if len(totals) else 0, font=xl.TOTAL_FONT)])
