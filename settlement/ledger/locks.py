"""One writer per settlement year. A run (CLI or Airflow task) holds the year's lock while it
writes; a second one is refused with a clear message. The lock dies with its holder: on
PostgreSQL it is a session advisory lock (released when the connection closes, crash
included); with a SQLite ledger it is an flock on a file beside the database (released when
the process ends)."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

LOCK_BASE = 0x5E771E00  # advisory lock keys: LOCK_BASE + year


class YearBusy(Exception):
    """Another run is writing this year right now."""


def _message(year: int) -> str:
    return f"{year}年正由另一个结算任务写入（命令行或 Airflow），本次不执行；请等它结束后再运行。"


@contextmanager
def year_lock(engine: Engine, year: int):
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            got = conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": LOCK_BASE + int(year)}).scalar()
            conn.commit()
            if not got:
                raise YearBusy(_message(year))
            try:
                yield
            finally:
                conn.execute(text("select pg_advisory_unlock(:k)"), {"k": LOCK_BASE + int(year)})
                conn.commit()
        finally:
            conn.close()
        return
    database = make_url(str(engine.url)).database
    folder = Path(database).resolve().parent if database and database != ":memory:" else Path("var")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".settlement-{year}.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise YearBusy(_message(year)) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
