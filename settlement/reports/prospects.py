"""可申报未申报名单 (prospects): who the statistics say qualifies under an application clause but
filed no application, for the desk that pushes policies to enterprises (主动推送, 免申即享).
Internal: it names figures from the statistics platform, so it is not for publication.

``prospects_Y.xlsx`` (house style: A4 landscape, the header repeated on every page, grouped by
township) and ``prospects_Y.csv`` (UTF-8 with BOM, for Excel and scripts), rows sorted by
township, then policy and clause order, then code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..config import Settings
from ..money import fen_to_yuan_text
from . import excel as xl
from .files import write_bytes_atomic

HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "政策文件",
    "条款及奖励事项",
    "符合的条件（数据及年度）",
    "申报需提供",
    "预计奖励(元)",
]
WIDTHS = [5, 22, 19, 20, 18, 48, 18, 14]
WRAPPED = {1, 3, 4, 5, 6, 7}
CSV_COLUMNS = [
    "township",
    "name",
    "uscc",
    "region_code",
    "policy_id",
    "policy",
    "clause_id",
    "reward",
    "conditions",
    "needs",
    "estimate",
    "estimate_fen",
    "explanation",
]


def write_prospects_csv(path: Path, frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame = frame.reindex(columns=CSV_COLUMNS).astype({"estimate_fen": object})
    frame.loc[frame["estimate_fen"] == -1, "estimate_fen"] = ""  # decided by the application's materials
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return write_bytes_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_prospects_xlsx(
    path: Path,
    year: int,
    frame: pd.DataFrame,
    settings: Settings,
    run_uid: str,
    fixed_time: str,
    skipped: list[str] = (),
) -> str:
    widths = WIDTHS
    wb = Workbook(write_only=True)
    ws = xl.new_sheet(wb, "可申报未申报名单")
    xl.set_column_widths(ws, widths)
    header_at = 4 + len(skipped)
    ws.freeze_panes = f"A{header_at + 1}"
    xl.page_setup(ws, f"{header_at}:{header_at}")
    title = f"{year}年度电子商务扶持政策可申报未申报企业名单"
    xl.title_row(ws, title, widths)
    xl.merged_row(
        ws,
        f"编制单位：{settings.bureau}　　依据：{year}年统计数据及已受理的申报（结算编号 {run_uid}）　　"
        f"共{len(frame)}项，{frame['uscc'].nunique() if len(frame) else 0}家企业　　内部使用，不对外公布",
        widths,
    )
    xl.merged_row(
        ws,
        "说明：下列企业按统计数据已符合相应条款中可由数据判断的条件，但本年度未提交该条款的申报；一次性奖励已排除此前获奖的企业。"
        "预计奖励仅在金额完全由数据决定时列出，其余按申报材料核定；是否兑现以申报审核为准。",
        widths,
        font=xl.NOTE_FONT,
    )
    for note in skipped:
        xl.merged_row(ws, f"注意：{note}", widths, font=xl.FAIL_FONT)
    xl.header_row(ws, HEADERS, widths)
    number = 0
    townships = (
        frame["township"].replace("", "（未填写街道/乡镇）")
        if len(frame)
        else frame.get("township", pd.Series(dtype=object))
    )
    for township in pd.unique(townships):
        rows = np.flatnonzero(townships.to_numpy() == township)
        part = frame.iloc[rows]
        xl.merged_row(ws, f"{township}（{len(part)}项）", widths, font=xl.HEADER_FONT)
        fen = part["estimate_fen"].to_numpy(dtype=np.int64)
        columns = [
            xl.count_column(ws, range(number + 1, number + len(part) + 1)),
            xl.text_column(ws, part["name"].tolist()),
            xl.text_column(ws, part["uscc"].tolist()),
            xl.text_column(ws, part["policy"].tolist()),
            xl.text_column(ws, part["reward"].tolist()),
            xl.text_column(ws, part["conditions"].tolist()),
            xl.text_column(ws, part["needs"].tolist()),
            xl.value_column(
                ws,
                [fen_to_yuan_text(v) if v >= 0 else "按申报材料核定" for v in fen.tolist()],
                (fen >= 0).tolist(),
                [True] * len(fen),
            ),
        ]
        ws.append_columns(columns, xl.wrapped_heights(columns, widths, WRAPPED))
        number += len(part)
    if not len(frame):
        xl.merged_row(ws, "本年度没有按数据符合条件而未申报的企业。", widths)
    wb.properties.title = title
    wb.properties.creator = settings.bureau
    return xl.save_deterministic(wb, path, fixed_time)
