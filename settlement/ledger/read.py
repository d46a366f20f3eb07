"""Reading ledger tables into typed frames.

The driver's rows become typed columns directly: BIGINT as nullable Int64 (never a float),
dates as datetime64, texts as they are. A read asked for in key order is sorted here, by code
point (the same order on every database), unless the rows are stored in that order already.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Boolean, Connection, Date, Integer, String, Text, select


def read_table(
    conn: Connection,
    model,
    year: int | None = None,
    keys: pd.DataFrame | None = None,
    where=None,
    order_by: tuple[str, ...] = (),
    without: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Rows as a typed frame: BIGINT columns become nullable Int64 (never float), dates datetime64.
    ``without``: columns not read. ``order_by``: sorted here, by code point, the same order on
    every database (and faster than the database walking its key index row by row)."""
    table = model.__table__
    columns = [c for c in table.columns if c.name not in without]
    stmt = select(*columns)
    if year is not None:
        stmt = stmt.where(table.c.year == year)
    if where is not None:
        stmt = stmt.where(where)
    if keys is not None and len(keys.columns) == 1:
        col = keys.columns[0]
        rows = fetch_by_keys(conn, stmt, table.c[col], [v for v in keys[col].tolist() if v is not None])
    else:
        rows = fetch_rows(conn, stmt)
    return in_key_order(typed_frame(table, rows, columns), order_by)


def in_key_order(frame: pd.DataFrame, order_by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows sorted by ``order_by``, by code point (a stable sort), on a fresh index."""
    if not order_by or not len(frame) or _sorted(frame, list(order_by)):
        return frame.reset_index(drop=True)
    frame = frame.sort_values(list(order_by), kind="stable", ignore_index=True)
    for col in order_by:
        if not pd.api.types.is_numeric_dtype(frame[col]) and frame[col].notna().all():
            # the key texts made anew in row order: the engine groups and joins on them, and
            # sorted rows pointing at texts scattered in memory made it a third slower
            frame[col] = pd.Series(_anew(frame[col].to_numpy(dtype=object)), dtype=frame[col].dtype)
    return frame


def _sorted(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Whether the rows are already in the order of ``columns`` (compared as a stable sort
    by code point would put them: then sorting would give the same frame). A column with a
    blank is never taken as sorted."""
    if len(frame) < 2:
        return True
    values = [frame[c] for c in columns]
    if any(v.isna().any() for v in values):
        return False
    arrays = [v.to_numpy(dtype=np.int64 if pd.api.types.is_numeric_dtype(v) else object) for v in values]
    # row i+1 is after row i unless, for the first column where they differ, it is smaller
    undecided = np.ones(len(frame) - 1, dtype=bool)
    for a in arrays:
        after, before = a[1:], a[:-1]
        if (undecided & (after < before)).any():
            return False
        undecided &= after == before
    return True


# the column types :func:`typed_frame` makes from the driver's own values (others, such as
# DateTime, need SQLAlchemy's conversion)
TYPED_HERE = (BigInteger, Boolean, Date, Integer, String, Text)


def fetch_rows(conn: Connection, stmt) -> list:
    """The statement's rows. Where every selected column is a number, text, flag or date (which
    :func:`typed_frame` and the callers type themselves), the driver's tuples are taken as they
    are, without SQLAlchemy's row objects (a third of the time of reading a year; pandas also
    probes each row object for attributes it lacks)."""
    result = conn.execute(stmt)
    if not all(isinstance(c.type, TYPED_HERE) for c in stmt.selected_columns):
        return [tuple(row) for row in result.all()]
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


KEYS_PER_QUERY = 5000  # key values per query where the database takes no array (SQLite binds at most 32,766)


def fetch_by_keys(conn: Connection, stmt, column, values: list) -> list:
    """The statement's rows whose ``column`` is one of ``values``, through the column's index: on
    PostgreSQL in one query with the values as one array, elsewhere in queries of KEYS_PER_QUERY
    values. (The audit trace's statistics rows at 1M enterprise-years: 1.0 s on PostgreSQL as an
    array, 6.5 s in queries of bound values; 1.4 s on SQLite, against 2-3 s for reading them all.)"""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        array = bindparam("keys", values, type_=ARRAY(column.type))
        return fetch_rows(conn, stmt.where(column == any_(array)))
    rows: list = []
    for start in range(0, len(values), KEYS_PER_QUERY):
        rows += fetch_rows(conn, stmt.where(column.in_(values[start : start + KEYS_PER_QUERY])))
    return rows


# the same text as a new object (an exact round trip, whatever the characters)
_anew = np.frompyfunc(
    lambda text: text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"), 1, 1
)


def typed_frame(table, rows, columns=None) -> pd.DataFrame:
    columns = list(table.columns) if columns is None else columns
    names = [c.name for c in columns]
    grid = np.empty((len(rows), len(names)), dtype=object)  # the rows' values, one column per slice
    if len(rows):
        grid[:] = rows
    data = {}
    for k, c in enumerate(columns):
        arr = grid[:, k].copy()
        if isinstance(c.type, (BigInteger, Integer)):
            missing = np.equal(arr, None)  # the database's NULL
            arr[missing] = 0
            data[c.name] = pd.arrays.IntegerArray(arr.astype(np.int64), missing)
        elif isinstance(c.type, Boolean):
            data[c.name] = pd.Series(arr, dtype=object).fillna(False).astype(bool).to_numpy()
        elif isinstance(c.type, Date):
            data[c.name] = pd.to_datetime(pd.Series(arr, dtype=object)).astype("datetime64[s]").to_numpy()
        else:
            data[c.name] = arr
    return pd.DataFrame(data, columns=names)
