"""The ledger: every input row, every run and every award line, in SQLite or PostgreSQL."""

from .db import DEFAULT_DB_URL, db_url, make_engine, migrate, scrub

__all__ = ["DEFAULT_DB_URL", "db_url", "make_engine", "migrate", "scrub"]
