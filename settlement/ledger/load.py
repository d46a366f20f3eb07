"""Loading a year's clean landing rows into the ledger, idempotently.

Rows are matched by their natural keys. Loading the same folder twice changes nothing; a
corrected file replaces that year's rows (changed rows updated, new rows inserted, and rows of
the settlement year that are gone from the file deleted), and the counts of what changed are
returned so that the run can record them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    literal,
    select,
)

from .held import held_rows
from .models import AnnualStat, Application, Budget, Enterprise, FxRate, Park, PriorAward, QuarantinedRow
from .read import _sorted, read_table, typed_frame

# landing file -> (model, key columns, delete-absent scope: "year" = rows of the settlement year,
# "landing_year" = rows loaded from the settlement year's folder)
TABLES = {
    "enterprises": (Enterprise, ("uscc",), None),
    "parks": (Park, ("park_id",), None),
    "annual_stats": (AnnualStat, ("uscc", "year"), "year"),
    "applications": (Application, ("application_id",), "year"),
    "fx_rates": (FxRate, ("year",), None),
    "budgets": (Budget, ("policy_id", "year"), "year"),
    "prior_awards": (
        PriorAward,
        ("landing_year", "uscc", "year", "policy_id", "clause_id", "subject_uscc"),
        "landing_year",
    ),
}

# tables the year's context reads in key order (:func:`read_table`'s ``order_by``): their new
# rows are inserted in that order, so that a year loaded at once is read back already sorted (the
# sort is then skipped) and SQLite appends to its key index instead of splitting its pages
KEY_ORDERED = {"enterprises", "annual_stats"}


@dataclass
class Changes:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    # the table's rows as the load left them, when asked for and known (see :mod:`.held`)
    held: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
        }

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


def _db_columns(model) -> list[str]:
    return [c.name for c in model.__table__.columns]


def _none_where_missing(values: np.ndarray) -> np.ndarray:
    values = np.array(values, dtype=object)  # a copy: pandas may hand out read-only arrays
    values[pd.isna(values)] = None
    return values


def plain_columns(frame: pd.DataFrame, columns: list[str], iso_dates: bool = False) -> list[np.ndarray]:
    """Each column as plain Python values (int, str, bool, date, None) for the database, column
    by column (an integer column's ``astype(object)`` gives Python ints). ``iso_dates``: dates as
    the ISO text SQLAlchemy stores in SQLite."""
    out = []
    for col in columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            dates = s.dt.strftime("%Y-%m-%d") if iso_dates else s.dt.date
            values = _none_where_missing(dates.to_numpy(dtype=object))
        elif isinstance(s.dtype, pd.Int64Dtype) or pd.api.types.is_integer_dtype(s):
            values = _none_where_missing(s.astype(object).to_numpy())
        elif pd.api.types.is_bool_dtype(s):
            values = s.to_numpy(dtype=bool).astype(object)
        else:
            values = _none_where_missing(s.to_numpy(dtype=object))
        out.append(values)
    return out


def to_records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts of plain Python values (not a DataFrame: pandas would turn None in a text
    column back into NaN)."""
    return [dict(zip(columns, row, strict=True)) for row in zip(*plain_columns(frame, columns), strict=True)]


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's texts joined by a unit separator, column by column (an exact key: no hashing)."""
    if not len(frame):
        return pd.Series(dtype=object)
    out = frame[columns[0]].to_numpy(dtype=object)
    for col in columns[1:]:
        out = out + "\x1f" + frame[col].to_numpy(dtype=object)
    return pd.Series(out, index=frame.index, dtype=object)


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Every value as text, so that rows from a file and rows from the database compare equal."""
    out = {}
    for col in columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = np.where(s.to_numpy(dtype=bool), "1", "0")
        elif isinstance(s.dtype, pd.Int64Dtype) or pd.api.types.is_integer_dtype(s):
            out[col] = s.astype("string").fillna("").astype(object)
        else:
            values = s.to_numpy(dtype=object)
            missing = pd.isna(values)
            text = values.astype(str).astype(object)
            text[missing] = ""
            out[col] = text
    return pd.DataFrame(out, index=frame.index)


def prepare(name: str, frame: pd.DataFrame, file_name: str, year: int) -> pd.DataFrame:
    """The parsed frame in the table's columns (source file, row, extra columns kept)."""
    model = TABLES[name][0]
    frame = frame.copy()
    if "landing_year" in _db_columns(model):
        frame["landing_year"] = year
    frame["source_file"] = file_name
    frame["source_row"] = frame["_row"].astype(np.int64)
    frame["extra"] = frame["_extra"]
    if name == "prior_awards":
        frame["subject_uscc"] = frame["subject_uscc"].fillna("").astype(str)
    for col in ("park_id", "township", "bank_name", "bank_account", "account_name", "bank_code"):
        if col in frame:
            frame[col] = frame[col].fillna("").astype(str)
    return frame[_db_columns(model)]


def sync(conn: Connection, name: str, incoming: pd.DataFrame, year: int, hold: bool = False) -> Changes:
    """Make the table's rows for these keys (and the year's scope) equal to ``incoming``.
    ``hold``: the returned changes carry the table's rows as it now stands, where known
    (:func:`.held.held_rows`)."""
    model, keys, scope = TABLES[name]
    table = model.__table__
    columns = _db_columns(model)
    keys = list(keys)
    incoming = incoming.drop_duplicates(keys, keep="first").reset_index(drop=True)
    if name in KEY_ORDERED:
        incoming = _in_order(incoming, keys)
    existing = _existing(conn, model, keys, incoming, year if scope else None, scope)
    if not len(existing):  # nothing to compare with: every row is new
        bulk_insert_frame(conn, table, incoming, columns)
        held = held_rows(conn, model, incoming, existing) if hold else None
        return Changes(inserted=len(incoming), held=held)
    inc_key = _joined(_comparable(incoming, keys), keys)
    ex_key = _joined(_comparable(existing, keys), keys)
    known = inc_key.isin(set(ex_key)).to_numpy()
    matched = ex_key.isin(set(inc_key[known])).to_numpy()
    # where a row came from is compared too: a row that moved in its file (or came from another
    # year's folder) is written again, so that the audit trace names the row it really is;
    # only rows whose key is in both are compared
    ex_map = pd.Series(
        _joined(_comparable(existing[matched], columns), columns).to_numpy(), index=ex_key[matched].to_numpy()
    )
    same = np.zeros(len(incoming), dtype=bool)
    same[known] = (
        inc_key[known].map(ex_map).to_numpy()
        == _joined(_comparable(incoming[known], columns), columns).to_numpy()
    )
    changed = known & ~same
    new = ~known
    in_scope = (
        (existing[scope].astype("Int64") == year).to_numpy(dtype=bool)
        if scope
        else np.zeros(len(existing), dtype=bool)
    )
    removed = ~ex_key.isin(set(inc_key)).to_numpy() & in_scope
    changes = Changes(int(new.sum()), int(changed.sum()), int(removed.sum()), int(same.sum()))
    to_delete = pd.concat([incoming.loc[changed, keys], existing.loc[removed, keys]], ignore_index=True)
    if len(to_delete):
        cond = and_(*[table.c[k] == bindparam(f"k_{k}") for k in keys])
        params = [{f"k_{k}": v for k, v in r.items()} for r in to_records(to_delete, keys)]
        conn.execute(delete(table).where(cond), params)
    bulk_insert_frame(conn, table, incoming.loc[changed | new], columns)
    if hold:  # the rows written, and the ledger's rows left as they were (found the same, or not compared)
        left = ex_key.isin(set(inc_key[same])).to_numpy() | (~matched & ~in_scope)
        changes.held = held_rows(conn, model, incoming.loc[changed | new], existing.loc[left])
    return changes


def _existing(
    conn: Connection,
    model,
    keys: list[str],
    incoming: pd.DataFrame,
    scope_year: int | None,
    scope: str | None = None,
) -> pd.DataFrame:
    """The ledger rows that share a key with ``incoming``, plus (with a scope) the year's rows."""
    table = model.__table__
    if conn.execute(select(literal(1)).select_from(table).limit(1)).first() is None:
        return typed_frame(table, [])  # an empty table: no need to look up a province's keys
    parts = []
    if scope_year is not None:
        parts.append(read_table(conn, model, where=table.c[scope] == scope_year))
    if len(keys) == 1:
        parts.append(read_table(conn, model, keys=incoming[keys]))
    elif scope == "landing_year":
        pass  # the year's rows are all its keys can match
    elif "year" in keys:
        years = sorted({int(y) for y in incoming["year"].dropna()})
        if years:
            parts.append(read_table(conn, model, where=table.c.year.in_(years)))
    else:
        parts.append(read_table(conn, model))
    if not any(len(p) for p in parts):  # nothing in the ledger to compare with (or no rows came in)
        return typed_frame(table, [])
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return frame.drop_duplicates(keys).reset_index(drop=True)


def bulk_insert(conn: Connection, table, records: list[dict], batch: int = 20_000) -> None:
    for start in range(0, len(records), batch):
        conn.execute(insert(table), records[start : start + batch])


def bulk_insert_frame(conn: Connection, table, frame: pd.DataFrame, columns: list[str]) -> None:
    """Insert ``frame``'s rows: with COPY on PostgreSQL (psycopg's copy, in the transaction of
    ``conn``), in batches of executemany elsewhere."""
    if not len(frame):
        return
    if conn.dialect.name == "sqlite":
        # the driver's own executemany with plain tuples, in the transaction of ``conn`` (the
        # values are what SQLAlchemy would bind: text, int, 1/0, 'YYYY-MM-DD' for a date)
        names = ", ".join(f'"{c}"' for c in columns)
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        cursor = conn.connection.driver_connection.cursor()
        try:
            for part in _parts(frame):
                cursor.executemany(statement, zip(*plain_columns(part, columns, iso_dates=True), strict=True))
        finally:
            cursor.close()
        return
    if conn.dialect.name != "postgresql":
        bulk_insert(conn, table, to_records(frame, columns))
        return
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for part in _parts(frame):
                for row in zip(*plain_columns(part, columns), strict=True):
                    copy.write_row(row)
    finally:
        cursor.close()


INSERT_PART = 100_000  # rows made into Python values at a time (a million at once took 600 MB)


def _parts(frame: pd.DataFrame):
    for start in range(0, len(frame), INSERT_PART):
        yield frame.iloc[start : start + INSERT_PART]


def _in_order(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if _sorted(frame, keys):
        return frame
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def replace_quarantine(conn: Connection, year: int, problems: pd.DataFrame, hashes: dict[str, str]) -> None:
    table = QuarantinedRow.__table__
    conn.execute(delete(table).where(table.c.year == year))
    if not len(problems):
        return
    frame = problems.assign(year=year, file_sha256=problems["file"].map(hashes).fillna(""))
    frame = frame.sort_values(["file", "row", "column", "reason"], kind="stable")
    bulk_insert_frame(
        conn, table, frame, ["year", "file", "row", "column", "value", "reason", "message", "file_sha256"]
    )
