"""The disbursement list's summaries: by clause, by township, and a chart per policy."""

from __future__ import annotations

import pandas as pd
from openpyxl.chart import BarChart, Reference

from ..policies import Catalog
from . import excel as xl
from .disbursement_sheet import (
    list_title,
    new_list_sheet,
    policy_parts,
    sheet_title,  # noqa: F401 (re-exported)
)
from .payments import Payments
from .runinfo import RunInfo

CLAUSE_WIDTHS = [6, 44, 10, 12, 18]


def clause_sheet(wb, used, year, money: Payments, catalog: Catalog, run: RunInfo) -> None:
    from .publicity import numeral

    widths = CLAUSE_WIDTHS
    ws = new_list_sheet(wb, used, "按条款", widths, "3:3", landscape=False, freeze="A4")
    xl.title_row(ws, list_title(year, run, "按政策条款"), widths)
    xl.merged_row(
        ws,
        f"结算编号：{run.run_uid}　　金额单位：元　　条款按政策原文顺序排列；奖励笔数按奖励明细计（市、"
        "区两级分担的只计一次）。",
        widths,
    )
    xl.header_row(ws, ["序号", "条款及奖励事项", "奖励笔数", "兑现企业数", "金额(元)"], widths)
    d = money.details
    for k, policy, part in policy_parts(d, catalog):
        xl.merged_row(ws, f"{numeral(k)}、{policy.citation}", widths, font=xl.HEADER_FONT)
        j = 0
        for clause in policy.clauses:
            rows = part[part["clause_id"] == clause.id]
            if not len(rows):
                continue
            j += 1
            words = rows["clause_words"].iloc[0]
            ws.append(
                [
                    xl.count_cell(ws, j),
                    xl.text_cell(ws, words),
                    xl.count_cell(ws, int(rows["line_no"].nunique())),
                    xl.count_cell(ws, int(rows["payee_uscc"].nunique())),
                    xl.yuan_cell(ws, int(rows["amount"].sum())),
                ],
                xl.fit_height([(words, widths[1])]),
            )
        ws.append(
            [
                xl.text_cell(ws, ""),
                xl.text_cell(ws, "小计", font=xl.TOTAL_FONT),
                xl.count_cell(ws, int(part["line_no"].nunique()), font=xl.TOTAL_FONT),
                xl.count_cell(ws, int(part["payee_uscc"].nunique()), font=xl.TOTAL_FONT),
                xl.yuan_cell(ws, int(part["amount"].sum()), font=xl.TOTAL_FONT),
            ]
        )
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, ""),
            xl.count_cell(ws, int(d["line_no"].nunique()) if len(d) else 0, font=xl.TOTAL_FONT),
            xl.count_cell(ws, int(d["payee_uscc"].nunique()) if len(d) else 0, font=xl.TOTAL_FONT),
            xl.yuan_cell(ws, int(d["amount"].sum()), font=xl.TOTAL_FONT),
        ]
    )


TOWNSHIP_WIDTHS = [6, 30, 12, 14, 20]


def township_sheet(wb, used, year, lines: pd.DataFrame, run: RunInfo) -> None:
    widths = TOWNSHIP_WIDTHS
    ws = new_list_sheet(wb, used, "按街道乡镇", widths, "3:3", landscape=False, freeze="A4")
    xl.title_row(ws, list_title(year, run, "按街道乡镇"), widths)
    xl.merged_row(
        ws,
        f"结算编号：{run.run_uid}　　金额单位：元　　按收款单位所在街道（乡镇）汇总；奖励笔数按奖励明细计。",
        widths,
    )
    xl.header_row(ws, ["序号", "所属街道/乡镇", "奖励笔数", "收款单位数", "金额(元)"], widths)
    moving = lines[lines["final_amount"] != lines.get("previously_paid", 0)]
    now = moving["final_amount"] - moving.get("previously_paid", 0)
    frame = pd.DataFrame(
        {
            "township": moving["township"].fillna("").replace("", "（未填写）"),
            "payee": moving["payee_uscc"],
            "amount": now,
        }
    )
    totals = (
        frame.groupby("township", sort=True)
        .agg(n=("amount", "size"), payees=("payee", "nunique"), amount=("amount", "sum"))
        .reset_index()
    )
    for k, r in enumerate(totals.itertuples(index=False), start=1):
        ws.append(
            [
                xl.count_cell(ws, k),
                xl.text_cell(ws, r.township),
                xl.count_cell(ws, int(r.n)),
                xl.count_cell(ws, int(r.payees)),
                xl.yuan_cell(ws, int(r.amount)),
            ],
            xl.fit_height([(r.township, widths[1])]),
        )
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, ""),
            xl.count_cell(ws, len(frame), font=xl.TOTAL_FONT),
            xl.count_cell(ws, int(frame["payee"].nunique()), font=xl.TOTAL_FONT),
            xl.yuan_cell(ws, int(frame["amount"].sum()), font=xl.TOTAL_FONT),
        ]
    )


CHART_WIDTHS = [30, 16, 3] + [9] * 11  # the table, a gap, and the columns the chart lies over


def chart_sheet(wb, used, year, policy, part: pd.DataFrame, catalog: Catalog, run: RunInfo) -> None:
    """One policy's money per clause: the figures and a bar chart beside them, the whole sheet
    on one printed page, bars in the table's order (top to bottom)."""
    widths = CHART_WIDTHS
    ws = new_list_sheet(wb, used, f"图-{policy.short_name}", widths, None, one_page=True)
    xl.title_row(ws, f"{policy.short_name}：各条款拨付金额", widths)
    xl.merged_row(ws, f"{policy.citation}　金额单位：元", widths)
    first = ws.next_row
    xl.header_row(ws, ["条款及奖励事项", "金额(元)"], widths[:2])
    n = 0
    for clause in policy.clauses:
        rows = part[part["clause_id"] == clause.id]
        if len(rows):
            words = rows["clause_words"].iloc[0]
            ws.append(
                [xl.text_cell(ws, words), xl.yuan_cell(ws, int(rows["amount"].sum()))],
                xl.fit_height([(words, widths[0])]),
            )
            n += 1
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT),
            xl.yuan_cell(ws, int(part["amount"].sum()), font=xl.TOTAL_FONT),
        ]
    )
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = None
    chart.legend = None
    chart.height = min(17.0, max(6.0, 0.55 * n + 2.5))  # cm
    chart.width = 15.0
    chart.add_data(Reference(ws, min_col=2, min_row=first + 1, max_row=first + n), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=first + n))
    chart.x_axis.scaling.orientation = "maxMin"  # the first clause at the top, as in the table
    chart.y_axis.crosses = "max"  # amounts along the bottom
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, f"D{first}")
