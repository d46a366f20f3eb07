"""Frames of the engine's lines, made from the columns as they are.

A line's texts (USCCs, ids, explanations, traces) are built as numpy arrays of Python ``str``.
pandas' ``str`` dtype (the default since pandas 3) would check and copy each of them when the
frame is made: for a province's 98k lines, twice (after the clauses, after allocation) and
longer than allocating them. These frames keep such columns as they are (``object`` dtype);
every value in them is a ``str``, and they compare, sort, group and write as the ``str`` columns
read back from the ledger do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# a line's status in the lists' words (awards.csv and the ledger keep the codes), in this order
LINE_STATUS_WORDS = {
    "paid": "兑现",
    "zero": "金额为0",
    "excluded": "不予奖励",
    "superseded": "就高不重复未兑现",
}


def lines_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame of ``columns`` (in order) without copying them: text columns stay ``object``."""
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
            for name, values in columns.items()
        },
        copy=False,
    )
