"""awards.csv: one line per award considered, every amount in 元 with two decimals."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..money import fen_column_to_yuan_text
from .files import write_text_atomic

COLUMNS = [
    "uscc",
    "name",
    "payee_uscc",
    "subject_uscc",
    "park_id",
    "policy_id",
    "clause_id",
    "matter",
    "status",
    "standard_amount",
    "capped_amount",
    "scale_factor",
    "final_amount",
    "city_share",
    "district_share",
    "explanation",
]
AMOUNTS = ["standard_amount", "capped_amount", "final_amount", "city_share", "district_share"]


def yuan_column(fen: pd.Series) -> pd.Series:
    return pd.Series(fen_column_to_yuan_text(fen.to_numpy(dtype=np.int64)), index=fen.index, dtype=object)


def awards_text(lines: pd.DataFrame) -> str:
    frame = lines.copy()
    for col in AMOUNTS:
        frame[col] = yuan_column(frame[col])
    buf = io.StringIO()
    frame[COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_awards(path: Path, lines: pd.DataFrame) -> str:
    return write_text_atomic(path, awards_text(lines))
