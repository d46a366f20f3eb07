"""Ledger events: every load that changed rows and every final or correction run is one event.
A draft run keeps the last event before it was computed (``ledger_state``); when there has been
none since and its inputs are the same, a re-run can reuse it (see ``stages.reuse``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from .models import LedgerEvent

EVENTS = LedgerEvent.__table__


def record_event(conn: Connection, year: int, what: str) -> None:
    conn.execute(EVENTS.insert().values(year=year, what=what, at=datetime.now(UTC)))


def last_event(conn: Connection) -> int:
    """The id of the newest event (0: none yet)."""
    return int(conn.execute(select(func.max(EVENTS.c.id))).scalar() or 0)
