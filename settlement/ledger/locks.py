"""One writer per settlement year. A run (CLI or Airflow task) holds the year's lock while it
writes; a second one is refused with a clear message. The lock dies with its holder: on
PostgreSQL it is a session advisory lock (released when the connection closes, crash
included); with a SQLite ledger it is an flock on a file beside the database (released when
the process ends)."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

LOCK_BASE = 0x5E771E00  # advisory lock keys: LOCK_BASE + year


class YearBusy(Exception):
    """Another run is writing this year right now."""


def _message(year: int) -> str:
    return f"{year}年正由另一个结算任务写入（命令行或 Airflow），本次不执行；请等它结束后再运行。"


def _lock_folder(engine: Engine) -> Path:
    """Where a SQLite ledger's lock files live: beside the database."""
    database = make_url(str(engine.url)).database
    folder = Path(database).resolve().parent if database and database != ":memory:" else Path("var")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    path = _lock_folder(engine) / f".settlement-{year}.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise YearBusy(_message(year)) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


SHARED_KEYS = {"migrate": LOCK_BASE - 1, "load": LOCK_BASE - 2}  # locks every year shares


class LedgerBusy(Exception):
    """A step every year shares (bringing the schema up to date, loading) waited too long."""


@contextmanager
def ledger_lock(engine: Engine, what: str, wait: float = 900.0):
    """A lock that every year's runs share, for what they must not do at the same time: bringing
    the ledger's schema up to date, and loading rows into the tables all years share (enterprises,
    parks, fx rates). Two years settled at once take turns here (waiting, not refused) and run
    side by side otherwise."""
    deadline = time.monotonic() + wait
    message = (
        f"等待另一个年度的结算完成{'数据库升级' if what == 'migrate' else '数据写入'}超过{int(wait)}秒，"
        "本次不执行；请稍后重新运行。"
    )
    if engine.dialect.name == "postgresql":
        key = SHARED_KEYS[what]
        conn = engine.connect()
        try:
            while not conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                conn.commit()
                if time.monotonic() > deadline:
                    raise LedgerBusy(message)
                time.sleep(0.2)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("select pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        finally:
            conn.close()
        return
    with open(_lock_folder(engine) / f".settlement-{what}.lock", "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LedgerBusy(message) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
