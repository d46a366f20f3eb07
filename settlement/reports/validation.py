"""The validation report's data for auditors and scripts: validation_Y.json (machine-readable,
and what the audit workbook is written from). The workbook itself is ``audit.py``; the Great
Expectations Data Docs site is written by the contracts under out/Y/data_docs/."""

from __future__ import annotations

import json
from pathlib import Path

from ..validation import ValidationResult
from .files import write_text_atomic


def validation_data(
    result: ValidationResult, hashes: dict[str, str], tables: dict[str, str] | None = None
) -> dict:
    """Everything the checks found: each check (with its Chinese name and what it requires), every
    quarantined row and warning (with the enterprise it concerns), and the rows of each input
    file read, quarantined, not used and loaded."""
    loaded = {
        file: int(len(frame))
        for name, frame in result.clean.items()
        for file in [(tables or {}).get(name, f"{name}.csv")]
    }
    return {
        "year": result.year,
        "ok": result.ok,
        "blocking": result.blocking,
        "inputs": hashes,
        "tables": dict(sorted((tables or {}).items())),
        "checks": [
            {
                "file": c.file,
                "check": c.name,
                "label": c.label,
                "requirement": c.requirement,
                "severity": c.severity,
                "description": c.description,
                "why": c.why,
                "failed": c.failed,
                "checked": c.checked,
                "passed": c.failed == 0,
            }
            for c in result.checks
        ],
        "rows_read": dict(sorted(result.rows_read.items())),
        "quarantined_rows": dict(sorted(result.quarantined_rows.items())),
        "ignored_rows": dict(sorted(result.ignored_rows.items())),
        "loaded_rows": dict(sorted(loaded.items())),
        "quarantine": _records(result.problems),
        "warnings": _records(result.warnings),
    }


def _records(frame) -> list[dict]:
    if not len(frame):
        return []
    return frame.astype({"row": int}).fillna("").to_dict("records")


LEDGER_ONLY = ("ledger_rows",)  # what the run adds to the summary; the file holds what validation found


def write_validation_json(path: Path, data: dict) -> str:
    data = {k: v for k, v in data.items() if k not in LEDGER_ONLY}
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def read_validation_json(path: Path) -> dict | None:
    """The summary written by validation, or None when the file is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
