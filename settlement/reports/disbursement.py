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
from openpyxl.chart import BarChart, Reference

from ..config import Settings
from ..money import fen_to_capitals, fen_to_yuan_grouped, fen_to_yuan_text
from ..policies import Catalog
from . import excel as xl
from .payments import FundingSource, Payments, payments
from .runinfo import RunInfo

TRANSFER_HEADERS = [
    "序号",
    "收款单位（户名）",
    "统一社会信用代码",
    "开户银行",
    "银行账号",
    "联行号",
    "拨付金额(元)",
    "用途",
    "明细笔数",
]
TRANSFER_WIDTHS = [5, 25, 19, 24, 19, 12, 14, 25, 6]
TRANSFER_WRAPPED = {1, 3, 7}
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


def _title(year: int, run: RunInfo, what: str = "") -> str:
    word = f"更正拨付清单（第{run.correction}次更正）" if run.correction else "拨付清单"
    return f"{year}年度电子商务扶持奖励资金{word}" + (f"（{what}）" if what else "")


def _run_line(settings: Settings, run: RunInfo) -> str:
    parts = [f"拨付单位：{settings.bureau}", f"结算编号：{run.run_uid}", f"公示期：{run.window_words}"]
    if run.finalized_on:
        parts.append(f"{'更正' if run.correction else '定稿'}日期：{run.finalized_on}")
    if run.correction_reason:
        parts.append(f"更正理由：{run.correction_reason}")
    parts.append("金额单位：元")
    return "　　".join(parts)


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
        _transfer_sheet(wb, used, year, money, source, settings, run)
        _detail_sheet(wb, used, year, money, source, run)
    _clause_sheet(wb, used, year, money, catalog, run)
    _township_sheet(wb, used, year, lines, run)
    for _, policy, part in policy_parts(money.details, catalog):
        _chart_sheet(wb, used, year, policy, part, catalog, run)
    wb.properties.title = _title(year, run)
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time), money


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


