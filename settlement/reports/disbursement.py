"""拨付清单 (disbursement list) for finance officers, who pay from it, and auditors.

Sheets, in this order:
- 汇总: money per funding source (by level of government) and per policy, with 奖励笔数 (award
  lines) and 拨付笔数 (bank transfers) named as such;
- per funding source, ``<source>拨付``: one row per payee (one bank transfer) with 户名, 信用代码,
  开户银行, 账号, 联行号, 金额, 用途 and how many lines it pays; the total in figures and in
  Chinese capitals; the heading names the bureau, the source, its budget subject and allocation
  document (settings), the run, the publicity window and the finalization date; sign-off lines
  at the end. ``<source>明细``: every line behind those transfers, standard amount → after caps
  → scale factor → this source's share, and why (备注);
- 按条款 (clauses in the order of the text), 按街道乡镇, and one chart per policy on a page of
  its own.

For a correction run the list holds the differences: positive amounts to pay, negative ones
to recover (追回), which are listed apart and never go into a bank file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..config import Settings
from ..money import fen_to_capitals, fen_to_yuan_text
from ..policies import Catalog
from . import excel as xl
from .disbursement_sheet import (
    list_title,
    new_list_sheet,
    policy_parts,
    run_line,
)
from .disbursement_summaries import chart_sheet, clause_sheet, township_sheet
from .disbursement_transfers import transfer_sheet
from .payments import FundingSource, Payments, payments
from .runinfo import RunInfo

DETAIL_HEADERS = [
    "序号",
    "拨付序号",
    "收款单位",
    "政策文件",
    "条款及奖励事项",
    "核定标准(元)",
    "封顶后(元)",
    "下调系数",
    "本来源拨付(元)",
    "备注",
]
DETAIL_WIDTHS = [5, 5, 22, 22, 22, 13, 13, 10, 13, 24]
DETAIL_WRAPPED = {2, 3, 4, 9}
COUNT_NOTE = (
    "奖励笔数：奖励明细的笔数（每家企业每个条款一笔）；拨付笔数：银行转账的笔数（同一资金来源对同一收款单位合并为一笔）。"
    "一笔奖励由市级和区（县）级共同承担时，在两个资金来源中各计一笔。"
)


def write_disbursement(
    path: Path,
    year: int,
    lines: pd.DataFrame,
    enterprises: pd.DataFrame,
    catalog: Catalog,
    settings: Settings,
    run: RunInfo,
    fixed_time: str,
    scale_factors: dict | None = None,
) -> tuple[str, Payments]:
    """The workbook; returns its SHA-256 and the payments it lists (for the bank files).
    ``scale_factors``: the run's budgets and factors (the 预算测算 sheet; not for corrections)."""
    money = payments(lines, enterprises, catalog, settings, year)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    _summary_sheet(wb, used, year, lines, money, catalog, settings, run)
    if scale_factors is not None and not run.correction:
        _budget_sheet(wb, used, year, lines, catalog, scale_factors, run)
    for source in money.sources:
        transfer_sheet(wb, used, year, money, source, settings, run)
        _detail_sheet(wb, used, year, money, source, run)
    clause_sheet(wb, used, year, money, catalog, run)
    township_sheet(wb, used, year, lines, run)
    for _, policy, part in policy_parts(money.details, catalog):
        chart_sheet(wb, used, year, policy, part, catalog, run)
    wb.properties.title = list_title(year, run)
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time), money


# ---------------------------------------------------------------------------- 汇总

SUMMARY_WIDTHS = [6, 40, 12, 12, 12, 20]


