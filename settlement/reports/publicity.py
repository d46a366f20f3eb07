"""公示名单 (publicity list): posted publicly, so it carries no bank data and no internal ids.

Laid out as bureaus publish such lists: a title (关于…拟兑现…名单的公示), what it is based on and
the publicity window; the lines grouped by policy, each with its clause and the reward's name,
a subtotal per policy (lines and enterprises) and a grand total; how amounts are rounded; the
objection rules, how to reach the bureau, and the bureau's sign-off with the date. Printed on
A4 landscape at 10 pt (no shrinking: the columns fit the page).

Totals equal the sums of the figures printed above them: 元 exactly; 万元 as the sum of the
printed (rounded) 万元 figures, which the notes say.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..config import Settings
from ..policies import Catalog
from . import excel as xl
from .amount_texts import wan_units
from .payments import clause_words
from .runinfo import RunInfo

HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属街道/乡镇",
    "政策文件",
    "条款",
    "奖励金额(元)",
    "奖励金额(万元)",
    "备注",
]
WIDTHS = [5, 27, 19, 11, 19, 27, 14, 11, 16]
WRAPPED = {1, 3, 4, 5, 8}
NUMERALS = "一二三四五六七八九十"


def numeral(k: int) -> str:
    return NUMERALS[k - 1] if k <= 10 else f"十{NUMERALS[k - 11]}" if k < 20 else str(k)


def title_of(year: int, status: str) -> str:
    title = f"关于{year}年度电子商务扶持政策拟兑现奖励资金名单的公示"
    return title + ("（草稿）" if status == "draft" else "")


def write_publicity(
    path: Path,
    year: int,
    lines: pd.DataFrame,
    catalog: Catalog,
    settings: Settings,
    run: RunInfo,
    fixed_time: str,
) -> str:
    paid = lines[lines["status"] == "paid"].reset_index(drop=True)
    present = set(paid["policy_id"])
    policies = [p for p in catalog.policies if p.id in present] or catalog.in_force(year)
    widths = WIDTHS
    wb = Workbook(write_only=True)
    ws = xl.new_sheet(wb, "公示名单")
    xl.set_column_widths(ws, widths)
    # write-only sheets stream their views and print properties before the first row
    header_at = (4 if run.status == "draft" else 3) + len(run.notes)
    ws.freeze_panes = f"A{header_at + 1}"
    xl.page_setup(ws, f"{header_at}:{header_at}")
    title = title_of(year, run.status)
    xl.title_row(ws, title, widths)
    if run.status == "draft":
        xl.merged_row(
            ws,
            "本名单为草稿：尚未公示，仅供内部核对，不得对外发布。"
            "公示开始后（settlement publicize）重新生成。",
            widths,
            font=xl.FAIL_FONT,
        )
    basis = "、".join(p.full_citation for p in policies)
    window = f"公示期为{run.publicity[0]}至{run.publicity[1]}" if run.publicity else "公示期待定"
    xl.merged_row(
        ws,
        f"根据{basis}等政策规定，经企业申报、有关部门审核，"
        f"现将{year}年度拟兑现电子商务扶持奖励资金的企业名单予以公示，{window}。",
        widths,
    )
    for note in run.notes:
        xl.merged_row(ws, f"说明：{note}", widths, font=xl.FAIL_FONT)
    xl.header_row(ws, HEADERS, widths)

    units = wan_units(paid["final_amount"].to_numpy(dtype=np.int64))
    words = clause_words(paid, catalog).to_numpy()
    number = 0
    for k, policy in enumerate(policies, start=1):
        rows = np.flatnonzero(paid["policy_id"].to_numpy() == policy.id)
        xl.merged_row(ws, f"{numeral(k)}、{policy.full_citation}", widths, font=xl.HEADER_FONT)
        if len(rows):
            part = paid.iloc[rows]
            fen = part["final_amount"].to_numpy(dtype=np.int64)
            columns = [
                xl.count_column(ws, range(number + 1, number + len(part) + 1)),
                xl.text_column(ws, part["name"].tolist()),
                xl.text_column(ws, part["payee_uscc"].tolist()),
                xl.text_column(ws, part["township"].tolist()),
                xl.text_column(ws, [policy.short_name] * len(part)),
                xl.text_column(ws, words[rows].tolist()),
                xl.yuan_column(ws, fen),
                xl.wan_units_column(ws, units[rows]),
                xl.text_column(ws, part["remark"].fillna("").tolist()),
            ]
            ws.append_columns(columns, xl.wrapped_heights(columns, widths, WRAPPED))
            number += len(part)
        _total_row(
            ws,
            "小计",
            f"{policy.short_name}：{len(rows)}项，{paid['payee_uscc'].iloc[rows].nunique()}家企业",
            int(paid["final_amount"].iloc[rows].sum()),
            int(units[rows].sum()),
            widths,
        )
    _total_row(
        ws,
        "合计",
        f"共{len(paid)}项，{paid['payee_uscc'].nunique()}家企业",
        int(paid["final_amount"].sum()),
        int(units.sum()),
        widths,
    )
    notes = [
        (
            "注：1. 奖励金额以“奖励金额(元)”为准；“奖励金额(万元)”为每项金额（元）四舍五入保留四位小数，"
            "小计、合计为所列万元数之和，"
            "与按元合计换算的万元数可能有尾差。2. 同一企业同一事项同时符合多项政策的，"
            "按就高原则不重复享受；超出预算的政策按比例下调兑现，备注中注明系数。"
        ),
        f"异议受理：{settings.objection_rules}",
    ]
    contact = settings.contact_line()
    if contact:
        notes.append(f"联系方式：{contact}")
    for note in notes:
        xl.merged_row(ws, note, widths, font=xl.NOTE_FONT)
    ws.blank_row()
    signed = _signature_date(run)
    xl.merged_row(ws, settings.bureau, widths, font=xl.BODY_FONT, alignment=xl.RIGHT_WRAP)
    xl.merged_row(ws, signed, widths, font=xl.BODY_FONT, alignment=xl.RIGHT_WRAP)
    wb.properties.title = title
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time)


def _signature_date(run: RunInfo) -> str:
    if not run.publicity:
        return "____年__月__日"
    y, m, d = (int(x) for x in run.publicity[0].split("-"))
    return f"{y}年{m}月{d}日"


def _total_row(ws, label: str, words: str, fen: int, units: int, widths) -> None:
    ws.append(
        [
            xl.text_cell(ws, label, font=xl.TOTAL_FONT, alignment=xl.CENTER),
            xl.text_cell(ws, words, font=xl.TOTAL_FONT),
            *[xl.text_cell(ws, "") for _ in range(4)],
            xl.yuan_cell(ws, fen, font=xl.TOTAL_FONT),
            xl.wan_units_column(ws, [units], font=xl.TOTAL_FONT),
            xl.text_cell(ws, ""),
        ],
        xl.fit_height([(words, sum(widths[1:6]))]),
    )
    ws.merged_cells.add(f"B{ws.next_row - 1}:F{ws.next_row - 1}")
