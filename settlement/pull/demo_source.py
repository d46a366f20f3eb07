"""A demo data source: the demo landing folders loaded into database tables named like the
landing files, with the landing contract's columns and proper SQL types (amounts as
NUMERIC(20,2), dates as DATE, flags as BOOLEAN), as a statistics platform's shared database
would hold them. ``settlement demo-source`` fills one; ``settlement pull`` reads it back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..ingest import FILES, read_landing
from ..ingest.contract import NUMBER_SCALE, RATIO_SCALE

SCALE = {"money": 2, "ratio": len(str(RATIO_SCALE)) - 1, "number": len(str(NUMBER_SCALE)) - 1}


def _sql_type(kind: str):
    from sqlalchemy import BigInteger, Boolean, Date, Numeric, Text

    if kind in SCALE:
        return Numeric(30, SCALE[kind])
    return {"int": BigInteger(), "date": Date(), "bool": Boolean()}.get(kind, Text())


def _convert(kind: str):
    if kind in SCALE:
        places = SCALE[kind]
        return lambda v: Decimal(int(v)).scaleb(-places)
    if kind == "int":
        return int
    if kind == "date":
        return lambda v: pd.Timestamp(v).date()
    if kind == "bool":
        return bool
    return lambda v: str(v) if v != "" else None


def _values(series: pd.Series, kind: str) -> list:
    convert = _convert(kind)
    missing = series.isna().to_numpy()
    return [None if m else convert(v) for v, m in zip(series.to_numpy(object), missing, strict=True)]


def frames_of(landing_root: Path, years: tuple[int, int]) -> dict[str, pd.DataFrame]:
    """The tables a source would hold for years ``years``: year-scoped tables (statistics,
    applications, budgets) from each year's folder, the rest from the last year's."""
    first, last = years
    frames: dict[str, list[pd.DataFrame]] = {}
    for year in range(first, last + 1):
        landing = read_landing(landing_root, year)
        for name, table in landing.tables.items():
            if name in ("annual_stats", "applications", "budgets") or year == last:
                frame = table.frame
                if name in ("applications", "budgets"):
                    frame = frame[frame["year"] == year]
                frames.setdefault(name, []).append(frame)
    out = {}
    for name, parts in frames.items():
        frame = pd.concat(parts, ignore_index=True)
        if name == "annual_stats":  # a later folder's row of a year wins
            frame = frame.drop_duplicates(["uscc", "year"], keep="last")
        out[name] = frame
    return out


def search_path_schema(url: str) -> str | None:
    """The schema named by a PostgreSQL URL's ``options=-csearch_path=NAME``, if any."""
    import re

    from sqlalchemy.engine import make_url

    options = make_url(url).query.get("options") or ""
    found = re.search(
        r"search_path=([A-Za-z_][A-Za-z0-9_]*)", options if isinstance(options, str) else " ".join(options)
    )
    return found.group(1) if found else None


def fill(url: str, landing_root: Path, years: tuple[int, int]) -> dict[str, int]:
    """Create (or replace) the landing tables at ``url`` from the demo folders; rows per table."""
    from sqlalchemy import Column, MetaData, Table, create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.schema import CreateSchema

    from .database import display_url
    from .tables import PullError

    frames = frames_of(landing_root, years)
    engine = create_engine(url)
    metadata = MetaData()
    counts = {}
    try:
        with engine.begin() as conn:
            schema = search_path_schema(url)
            if schema and engine.dialect.name == "postgresql":
                conn.execute(CreateSchema(schema, if_not_exists=True))
            for spec in FILES:
                frame = frames.get(spec.name)
                if frame is None:
                    continue
                table = Table(spec.name, metadata, *(Column(c.code, _sql_type(c.type)) for c in spec.columns))
                table.drop(conn, checkfirst=True)
                table.create(conn)
                columns = {c.code: _values(frame[c.code], c.type) for c in spec.columns}
                rows = [
                    dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
                ]
                if rows:
                    conn.execute(table.insert(), rows)
                counts[spec.name] = len(rows)
    except DBAPIError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise PullError(f"写入演示数据源 {display_url(url)} 失败：{detail}", code=1) from None
    finally:
        engine.dispose()
    return counts
