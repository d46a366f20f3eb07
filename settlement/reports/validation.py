"""The validation report for auditors: validation_Y.json (machine-readable) and
validation_Y.xlsx (检查汇总 / 隔离行 / 警告). The Great Expectations Data Docs site is written
by the contracts under out/Y/data_docs/."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from ..validation import ValidationResult
from . import excel as xl
from .files import write_text_atomic

SEVERITY_WORDS = {"blocking": "阻断（整批不入账）", "error": "错误（隔离该行）", "warning": "警告（仅提示）"}


def validation_data(result: ValidationResult, hashes: dict[str, str]) -> dict:
    return {
        "year": result.year,
        "ok": result.ok,
        "blocking": result.blocking,
        "inputs": hashes,
        "checks": [
            {"file": c.file, "check": c.name, "severity": c.severity, "description": c.description, "why": c.why,
             "failed": c.failed, "checked": c.checked, "passed": c.failed == 0}
            for c in result.checks
        ],
        "quarantined_rows": result.quarantined_rows,
        "quarantine": result.problems.astype({"row": int}).to_dict("records"),
        "warnings": result.warnings.astype({"row": int}).to_dict("records"),
    }


def write_validation_json(path: Path, result: ValidationResult, hashes: dict[str, str]) -> str:
    return write_text_atomic(path, json.dumps(validation_data(result, hashes), ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def write_validation_xlsx(path: Path, result: ValidationResult, fixed_time: str) -> str:
    wb = Workbook(write_only=True)
    ws = xl.new_sheet(wb, "检查汇总")
    headers = ["文件", "检查", "说明", "级别", "结果", "未通过行数", "检查行数", "为什么要检查"]
    xl.set_widths(ws, [20, 40, 44, 18, 8, 12, 12, 60])
    ws.freeze_panes = "A4"  # before the first row: write-only sheets stream their views first
    xl.page_setup(ws, "3:3")
    ws.append([xl.text_cell(ws, f"{result.year}年度着陆数据校验报告", font=xl.TITLE_FONT, alignment=xl.CENTER, border=None)])
    ws.merged_cells.add("A1:H1")
    status = "通过" if result.ok else "未通过：" + "；".join(result.blocking)
    ws.append([xl.text_cell(ws, f"总体结论：{status}；隔离 {sum(result.quarantined_rows.values())} 行，警告 {len(result.warnings)} 条。", border=None)])
    ws.merged_cells.add("A2:H2")
    ws.append([xl.text_cell(ws, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in headers])
    for c in sorted(result.checks, key=lambda c: (c.file, {"blocking": 0, "error": 1, "warning": 2}.get(c.severity, 3), c.name)):
        ws.append([
            xl.text_cell(ws, c.file), xl.text_cell(ws, c.name), xl.text_cell(ws, c.description), xl.text_cell(ws, SEVERITY_WORDS.get(c.severity, c.severity)),
            xl.text_cell(ws, "通过" if c.failed == 0 else "未通过", alignment=xl.CENTER), xl.count_cell(ws, c.failed), xl.count_cell(ws, c.checked),
            xl.text_cell(ws, c.why),
        ])
    ws.auto_filter.ref = f"A3:H{3 + max(len(result.checks), 1)}"
    for title, frame in (("隔离行", result.problems), ("警告", result.warnings)):
        sheet = xl.new_sheet(wb, title)
        xl.set_widths(sheet, [20, 8, 22, 30, 24, 50])
        sheet.freeze_panes = "A2"
        xl.page_setup(sheet, "1:1")
        sheet.append([xl.text_cell(sheet, h, font=xl.HEADER_FONT, alignment=xl.CENTER) for h in ("文件", "行号", "列", "值", "原因代码", "原因")])
        if len(frame):
            sheet.append_columns([xl.text_column(sheet, frame["file"].tolist()), xl.count_column(sheet, frame["row"].tolist()),
                                  *[xl.text_column(sheet, frame[c].tolist()) for c in ("column", "value", "reason", "message")]])
        sheet.auto_filter.ref = f"A1:F{1 + max(len(frame), 1)}"
    wb.properties.title = f"{result.year}年度着陆数据校验报告"
    return xl.save_deterministic(wb, path, fixed_time)