def _sheet(
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


# ---------------------------------------------------------------------------- 汇总

SUMMARY_WIDTHS = [6, 40, 12, 12, 12, 20]


def _summary_sheet(
    wb, used, year, lines, money: Payments, catalog: Catalog, settings: Settings, run: RunInfo
) -> None:
    widths = SUMMARY_WIDTHS
    ws = _sheet(wb, used, "汇总", widths, None, landscape=False)
    xl.title_row(ws, _title(year, run, "汇总"), widths)
    xl.merged_row(ws, _run_line(settings, run), widths)
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
    ws = _sheet(wb, used, "预算测算", widths, None, landscape=False)
    xl.title_row(ws, _title(year, run, "预算测算"), widths)
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


def _source_heading(settings: Settings, source: FundingSource, year: int) -> str:
    conf = settings.source(source.name)
    subject = conf.budget_subject.replace("{year}", str(year)) or "________________"
    document = conf.allocation_document.replace("{year}", str(year)) or "________________"
    return f"资金来源：{source.label}　　预算科目：{subject}　　拨款文号：{document}"


def _transfer_sheet(
    wb, used, year, money: Payments, source: FundingSource, settings: Settings, run: RunInfo
) -> None:
    widths = TRANSFER_WIDTHS
    ws = _sheet(wb, used, f"{source.name}拨付", widths, "4:4", freeze="A5")
    xl.title_row(ws, _title(year, run, source.name), widths)
    xl.merged_row(ws, _source_heading(settings, source, year), widths)
    xl.merged_row(ws, _run_line(settings, run), widths)
    header = xl.header_row(ws, TRANSFER_HEADERS, widths)
    transfers = money.source_transfers(source)
    pay = transfers[transfers["amount"] > 0]
    recover = transfers[transfers["amount"] < 0]
    _transfer_rows(ws, pay, widths)
    total = int(pay["amount"].sum())
    ws.append(
        [
            xl.text_cell(ws, "合计", font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, f"共{len(pay)}笔转账", font=xl.TOTAL_FONT),
            *[xl.text_cell(ws, "") for _ in range(4)],
            xl.yuan_cell(ws, total, font=xl.TOTAL_FONT),
            xl.text_cell(ws, ""),
            xl.count_cell(ws, int(pay["lines"].sum()), font=xl.TOTAL_FONT),
        ]
    )
    ws.auto_filter.ref = f"A{header}:{xl.last_column(widths)}{header + max(len(pay), 1)}"
    xl.merged_row(
        ws,
        f"合计金额（大写）：{fen_to_capitals(total)}（小写：¥{fen_to_yuan_grouped(total)}）",
        widths,
        font=xl.TOTAL_FONT,
    )
    if len(recover):
        ws.blank_row()
        xl.merged_row(
            ws,
            "应追回（更正后多拨部分，不列入银行批量转账文件，请另行办理追回）",
            widths,
            font=xl.HEADER_FONT,
        )
        xl.header_row(ws, TRANSFER_HEADERS[:6] + ["追回金额(元)", "用途", "明细笔数"], widths)
        _transfer_rows(ws, recover.assign(amount=-recover["amount"]), widths)
        back = int(-recover["amount"].sum())
        xl.merged_row(
            ws,
            f"应追回合计：{fen_to_capitals(back)}（小写：¥{fen_to_yuan_grouped(back)}）",
            widths,
            font=xl.TOTAL_FONT,
        )
    xl.merged_row(
        ws,
        f"说明：每行是一笔银行转账；明细见“{source.name}明细”表（按拨付序号对应）。银行批量转账文件与本表逐笔一致。",
        widths,
        font=xl.NOTE_FONT,
    )
    ws.blank_row()
    _sign_off(ws, settings, widths)


def _transfer_rows(ws, transfers: pd.DataFrame, widths) -> None:
    if not len(transfers):
        return
    columns = [
        xl.count_column(ws, transfers["no"].tolist()),
        xl.text_column(ws, transfers["account_name"].tolist()),
        xl.text_column(ws, transfers["payee_uscc"].tolist()),
        xl.text_column(ws, transfers["bank_name"].tolist()),
        xl.text_column(ws, transfers["bank_account"].tolist()),
        xl.text_column(ws, transfers["bank_code"].tolist()),
        xl.yuan_column(ws, transfers["amount"].to_numpy(dtype=np.int64)),
        xl.text_column(ws, transfers["purpose"].tolist()),
        xl.count_column(ws, transfers["lines"].tolist()),
    ]
    ws.append_columns(columns, xl.wrapped_heights(columns, widths, TRANSFER_WRAPPED))


def _sign_off(ws, settings: Settings, widths) -> None:
    line = "　　".join(f"{who}：____________" for who in settings.signers) + "　　日期：______年____月____日"
    xl.merged_row(ws, line, widths, font=xl.BODY_FONT, min_height=28)


# --------------------------------------------------------------------------- details


def _detail_sheet(wb, used, year, money: Payments, source: FundingSource, run: RunInfo) -> None:
    widths = DETAIL_WIDTHS
    ws = _sheet(wb, used, f"{source.name}明细", widths, "3:3", freeze="A4")
    xl.title_row(ws, _title(year, run, f"{source.name} 奖励明细"), widths)
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

CLAUSE_WIDTHS = [6, 44, 10, 12, 18]


def _clause_sheet(wb, used, year, money: Payments, catalog: Catalog, run: RunInfo) -> None:
    from .publicity import numeral

    widths = CLAUSE_WIDTHS
    ws = _sheet(wb, used, "按条款", widths, "3:3", landscape=False, freeze="A4")
    xl.title_row(ws, _title(year, run, "按政策条款"), widths)
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


def _township_sheet(wb, used, year, lines: pd.DataFrame, run: RunInfo) -> None:
    widths = TOWNSHIP_WIDTHS
    ws = _sheet(wb, used, "按街道乡镇", widths, "3:3", landscape=False, freeze="A4")
    xl.title_row(ws, _title(year, run, "按街道乡镇"), widths)
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


# ------------------------------------------------------------------------- charts

CHART_WIDTHS = [30, 16, 3] + [9] * 11  # the table, a gap, and the columns the chart lies over


def _chart_sheet(wb, used, year, policy, part: pd.DataFrame, catalog: Catalog, run: RunInfo) -> None:
    """One policy's money per clause: the figures and a bar chart beside them, the whole sheet
    on one printed page, bars in the table's order (top to bottom)."""
    widths = CHART_WIDTHS
    ws = _sheet(wb, used, f"图-{policy.short_name}", widths, None, one_page=True)
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
