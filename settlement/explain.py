"""Reading one enterprise's award lines back from the ledger (``settlement explain``)."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.engine import make_url

from .ledger import make_engine
from .ledger.db import db_url, scrub
from .ledger.models import AwardLine, SettlementRun
from .ledger.read import read_table


class NoLedger(Exception):
    """The ledger named does not exist or holds no settlement: explain reads, it never creates one."""


def normalise_code(code: str) -> str:
    """A code as typed (full-width, lower case, spaces): 91330108ma0yl3m76y → 91330108MA0YL3M76Y."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


def latest_run(conn, year: int):
    runs = SettlementRun.__table__
    order = {"final": 0, "publicity": 1, "draft": 2}
    rows = conn.execute(select(runs).where(runs.c.year == year, runs.c.status.in_(tuple(order)))).all()
    if not rows:
        return None
    return sorted(rows, key=lambda r: (order[r.status], -r.id))[0]


def existing_ledger(url: str | None = None):
    """An engine on the ledger at ``url`` that must already hold settlements: a command that
    only reads never creates one (NoLedger names what is missing)."""
    url = db_url(url)
    parsed = make_url(url)
    if (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).is_file()
    ):
        raise NoLedger(
            f"台账数据库不存在：{Path(parsed.database).resolve()}（{scrub(url)}）"
            "。请用 --db 指定结算时用的台账，"
            "或在运行 settlement run 的目录下执行本命令。"
        )
    engine = make_engine(url)
    if not inspect(engine).has_table(SettlementRun.__tablename__):
        raise NoLedger(f"{scrub(url)} 中没有结算台账（没有任何结算记录）。请用 --db 指定结算时用的台账。")
    return engine


@contextmanager
def year_run(year: int, url: str | None = None, what: str = ""):
    """A connection to an existing ledger and the year's newest run (final before publicity
    before draft), for commands that only read; NoLedger when there is none, saying what to run."""
    engine = existing_ledger(url)
    try:
        with engine.connect() as conn:
            run = latest_run(conn, year)
            if run is None:
                raise NoLedger(f"台账中没有 {year} 年度的结算：请先运行 settlement run --year {year}{what}")
            yield conn, run
    finally:
        engine.dispose()


def lines_for(year: int, uscc: str, url: str | None = None) -> tuple[pd.DataFrame, object]:
    engine = existing_ledger(url)
    uscc = normalise_code(uscc)
    table = AwardLine.__table__
    with engine.connect() as conn:
        run = latest_run(conn, year)
        if run is None:
            return pd.DataFrame(), None
        where = and_(table.c.run_id == run.id, or_(table.c.payee_uscc == uscc, table.c.subject_uscc == uscc))
        return read_table(conn, AwardLine, where=where, order_by=("line_no",)), run
