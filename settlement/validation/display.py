"""Values as the file showed them (元 with two decimals, ratios as decimals), for reports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.text import scaled_column_words
from ..ingest.contract import FILES_BY_NAME, NUMBER_SCALE, RATIO_SCALE
from ..money import fen_column_to_yuan_text


def display_values(name: str, column: str, values: pd.Series) -> np.ndarray:
    spec = FILES_BY_NAME.get(name)
    col = next((c for c in spec.columns if c.code == column), None) if spec else None
    vals = pd.Series(values.to_numpy(), dtype=object)
    missing = vals.isna().to_numpy()
    if col is not None and col.type in ("money", "ratio", "number"):
        ints = vals.where(~vals.isna(), 0).astype(np.int64).to_numpy()
        if col.type == "money":
            out = fen_column_to_yuan_text(ints)
        else:
            scale = RATIO_SCALE if col.type == "ratio" else NUMBER_SCALE
            out = np.where(ints < 0, "-", "") + scaled_column_words(np.abs(ints), scale)
    elif col is not None and col.type == "date":
        out = pd.to_datetime(vals).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    else:
        out = vals.astype(str).to_numpy(dtype=object)
    out = np.where(missing, "", out)
    return pd.Series(out, dtype=object).str.slice(0, 200).to_numpy(dtype=object)
