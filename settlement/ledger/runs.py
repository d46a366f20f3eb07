"""The runs table (``settlement_runs``) and its award lines: this module alone writes them.
A run is a draft (``running`` until its files are written, then ``draft``), in ``publicity``,
``final`` (a final or correction run) or ``superseded`` / ``finalized``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, select, update

from .events import last_event, record_event
from .load import bulk_insert_frame
from .models import AwardLine, SettlementRun

RUNS = SettlementRun.__table__


def final_run(conn: Connection, year: int):
    runs = RUNS
    return conn.execute(select(runs).where(runs.c.year == year, runs.c.status == "final")).first()


def current_run(conn: Connection, year: int):
    """The newest draft or publicity run of the year."""
    runs = RUNS
    return conn.execute(
        select(runs)
        .where(runs.c.year == year, runs.c.status.in_(("draft", "publicity")))
        .order_by(runs.c.id.desc())
    ).first()


def save_draft(conn: Connection, run_uid: str, year: int, lines: pd.DataFrame, meta: dict) -> int:
    """Record the draft run and its lines. The same inputs give the same ``run_uid``: the run's
    lines are replaced (same values) and its status kept. A new run starts as ``running`` and
    becomes the year's draft only when its files are written (:func:`complete_draft`)."""
    runs = RUNS
    now = datetime.now(UTC)
    existing = conn.execute(select(runs).where(runs.c.run_uid == run_uid)).first()
    values = {
        "year": year,
        "kind": "draft",
        "input_sha256": json.dumps(meta["inputs"], sort_keys=True),
        "policy_sha256": json.dumps(meta["policies"], sort_keys=True),
        "code_version": meta["code_version"],
        "finished_at": now,
        "timings": json.dumps(meta.get("timings", {}), sort_keys=True),
        "load_changes": json.dumps(meta.get("load_changes", {}), sort_keys=True),
        "totals": json.dumps(meta.get("totals", {}), sort_keys=True, ensure_ascii=False),
        "quarantined": int(meta.get("quarantined", 0)),
        "scale_factors": json.dumps(meta.get("scale_factors", {}), sort_keys=True),
        "message": meta.get("message", ""),
        "ledger_state": last_event(conn),
    }
    if existing is None:
        result = conn.execute(
            runs.insert().values(
                run_uid=run_uid, status="running", started_at=meta.get("started_at", now), **values
            )
        )
        run_id = int(result.inserted_primary_key[0])
    else:
        run_id = int(existing.id)
        conn.execute(update(runs).where(runs.c.id == run_id).values(**values))
        conn.execute(delete(AwardLine.__table__).where(AwardLine.__table__.c.run_id == run_id))
    _insert_lines(conn, run_id, lines.assign(uscc=lines["payee_uscc"]))
    return run_id


def _insert_lines(conn: Connection, run_id: int, lines: pd.DataFrame) -> None:
    """A run's lines, numbered in their order."""
    frame = lines.assign(run_id=run_id, line_no=np.arange(1, len(lines) + 1))
    cols = [c.name for c in AwardLine.__table__.columns if c.name != "id"]
    bulk_insert_frame(conn, AwardLine.__table__, frame.reindex(columns=cols), cols)


def complete_draft(conn: Connection, run_id: int) -> None:
    """The run's files are written: it becomes the year's draft; other drafts are superseded."""
    runs = RUNS
    row = conn.execute(select(runs.c.year, runs.c.status).where(runs.c.id == run_id)).first()
    if row.status == "running":
        conn.execute(update(runs).where(runs.c.id == run_id).values(status="draft"))
    conn.execute(
        update(runs)
        .where(
            runs.c.year == row.year, runs.c.id != run_id, runs.c.status.in_(("draft", "publicity", "running"))
        )
        .values(status="superseded")
    )


def run_by_uid(conn: Connection, run_uid: str):
    runs = RUNS
    return conn.execute(select(runs).where(runs.c.run_uid == run_uid)).first()


def publicity_window(conn: Connection, run_id: int) -> tuple[str, str] | None:
    runs = RUNS
    row = conn.execute(
        select(runs.c.publicity_start, runs.c.publicity_deadline).where(runs.c.id == run_id)
    ).first()
    if row is None or row.publicity_start is None:
        return None
    return row.publicity_start.isoformat(), row.publicity_deadline.isoformat()


def record_validation(conn: Connection, run_id: int, summary: dict) -> None:
    """The validation summary of the run's inputs, kept with the run (the audit workbook is
    written again from it at publicity and finalization)."""
    runs = RUNS
    conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(validation=json.dumps(summary, ensure_ascii=False, sort_keys=True))
    )


def run_status(conn: Connection, run_id: int) -> str:
    runs = RUNS
    return conn.execute(select(runs.c.status).where(runs.c.id == run_id)).scalar_one()


def set_status(conn: Connection, run_id: int, status: str, **values) -> None:
    """A run's status (and, with it, e.g. its publicity window or message)."""
    conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(status=status, **values))


def record_files(conn: Connection, run_uid: str, settings: str, manifest: str) -> None:
    """The SHA-256 of the settings a run's files were written with and of their manifest (which
    lists every file's): a re-run reuses the run only with the same settings and these files."""
    values = {"settings_sha256": settings, "manifest_sha256": manifest}
    conn.execute(update(RUNS).where(RUNS.c.run_uid == run_uid).values(**values))


def run_by_id(conn: Connection, run_id: int):
    return conn.execute(select(RUNS).where(RUNS.c.id == run_id)).first()


def insert_run(conn: Connection, lines: pd.DataFrame, **values) -> int:
    """A final or correction run with its lines (already allocated and decorated)."""
    run_id = int(conn.execute(RUNS.insert().values(**values)).inserted_primary_key[0])
    record_event(conn, int(values["year"]), str(values["kind"]))  # what earlier years paid changed
    _insert_lines(conn, run_id, lines)
    return run_id


def corrections_of(conn: Connection, year: int) -> int:
    """How many correction runs the year has had."""
    return len(conn.execute(select(RUNS.c.id).where(RUNS.c.year == year, RUNS.c.kind == "correction")).all())


def years_due(conn: Connection, today: date) -> list[int]:
    """Years whose draft is in publicity, whose window ended before ``today``, and that are not final."""
    rows = conn.execute(
        select(RUNS.c.year).where(RUNS.c.status == "publicity", RUNS.c.publicity_deadline < today)
    ).all()
    final = {r.year for r in conn.execute(select(RUNS.c.year).where(RUNS.c.status == "final")).all()}
    return sorted({int(r.year) for r in rows} - final)
