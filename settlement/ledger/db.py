"""Connecting to the ledger and bringing its schema up to date (Alembic)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

DEFAULT_DB_URL = "sqlite:///./var/settlement.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def db_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("SETTLEMENT_DB_URL") or DEFAULT_DB_URL


_URL_PASSWORD = re.compile(r"([^\s:/@]+):[^\s@/]+@")  # user:secret@ (even in a malformed URL)
_KV_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with any password hidden: in URLs (``scheme://user:***@host``) and in
    ``password=...`` connection settings. Every message the CLI prints goes through it."""
    return _KV_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", str(text)))


class DatabaseConfigError(Exception):
    """The ledger URL cannot be used (malformed, unknown database kind, missing driver)."""


def make_engine(url: str | None = None) -> Engine:
    url = db_url(url)
    try:
        return _make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise DatabaseConfigError(
            f"台账数据库地址无法使用：{scrub(url)}（{type(exc).__name__}: {scrub(exc)}）。"
            "应为 sqlite:///路径/settlement.db 或 postgresql+psycopg://用户名@主机:端口/数据库（密码可放在"
            " ~/.pgpass）"
        ) from None


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (the default is 2 MiB): a province's key indexes stay in memory
            # while a load inserts a million rows in file order, not key order
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"不支持的数据库类型 {parsed.get_backend_name()}（台账只支持 SQLite 和 PostgreSQL）")
    return create_engine(parsed, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    from .locks import ledger_lock

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with (
        ledger_lock(engine, "migrate"),
        engine.begin() as conn,
    ):  # two years starting on a fresh ledger take turns
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
