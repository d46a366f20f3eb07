"""A table's rows as a load leaves them, from the rows the load had in hand, so that the run
that loaded the year need not read a province's rows straight back.

After :func:`settlement.ledger.load.sync`, the table holds the incoming rows and the rows it
compared them with and kept. When the table holds nothing else (its row count says so: every
row in hand is in it, by key), those rows, typed as :func:`settlement.ledger.read.read_table`
types a read, are the table. Otherwise (rows another year's folder loaded, say), or when a
column's values are not of a kind this module can vouch for, there is no held frame and the
year is read from the ledger as before. Either way the engine gets the same frames: the tests
compare them with a read after every kind of load, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Boolean, Connection, Date, Integer, String, Text, func, select


def held_rows(conn: Connection, model, incoming: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame | None:
    """The table's rows after a load (``incoming`` inserted or found the same, ``kept``: the
    ledger rows it compared them with and left), or None when they are not all of its rows."""
    table = model.__table__
    count = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if int(count) != len(incoming) + len(kept):
        return None
    parts = [as_read(table, frame) for frame in (kept, incoming)]
    if any(part is None for part in parts):
        return None
    # one frame made as a read makes it (pandas infers the text columns' type from all the values)
    names = [c.name for c in table.columns]
    data = {name: _joined(parts[0][name], parts[1][name]) for name in names}
    return pd.DataFrame(data, columns=names, copy=False)  # the arrays are this frame's own


def as_read(table, frame: pd.DataFrame) -> dict | None:
    """``frame``'s columns as a read of its rows from the ledger has them before they become a
    frame (nullable Int64, bool, datetime64[s], texts with None: see read.typed_frame), or None
    for a column whose values would not come back as they are (a float in a number column, a
    number in a text column, a time of day)."""
    data = {}
    for column in table.columns:
        values = _as_read(column.type, frame[column.name])
        if values is None:
            return None
        data[column.name] = values
    return data


def _joined(first, second):
    if not len(first) or not len(second):  # a fresh table, or nothing new: no copy
        return second if len(second) else first
    if isinstance(first, pd.arrays.IntegerArray):
        return pd.arrays.IntegerArray(
            np.concatenate([part.to_numpy(dtype=np.int64, na_value=0) for part in (first, second)]),
            np.concatenate([first.isna(), second.isna()]),
        )
    return np.concatenate([first, second])


def _as_read(kind, s: pd.Series):
    blank = bool(s.isna().all())
    if isinstance(kind, (BigInteger, Integer)):
        if isinstance(s.dtype, pd.Int64Dtype) or pd.api.types.is_integer_dtype(s):
            return s.astype("Int64").array
        return pd.array([pd.NA] * len(s), dtype="Int64") if blank else None
    if isinstance(kind, Boolean):
        return s.to_numpy(dtype=bool) if pd.api.types.is_bool_dtype(s) else None
    if isinstance(kind, Date):
        if blank:
            return np.full(len(s), np.datetime64("NaT"), dtype="datetime64[s]")
        if not pd.api.types.is_datetime64_dtype(s):
            return None
        moments = s.to_numpy()
        days = moments.astype("datetime64[D]")
        if (days.astype(moments.dtype) != moments)[s.notna().to_numpy()].any():
            return None  # a time of day, which the ledger's date does not keep
        return days.astype("datetime64[s]")
    if isinstance(kind, (String, Text)):
        values = np.array(s.to_numpy(dtype=object), dtype=object)  # a copy: the frame stays as it was
        missing = pd.isna(values)
        values[missing] = None
        if pd.api.types.infer_dtype(values[~missing], skipna=False) not in ("string", "empty"):
            return None
        return values
    return None