def _summary_sheet(
    wb, used, year, lines, money: Payments, catalog: Catalog, settings: Settings, run: RunInfo
) -> None:
    widths = SUMMARY_WIDTHS
    ws = new_list_sheet(wb, used, "汇总", widths, None, landscape=False)
    xl.title_row(ws, list_title(year, run, "汇总"), widths)
    xl.merged_row(ws, run_line(settings, run), widths)
    for note in run.notes:
        xl.merged_row(ws, f"说明：{note}", widths, font=xl.FAIL_FONT)
    xl.merged_row(ws, "一、按资金来源（按财政级次排列）", widths, font=xl.HEADER_FONT)
    xl.header_row(ws, ["序号", "资金来源", "级次", "奖励笔数", "拨付笔数", "金额(元)"], widths)
    d, t = money.details, money.transfers
    for k, source in enumerate(money.sources, start=1):
        mine = d["source"] == source.name
        ws.append(
            [
                xl.count_cell(ws, k),
                xl.text_cell(ws, source.name),
                xl.text_cell(ws, source.level, alignment=xl.CENTER),
                xl.count_cell(ws, int(mine.sum())),
                xl.count_cell(ws, int((t["source"] == source.name).sum())),
                xl.yuan_cell(ws, int(d.loc[mine, "amount"].sum())),
            ]
        )
    total = int(d["amount"].sum())
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            None,
            None,
            xl.count_cell(ws, len(d), font=xl.TOTAL_FONT),
            xl.count_cell(ws, len(t), font=xl.TOTAL_FONT),
            xl.yuan_cell(ws, total, font=xl.TOTAL_FONT),
        ]
    )
    ws.merged_cells.add(f"A{ws.next_row - 1}:C{ws.next_row - 1}")
    award_lines = int(len(d["line_no"].unique())) if len(d) else 0
    xl.merged_row(ws, f"合计金额（大写）：{fen_to_capitals(total)}", widths, font=xl.TOTAL_FONT)
    xl.merged_row(
        ws,
        f"注：{COUNT_NOTE}本清单共{award_lines}笔奖励，按资金来源计{len(d)}笔，拨付{len(t)}笔。",
        widths,
        font=xl.NOTE_FONT,
    )
    ws.blank_row()

    xl.merged_row(ws, "二、按政策文件和资金来源", widths, font=xl.HEADER_FONT)
    xl.header_row(ws, ["序号", "政策文件", "资金来源", "奖励笔数", "兑现企业数", "金额(元)"], widths)
    for k, policy, part in policy_parts(d, catalog):
        for j, source in enumerate(s for s in money.sources if (part["source"] == s.name).any()):
            rows = part[part["source"] == source.name]
            ws.append(
                [
                    xl.count_cell(ws, k) if j == 0 else xl.text_cell(ws, ""),
                    xl.text_cell(ws, policy.citation if j == 0 else ""),
                    xl.text_cell(ws, source.name),
                    xl.count_cell(ws, len(rows)),
                    xl.count_cell(ws, int(rows["payee_uscc"].nunique())),
                    xl.yuan_cell(ws, int(rows["amount"].sum())),
                ],
                xl.fit_height([(policy.citation if j == 0 else "", widths[1])]),
            )
        ws.append(
            [
                xl.text_cell(ws, ""),
                xl.text_cell(ws, "小计", font=xl.TOTAL_FONT),
                xl.text_cell(ws, ""),
                xl.count_cell(ws, int(part["line_no"].nunique()), font=xl.TOTAL_FONT),
                xl.count_cell(ws, int(part["payee_uscc"].nunique()), font=xl.TOTAL_FONT),
                xl.yuan_cell(ws, int(part["amount"].sum()), font=xl.TOTAL_FONT),
            ]
        )
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            None,
            None,
            xl.count_cell(ws, award_lines, font=xl.TOTAL_FONT),
            xl.count_cell(ws, int(d["payee_uscc"].nunique()) if len(d) else 0, font=xl.TOTAL_FONT),
            xl.yuan_cell(ws, total, font=xl.TOTAL_FONT),
        ]
    )
    ws.merged_cells.add(f"A{ws.next_row - 1}:C{ws.next_row - 1}")
    xl.merged_row(
        ws,
        "注：政策小计的奖励笔数按奖励明细计，一笔由市、区（县）两级共同承担的奖励只计一次。",
        widths,
        font=xl.NOTE_FONT,
    )


# ------------------------------------------------------------------------ 预算测算

BUDGET_WIDTHS = [5, 30, 15, 15, 13, 12, 15]


