"""The ledger: every input row, every run and every award line, in SQLite or PostgreSQL."""

from .. import pandas_options  # noqa: F401  (text storage fixed before any frame is made)
from .db import DEFAULT_DB_URL, db_url, make_engine, migrate, scrub

__all__ = ["DEFAULT_DB_URL", "db_url", "make_engine", "migrate", "scrub"]
