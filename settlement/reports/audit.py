"""审计与校验报告 (validation_Y.xlsx): what an auditor needs to check every number.

Sheets:
- 概况: the run (id, status, code version, publicity window, finalization date), the verdict
  of the checks and of the reconciliation, and every input file with its rows read /
  quarantined / not used / loaded and its SHA-256, and every policy file's SHA-256;
- 检查汇总: every check, named in Chinese with what it requires and why (the expectation id
  stays in a narrow technical column); failed checks highlighted;
- 隔离行 / 警告: every quarantined row and warning with file, row, the enterprise's code and
  name, the column (Chinese label), the value (numbers as numbers) and the reason;
- 勾稽核对: input rows → quarantined → loaded → lines by status → paid → funding sources →
  transfers → bank files, each identity with both sides and 相符 / 不符;
- 逐笔追溯: one row per award line (as in awards.csv): the input rows it read, the clause's
  text, standard → after caps → scale factor → paid → city / district shares, status and
  reason, the explanation (A3 landscape);
- 异议处理: the objection outcomes applied at finalization.

Written when the input is validated (the first four sheets) and again when the run is settled,
publicized and finalized, with everything.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..ingest.contract import FILES_BY_NAME
from . import excel as xl
from .audit_lines import (
    objections_sheet,
    trace_sheet,
)
from .audit_sheet import RECORD_COLUMNS, SMALL, AuditBook, new_audit_sheet, verdict_cell

SEVERITY_WORDS = {"blocking": "阻断（整批不入账）", "error": "错误（隔离该行）", "warning": "警告（仅提示）"}


def title_of(year: int) -> str:
    return f"{year}年度电子商务扶持奖励结算 审计与校验报告"


def write_audit(path: Path, book: AuditBook, fixed_time: str) -> str:
    wb = Workbook(write_only=True)
    used: set[str] = set()
    _cover(wb, used, book)
    _checks(wb, used, book)
    _records(
        wb,
        used,
        "隔离行",
        pd.DataFrame(book.summary.get("quarantine", [])),
        "隔离的行不参与计算，也不写入台账；请更正后重新结算。",
    )
    _records(wb, used, "警告", book.warnings(), "警告的行照常参与计算（注明“不予采用”的除外）；请核实。")
    if book.identities:
        _reconciliation(wb, used, book)
    if book.lines is not None:
        trace_sheet(wb, used, book)
    if book.objections is not None and len(book.objections):
        objections_sheet(wb, used, book)
    wb.properties.title = title_of(book.year)
    return xl.save_deterministic(wb, path, fixed_time)


# ---------------------------------------------------------------------------- 概况

COVER_WIDTHS = [26, 11, 11, 12, 11, 78]


def _cover(wb, used, book: AuditBook) -> None:
    widths = COVER_WIDTHS
    s = book.summary
    ws = new_audit_sheet(wb, used, "概况", widths, None)
    xl.title_row(ws, title_of(book.year), widths)
    run = book.run
    if run is not None:
        xl.merged_row(
            ws,
            f"结算编号：{run.run_uid}　　状态：{run.status_words}　　程序版本："
            f"{run.code_version}　　公示期：{run.window_words}"
            + (
                f"　　{'更正' if run.correction else '定稿'}日期：{run.finalized_on}"
                if run.finalized_on
                else ""
            ),
            widths,
        )
        for note in run.notes:
            xl.merged_row(ws, f"说明：{note}", widths, font=xl.FAIL_FONT)
    else:
        xl.merged_row(ws, "本报告只含数据校验（尚未结算）。", widths)
    quarantined = sum(int(v) for v in s.get("quarantined_rows", {}).values())
    verdict = "数据校验通过" if s.get("ok") else "数据校验未通过：" + "；".join(s.get("blocking", []))
    failed = [i for i in book.identities if not i.holds]
    recon = (
        ""
        if not book.identities
        else (
            f"；勾稽核对{len(book.identities)}项全部相符"
            if not failed
            else f"；勾稽核对有{len(failed)}项不符，见“勾稽核对”表"
        )
    )
    xl.merged_row(
        ws,
        f"结论：{verdict}；隔离{quarantined}行，警告{book.warning_count}条{recon}。",
        widths,
        font=xl.TOTAL_FONT if s.get("ok") and not failed else xl.FAIL_FONT,
    )
    ws.blank_row()
    xl.merged_row(
        ws, "一、输入文件（读入行数 = 隔离行数 + 未采用行数 + 入账行数）", widths, font=xl.HEADER_FONT
    )
    xl.header_row(ws, ["文件", "读入行数", "隔离行数", "未采用行数", "入账行数", "SHA-256"], widths)
    for file, digest in sorted(s.get("inputs", {}).items()):
        ws.append(
            [
                xl.text_cell(ws, file),
                xl.count_cell(ws, int(s.get("rows_read", {}).get(file, 0))),
                xl.count_cell(ws, int(s.get("quarantined_rows", {}).get(file, 0))),
                xl.count_cell(ws, int(s.get("ignored_rows", {}).get(file, 0))),
                xl.count_cell(ws, int(s.get("loaded_rows", {}).get(file, 0))),
                xl.text_cell(ws, digest),
            ]
        )
    ws.blank_row()
    xl.merged_row(ws, "二、政策文件", widths, font=xl.HEADER_FONT)
    row = xl.header_row(ws, ["政策文件", "文号", "", f"{book.year}年适用", "", "SHA-256"], widths)
    ws.merged_cells.add(f"B{row}:C{row}")
    ws.merged_cells.add(f"D{row}:E{row}")
    hashes = dict(book.catalog.sha256)
    for policy in book.catalog.policies:
        words = policy.number_words
        ws.append(
            [
                xl.text_cell(ws, policy.short_name),
                xl.text_cell(ws, words),
                None,
                xl.text_cell(ws, "是" if policy.in_force(book.year) else "否", alignment=xl.CENTER),
                None,
                xl.text_cell(ws, hashes.get(f"{policy.id}.yaml", "")),
            ],
            xl.fit_height([(words, widths[1] + widths[2]), (policy.short_name, widths[0])]),
        )
        ws.merged_cells.add(f"B{ws.next_row - 1}:C{ws.next_row - 1}")
        ws.merged_cells.add(f"D{ws.next_row - 1}:E{ws.next_row - 1}")
    ws.blank_row()
    notes = [
        "本报告各表：检查汇总（每一项检查及结果）、隔离行、警告"
        + ("、勾稽核对（从输入行到各资金来源拨付金额的逐步核对）" if book.identities else "")
        + ("、逐笔追溯（每一笔奖励所用的输入行、条款原文和计算过程）" if book.lines is not None else "")
        + ("、异议处理" if book.objections is not None and len(book.objections) else "")
        + "。",
        "文件名中的年度目录（如 2025/annual_stats.csv）"
        "指结算时读取的着陆目录；SHA-256 可用于核对文件未被改动。",
    ]
    for note in notes:
        xl.merged_row(ws, note, widths, font=xl.NOTE_FONT)


# ---------------------------------------------------------------------------- 检查汇总

CHECK_HEADERS = [
    "序号",
    "文件",
    "检查项目",
    "要求",
    "为什么检查",
    "级别",
    "结果",
    "未通过行数",
    "检查行数",
    "技术标识",
]
CHECK_WIDTHS = [5, 16, 20, 28, 26, 11, 7, 8, 8, 20]


def _checks(wb, used, book: AuditBook) -> None:
    widths = CHECK_WIDTHS
    ws = new_audit_sheet(wb, used, "检查汇总", widths, "3:3", freeze="A4")
    xl.title_row(ws, f"{book.year}年度输入数据检查汇总", widths)
    checks = book.summary.get("checks", [])
    failed = sum(1 for c in checks if c["failed"])
    xl.merged_row(
        ws,
        f"共{len(checks)}项检查，{failed}项有未通过或有警告的行（红色）。"
        "级别：阻断——整批不入账；错误——该行隔离；警告——仅提示，该行照常计算。",
        widths,
    )
    header = xl.header_row(ws, CHECK_HEADERS, widths)
    order = {"blocking": 0, "error": 1, "warning": 2}
    for k, c in enumerate(
        sorted(checks, key=lambda c: (c["file"], order.get(c["severity"], 3), c["check"])), start=1
    ):
        bad = bool(c["failed"])
        label = c.get("label") or c["check"]
        requirement = c.get("requirement") or c["description"]
        font = xl.FAIL_FONT if bad else xl.BODY_FONT
        cells = [
            xl.count_cell(ws, k),
            xl.text_cell(ws, c["file"]),
            xl.text_cell(ws, label, font=font),
            xl.text_cell(ws, requirement),
            xl.text_cell(ws, c.get("why", "")),
            xl.text_cell(ws, SEVERITY_WORDS.get(c["severity"], c["severity"])),
            verdict_cell(ws, not bad, "通过", "有警告" if c["severity"] == "warning" else "未通过"),
            xl.count_cell(ws, c["failed"], font=font),
            xl.count_cell(ws, c["checked"]),
            xl.text_cell(ws, c["check"], font=SMALL),
        ]
        height = xl.fit_height(
            [
                (c["file"], widths[1]),
                (label, widths[2]),
                (requirement, widths[3]),
                (c.get("why", ""), widths[4]),
                (SEVERITY_WORDS.get(c["severity"], ""), widths[5]),
            ]
        )
        small = xl.fit_height([(c["check"], widths[9])], 9)
        ws.append(cells, max(h for h in (height, small, 0) if h is not None) or None)
    ws.auto_filter.ref = f"A{header}:{xl.last_column(widths)}{header + max(len(checks), 1)}"


# ---------------------------------------------------------------------- 隔离行 / 警告

RECORD_HEADERS = ["序号", "文件", "行号", "统一社会信用代码", "企业名称", "列", "值", "原因", "原因代码"]
RECORD_WIDTHS = [6, 16, 7, 20, 24, 18, 16, 29, 13]
RECORD_WRAPPED = {1, 4, 5, 6, 7}


def column_label(file: str, column: str) -> str:
    spec = FILES_BY_NAME.get(file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    col = next((c for c in spec.columns if c.code == column), None) if spec else None
    return f"{col.label}（{column}）" if col else column


def _numeric(file: str, column: str) -> tuple[bool, bool]:
    spec = FILES_BY_NAME.get(file.rsplit(".", 1)[0])
    col = next((c for c in spec.columns if c.code == column), None) if spec else None
    kind = col.type if col else ""
    return kind in ("money", "ratio", "number", "int"), kind == "money"


MAX_RECORD_ROWS = (
    200_000  # rows of a quarantine or warning sheet (Excel opens 1,048,576); the JSON report has every one
)


def _records(wb, used, name: str, frame: pd.DataFrame, note: str) -> None:
    widths = RECORD_WIDTHS
    ws = new_audit_sheet(wb, used, name, widths, "3:3", freeze="A4")
    xl.title_row(ws, f"{name}（共{len(frame):,}条）", widths)
    if len(frame) > MAX_RECORD_ROWS:
        note += f"本表列出前{MAX_RECORD_ROWS:,}条，全部{len(frame):,}条见同目录的 validation JSON 文件。"
        frame = frame.head(MAX_RECORD_ROWS)
    xl.merged_row(ws, note + "行号为文件中的行号（表头为第1行）；“值”为文件中的原值。", widths)
    header = xl.header_row(ws, RECORD_HEADERS, widths)
    if len(frame):
        frame = frame.reindex(columns=RECORD_COLUMNS).fillna("")
        labels = [column_label(f, c) for f, c in zip(frame["file"], frame["column"], strict=True)]
        kinds = [_numeric(f, c) for f, c in zip(frame["file"], frame["column"], strict=True)]
        columns = [
            xl.count_column(ws, range(1, len(frame) + 1)),
            xl.text_column(ws, frame["file"].astype(str).tolist()),
            xl.count_column(ws, frame["row"].astype(np.int64).tolist()),
            xl.text_column(ws, frame["uscc"].astype(str).tolist()),
            xl.text_column(ws, frame["name"].astype(str).tolist()),
            xl.text_column(ws, labels),
            xl.value_column(
                ws, frame["value"].astype(str).tolist(), [k[0] for k in kinds], [k[1] for k in kinds]
            ),
            xl.text_column(ws, frame["message"].astype(str).tolist()),
            xl.text_column(ws, frame["reason"].astype(str).tolist(), font=SMALL),
        ]
        texts = [
            (frame[c].astype(str).tolist(), widths[i], 10)
            for i, c in ((1, "file"), (4, "name"), (6, "value"), (7, "message"))
        ]
        ws.append_columns(
            columns,
            xl.row_heights(
                texts + [(labels, widths[5], 10), (frame["reason"].astype(str).tolist(), widths[8], 9)]
            ),
        )
    ws.auto_filter.ref = f"A{header}:{xl.last_column(widths)}{header + max(len(frame), 1)}"


# ---------------------------------------------------------------------------- 勾稽核对

RECON_HEADERS = ["序号", "环节", "核对内容（左方 = 右方）", "左方", "右方", "差额", "单位", "结论", "说明"]
RECON_WIDTHS = [5, 10, 46, 17, 17, 14, 6, 7, 27]


def _reconciliation(wb, used, book: AuditBook) -> None:
    widths = RECON_WIDTHS
    ws = new_audit_sheet(wb, used, "勾稽核对", widths, "3:3", freeze="A4")
    xl.title_row(ws, f"{book.year}年度勾稽核对", widths)
    failed = [i for i in book.identities if not i.holds]
    xl.merged_row(
        ws,
        "从输入文件的行数，到隔离、入账，到奖励行的状态，到兑现金额、市县分担、各资金来源、"
        "每笔转账和银行批量文件，逐步核对；"
        + ("全部相符。" if not failed else f"有{len(failed)}项不符（红色），请勿据此付款，先查明原因。"),
        widths,
    )
    xl.header_row(ws, RECON_HEADERS, widths)
    for k, i in enumerate(book.identities, start=1):
        money = i.unit == "元"
        cell = xl.yuan_cell if money else xl.count_cell
        ws.append(
            [
                xl.count_cell(ws, k),
                xl.text_cell(ws, i.step),
                xl.text_cell(ws, i.what),
                cell(ws, i.left),
                cell(ws, i.right),
                cell(ws, i.left - i.right),
                xl.text_cell(ws, i.unit, alignment=xl.CENTER),
                verdict_cell(ws, i.holds, "相符", "不符"),
                xl.text_cell(ws, i.note),
            ],
            xl.fit_height([(i.what, widths[2]), (i.step, widths[1]), (i.note, widths[8])]),
        )


# ---------------------------------------------------------------------------- 逐笔追溯


# ---------------------------------------------------------------------------- 异议处理
