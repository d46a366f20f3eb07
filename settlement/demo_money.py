"""Amounts of the demo data: fen to the 元 text the landing files hold."""

from __future__ import annotations

import numpy as np

from .money import fen_column_to_yuan_text


def yuan(fen) -> np.ndarray:
    """fen -> '1234.56' text (exact), in the shape given."""
    arr = np.asarray(fen, dtype=np.int64)
    return fen_column_to_yuan_text(arr).reshape(arr.shape)