def _budget_sheet(
    wb, used, year, lines: pd.DataFrame, catalog: Catalog, scale_factors: dict, run: RunInfo
) -> None:
    """Per policy: what paying every line in full would cost (the budget that pays in full), the
    budget and the factor the run applied, and what this list pays. Other budgets: settlement whatif."""
    widths = BUDGET_WIDTHS
    ws = new_list_sheet(wb, used, "预算测算", widths, None, landscape=False)
    xl.title_row(ws, list_title(year, run, "预算测算"), widths)
    xl.merged_row(ws, f"结算编号：{run.run_uid}　　金额单位：元", widths)
    xl.header_row(
        ws,
        ["序号", "政策文件", "全额兑现所需(元)", "预算(元)", "预算来源", "下调系数", "本清单实付(元)"],
        widths,
    )
    status = lines["status"].astype(str)
    candidate = status.isin(["paid", "zero"]).to_numpy()
    full_sum = paid_sum = 0
    for k, policy in enumerate(catalog.policies, start=1):
        mine = (lines["policy_id"] == policy.id).to_numpy()
        full = int(lines.loc[mine & candidate, "capped_amount"].astype(object).sum())
        paid = int(lines.loc[mine, "final_amount"].astype(object).sum())
        full_sum, paid_sum = full_sum + full, paid_sum + paid
        factors = scale_factors.get(policy.id) or {}
        budget = factors.get("budget")
        source = (
            factors.get("budget_source", "")
            if budget is not None
            else ("不按预算下调" if not policy.budget.scale_down else "未给出预算")
        )
        ws.append(
            [
                xl.count_cell(ws, k),
                xl.text_cell(ws, policy.citation),
                xl.yuan_cell(ws, full),
                (
                    xl.yuan_cell(ws, int(budget))
                    if budget is not None
                    else xl.text_cell(ws, "—", alignment=xl.CENTER)
                ),
                xl.text_cell(ws, source),
                xl.text_cell(ws, factors.get("factor_decimal", "1"), alignment=xl.CENTER),
                xl.yuan_cell(ws, paid),
            ],
            xl.fit_height([(policy.citation, widths[1]), (source, widths[4])]),
        )
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            None,
            xl.yuan_cell(ws, full_sum, font=xl.TOTAL_FONT),
            None,
            None,
            None,
            xl.yuan_cell(ws, paid_sum, font=xl.TOTAL_FONT),
        ]
    )
    ws.merged_cells.add(f"A{ws.next_row - 1}:B{ws.next_row - 1}")
    xl.merged_row(
        ws,
        "注：全额兑现所需为封顶、就高不重复之后、按预算比例下调之前的应兑现合计，即足额兑现所需的预算；"
        "下调系数为预算除以应兑现合计，各笔按最大余数法精确到分。公示后经异议处理调整或取消的奖励不再重新下调。"
        f"其他预算下能兑现多少，用 settlement whatif --year {year} --budget 政策编号=金额 测算（只读，"
        "不改变结算）。",
        widths,
        font=xl.NOTE_FONT,
    )


# ------------------------------------------------------------------------ transfers


# --------------------------------------------------------------------------- details


def _detail_sheet(wb, used, year, money: Payments, source: FundingSource, run: RunInfo) -> None:
    widths = DETAIL_WIDTHS
    ws = new_list_sheet(wb, used, f"{source.name}明细", widths, "3:3", freeze="A4")
    xl.title_row(ws, list_title(year, run, f"{source.name} 奖励明细"), widths)
    xl.merged_row(
        ws,
        f"资金来源：{source.label}　　结算编号：{run.run_uid}　　金额单位：元　　"
        "核定标准为按条款计算的金额，封顶后为执行条款上限（及共同上限、就高不重复）后的金额，"
        "下调系数为预算按比例下调的系数。",
        widths,
    )
    header = xl.header_row(ws, DETAIL_HEADERS, widths)
    d = money.source_details(source)
    if len(d):
        columns = [
            xl.count_column(ws, range(1, len(d) + 1)),
            xl.count_column(ws, d["transfer_no"].tolist()),
            xl.text_column(ws, d["payee_name"].tolist()),
            xl.text_column(ws, d["policy_citation"].tolist()),
            xl.text_column(ws, d["clause_words"].tolist()),
            xl.yuan_column(ws, d["standard_amount"].to_numpy(dtype=np.int64)),
            xl.yuan_column(ws, d["capped_amount"].to_numpy(dtype=np.int64)),
            xl.text_column(ws, d["scale_factor"].astype(str).tolist(), alignment=xl.RIGHT),
            xl.yuan_column(ws, d["amount"].to_numpy(dtype=np.int64)),
            xl.text_column(ws, d["note"].tolist()),
        ]
        ws.append_columns(columns, xl.wrapped_heights(columns, widths, DETAIL_WRAPPED))
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            None,
            xl.text_cell(ws, f"共{len(d)}笔奖励", font=xl.TOTAL_FONT),
            *[xl.text_cell(ws, "") for _ in range(5)],
            xl.yuan_cell(ws, int(d["amount"].sum()), font=xl.TOTAL_FONT),
            xl.text_cell(ws, ""),
        ]
    )
    ws.merged_cells.add(f"A{ws.next_row - 1}:B{ws.next_row - 1}")
    ws.auto_filter.ref = f"A{header}:{xl.last_column(widths)}{header + max(len(d), 1)}"


# ------------------------------------------------------------------ by clause, township


# ------------------------------------------------------------------------- charts


def bank_rows(money: Payments, source: FundingSource) -> pd.DataFrame:
    """The rows of a source's bank batch-transfer file: its transfers to pay (not recoveries)."""
    t = money.source_transfers(source)
    t = t[t["amount"] > 0]
    return pd.DataFrame(
        {
            "户名": t["account_name"].to_numpy(),
            "账号": t["bank_account"].to_numpy(),
            "开户行": t["bank_name"].to_numpy(),
            "联行号": t["bank_code"].to_numpy(),
            "金额": [fen_to_yuan_text(int(a)) for a in t["amount"]],
            "用途": t["purpose"].to_numpy(),
        }
    )
