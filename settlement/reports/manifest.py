"""manifest.json: what an auditor needs to reproduce and check a run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..money import fen_to_yuan_text
from .files import write_text_atomic


def policy_totals(lines: pd.DataFrame) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for pid, g in lines.groupby("policy_id", sort=True):
        paid = g[g["status"] == "paid"]
        out[str(pid)] = {
            "lines": int(len(g)),
            "paid_lines": int(len(paid)),
            "payees": int(paid["payee_uscc"].nunique()),
            "paid_total": fen_to_yuan_text(int(paid["final_amount"].sum())),
            "city_share": fen_to_yuan_text(int(paid["city_share"].sum())),
            "district_share": fen_to_yuan_text(int(paid["district_share"].sum())),
            "by_status": {str(k): int(v) for k, v in g["status"].value_counts().sort_index().items()},
        }
    return out


def manifest_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_manifest(path: Path, data: dict) -> str:
    return write_text_atomic(path, manifest_text(data))
