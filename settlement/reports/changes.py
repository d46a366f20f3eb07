"""changes_Y.csv: every line whose amount or status differs between two runs of a year (draft →
final, or final → correction), with the objection decision or the reason."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from .awards import yuan_column
from .files import write_text_atomic

KEY = ["payee_uscc", "policy_id", "clause_id", "subject_uscc", "park_id"]
COLUMNS = [
    "uscc",
    "name",
    "policy_id",
    "clause_id",
    "subject_uscc",
    "park_id",
    "before_status",
    "after_status",
    "before_amount",
    "after_amount",
    "difference",
    "decision",
    "reason",
]


def change_list(before: pd.DataFrame, after: pd.DataFrame, notes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lines that changed (amount or status), plus every line named in ``notes`` (decisions)."""
    b = before[KEY + ["status", "final_amount", "name"]].rename(
        columns={"status": "before_status", "final_amount": "before_amount", "name": "name_b"}
    )
    a = after[KEY + ["status", "final_amount", "name"]].rename(
        columns={"status": "after_status", "final_amount": "after_amount"}
    )
    merged = b.merge(a, on=KEY, how="outer")
    merged["name"] = merged["name"].fillna(merged["name_b"]).fillna("")
    merged["before_amount"] = merged["before_amount"].fillna(0).astype(np.int64)
    merged["after_amount"] = merged["after_amount"].fillna(0).astype(np.int64)
    merged["before_status"] = merged["before_status"].fillna("")
    merged["after_status"] = merged["after_status"].fillna("")
    merged["difference"] = merged["after_amount"] - merged["before_amount"]
    if notes is not None and len(notes):
        merged = merged.merge(notes[KEY + ["decision", "reason"]], on=KEY, how="left")
    else:
        merged["decision"] = ""
        merged["reason"] = ""
    merged["decision"] = merged["decision"].fillna("")
    merged["reason"] = merged["reason"].fillna("")
    changed = (
        (merged["difference"] != 0)
        | (merged["before_status"] != merged["after_status"])
        | (merged["decision"] != "")
    )
    out = merged[changed].sort_values(KEY, kind="stable").reset_index(drop=True)
    out["uscc"] = out["payee_uscc"]
    return out


def write_changes(path: Path, changes: pd.DataFrame) -> str:
    frame = changes.copy()
    for col in ("before_amount", "after_amount", "difference"):
        frame[col] = yuan_column(frame[col].astype(np.int64))
    buf = io.StringIO()
    frame.reindex(columns=COLUMNS).to_csv(buf, index=False, lineterminator="\n")
    return write_text_atomic(path, buf.getvalue())
