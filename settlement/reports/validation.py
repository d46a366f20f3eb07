"""The validation results as machine-readable JSON (the auditors' workbook builds on it)."""

from __future__ import annotations

import json
from pathlib import Path

from ..validation import ValidationResult
from .files import write_text_atomic


def validation_data(result: ValidationResult, hashes: dict[str, str]) -> dict:
    return {
        "year": result.year,
        "ok": result.ok,
        "blocking": result.blocking,
        "inputs": hashes,
        "checks": [
            {"file": c.file, "check": c.name, "severity": c.severity, "description": c.description, "failed": c.failed, "checked": c.checked, "passed": c.failed == 0}
            for c in result.checks
        ],
        "quarantined_rows": result.quarantined_rows,
        "quarantine": result.problems.astype({"row": int}).to_dict("records"),
        "warnings": result.warnings.astype({"row": int}).to_dict("records"),
    }


def write_validation_json(path: Path, result: ValidationResult, hashes: dict[str, str]) -> str:
    return write_text_atomic(path, json.dumps(validation_data(result, hashes), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
