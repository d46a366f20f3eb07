"""The audit workbook's sheets of award lines: every line's trace (figures, caps, what was paid
before, the input rows it used) and the objections decided at finalization."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..engine.frames import LINE_STATUS_WORDS
from . import excel as xl
from .audit_sheet import SMALL, SMALL_BOLD, AuditBook, new_audit_sheet
from .payments import clause_words

TRACE_HEADERS = [
    "序号",
    "收款单位（信用代码）",
    "政策及条款",
    "状态及原因",
    "核定标准(元)",
    "封顶后(元)",
    "下调系数",
    "实付(元)",
    "市级(元)",
    "区（县）级(元)",
    "申报编号",
    "使用的输入行",
    "条款原文",
    "计算说明",
]


TRACE_WIDTHS = [6, 20, 16, 18, 13, 13, 9, 13, 13, 13, 12, 24, 21, 24]
TRACE_WRAPPED = {1, 2, 3, 10, 11, 12, 13}


def status_reasons(lines: pd.DataFrame) -> list[str]:
    """Each line's status in words, with its reason (from the trace) or what superseded it."""
    trace = lines["trace"].fillna("").astype(str) if "trace" in lines else pd.Series("", index=lines.index)
    raw = trace.str.extract(r'"reason":"((?:[^"\\]|\\.)*)"', expand=False).fillna("")
    reasons = [json.loads(f'"{r}"') if "\\" in r else r for r in raw.tolist()]
    sup = (
        lines["superseded_by"].fillna("").astype(str).tolist()
        if "superseded_by" in lines
        else [""] * len(lines)
    )
    remark = lines["remark"].fillna("").astype(str).tolist() if "remark" in lines else [""] * len(lines)
    out = []
    for status, reason, by, note in zip(lines["status"].astype(str), reasons, sup, remark, strict=True):
        words = LINE_STATUS_WORDS.get(status, status)
        detail = f"由 {by} 取代" if status == "superseded" and by else reason if status != "paid" else note
        out.append(f"{words}：{detail}" if detail else words)
    return out


def trace_sheet(wb, used, book: AuditBook) -> None:
    widths = TRACE_WIDTHS
    lines = book.lines.reset_index(drop=True)
    ws = new_audit_sheet(wb, used, "逐笔追溯", widths, "3:3", freeze="C4", paper="A3")
    xl.title_row(ws, f"{book.year}年度奖励逐笔追溯（与 awards.csv 逐行对应）", widths)
    xl.merged_row(
        ws,
        "每一行是 awards.csv 的一行（序号即其数据行号）：收款单位、政策条款、状态及原因；核定标准 → 封顶后 →"
        " 下调系数 → 实付 → 市级、区（县）级承担；"
        "计算用到的输入行（着陆目录/文件 第几行）、条款原文和计算说明。金额单位：元。",
        widths,
    )
    header = xl.header_row(ws, TRACE_HEADERS, widths, font=SMALL_BOLD)
    if len(lines):
        texts = {(p.id, c.id): c.text for p in book.catalog.policies for c in p.clauses}
        short = {p.id: p.citation for p in book.catalog.policies}
        payee = (
            lines["name"].fillna("").astype(str) + "（" + lines["payee_uscc"].astype(str) + "）"
        ).tolist()
        clause = (
            lines["policy_id"].map(short).fillna(lines["policy_id"]) + " " + clause_words(lines, book.catalog)
        ).tolist()
        status = status_reasons(lines)
        rows_used = (
            (book.input_rows if book.input_rows is not None else pd.Series([""] * len(lines)))
            .fillna("")
            .astype(str)
            .tolist()
        )
        clause_text = [texts.get(k, "") for k in zip(lines["policy_id"], lines["clause_id"], strict=True)]
        apps = lines["application_ids"].fillna("").astype(str).tolist()
        explanation = lines["explanation"].fillna("").astype(str).tolist()

        def money(col):
            return xl.yuan_column(ws, lines[col].to_numpy(dtype=np.int64), font=SMALL)

        columns = [
            xl.count_column(ws, range(1, len(lines) + 1), font=SMALL),
            xl.text_column(ws, payee, font=SMALL),
            xl.text_column(ws, clause, font=SMALL),
            xl.text_column(ws, status, font=SMALL),
            money("standard_amount"),
            money("capped_amount"),
            xl.text_column(ws, lines["scale_factor"].astype(str).tolist(), font=SMALL, alignment=xl.RIGHT),
            money("final_amount"),
            money("city_share"),
            money("district_share"),
            xl.text_column(ws, apps, font=SMALL),
            xl.text_column(ws, rows_used, font=SMALL),
            xl.text_column(ws, clause_text, font=SMALL),
            xl.text_column(ws, explanation, font=SMALL),
        ]
        wrapped = [(c.values, widths[i], 9) for i, c in enumerate(columns) if i in TRACE_WRAPPED]
        ws.append_columns(columns, xl.row_heights(wrapped))
    ws.auto_filter.ref = f"A{header}:{xl.last_column(widths)}{header + max(len(lines), 1)}"


OBJECTION_HEADERS = ["序号", "统一社会信用代码", "企业名称", "政策", "条款", "处理结果", "理由"]
OBJECTION_WIDTHS = [6, 20, 28, 24, 8, 12, 50]
DECISIONS = {"uphold": "维持原结果", "remove": "取消奖励", "adjust": "调整金额"}


def objections_sheet(wb, used, book: AuditBook) -> None:
    widths = OBJECTION_WIDTHS
    frame = book.objections.reset_index(drop=True)
    ws = new_audit_sheet(wb, used, "异议处理", widths, "3:3", freeze="A4")
    xl.title_row(ws, f"{book.year}年度公示异议处理结果（共{len(frame)}条）", widths)
    xl.merged_row(ws, "定稿时应用的异议处理结果；调整和取消的金额变化见 changes 文件和“逐笔追溯”表。", widths)
    xl.header_row(ws, OBJECTION_HEADERS, widths)
    names = (
        book.lines.set_index("payee_uscc")["name"]
        if book.lines is not None and len(book.lines)
        else pd.Series(dtype=object)
    )
    names = names[~names.index.duplicated()]
    short = {p.id: p.short_name for p in book.catalog.policies}
    for k, r in enumerate(frame.itertuples(index=False), start=1):
        name = str(names.get(r.payee_uscc, ""))
        reason = str(r.reason)
        ws.append(
            [
                xl.count_cell(ws, k),
                xl.text_cell(ws, r.payee_uscc),
                xl.text_cell(ws, name),
                xl.text_cell(ws, short.get(r.policy_id, r.policy_id)),
                xl.text_cell(ws, f"第{r.clause_id}条", alignment=xl.CENTER),
                xl.text_cell(ws, DECISIONS.get(r.decision, r.decision)),
                xl.text_cell(ws, reason),
            ],
            xl.fit_height([(name, widths[2]), (reason, widths[6])]),
        )
