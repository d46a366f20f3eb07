"""The disbursement list's transfer sheets: one per funding source, who is paid how much to which
account, with the sign-off block."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Settings
from ..money import fen_to_capitals, fen_to_yuan_grouped
from . import excel as xl
from .disbursement_sheet import (
    list_title,
    new_list_sheet,
    run_line,
    sheet_title,  # noqa: F401 (re-exported)
)
from .payments import FundingSource, Payments
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


def _source_heading(settings: Settings, source: FundingSource, year: int) -> str:
    conf = settings.source(source.name)
    subject = conf.budget_subject.replace("{year}", str(year)) or "________________"
    document = conf.allocation_document.replace("{year}", str(year)) or "________________"
    return f"资金来源：{source.label}　　预算科目：{subject}　　拨款文号：{document}"


def transfer_sheet(
    wb, used, year, money: Payments, source: FundingSource, settings: Settings, run: RunInfo
) -> None:
    widths = TRANSFER_WIDTHS
    ws = new_list_sheet(wb, used, f"{source.name}拨付", widths, "4:4", freeze="A5")
    xl.title_row(ws, list_title(year, run, source.name), widths)
    xl.merged_row(ws, _source_heading(settings, source, year), widths)
    xl.merged_row(ws, run_line(settings, run), widths)
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
