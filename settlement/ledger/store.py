"""Reading the ledger into the engine's frames, and writing runs and award lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, select, update

from .load import (
    TABLES,
    Changes,
    bulk_insert_frame,
    prepare,
    read_table,
    replace_quarantine,
    sync,
)
from .models import (
    AnnualStat,
    Application,
    AwardLine,
    Budget,
    Enterprise,
    FxRate,
    Park,
    PriorAward,
    SettlementRun,
)

LOAD_ORDER = ("enterprises", "parks", "annual_stats", "applications", "fx_rates", "budgets", "prior_awards")
PAID_HISTORY_COLUMNS = ["payee_uscc", "subject_uscc", "policy_id", "clause_id", "year", "amount"]


class YearLocked(Exception):
    """The year cannot be settled now (it is final, or another run holds it)."""


def load_clean(conn: Connection, year: int, clean: dict[str, pd.DataFrame], files: dict[str, str], problems: pd.DataFrame, hashes: dict[str, str]) -> dict[str, dict]:
    changes: dict[str, dict] = {}
    for name in LOAD_ORDER:
        if name not in clean:
            if TABLES[name][2] is None:
                continue
            # a year-scoped file absent from the folder: the year has no such rows (its files are
            # the truth for its rows), so what an earlier load of the year left goes
            empty = prepare(name, pd.DataFrame(columns=[*TABLES[name][0].__table__.columns.keys(), "_row", "_extra"]), "", year)
            changes[name] = sync(conn, name, empty, year).as_dict()
            continue
        frame = prepare(name, clean[name], f"{year}/{files[name]}", year)  # the landing folder's year and the file
        changes[name] = sync(conn, name, frame, year).as_dict()
    replace_quarantine(conn, year, problems, hashes)
    return changes


def rows_from_files(conn: Connection, year: int, files: dict[str, str]) -> dict[str, int]:
    """How many ledger rows came from each of the year's files (table -> file name): the
    reconciliation compares them with the rows loaded."""
    from sqlalchemy import func

    out = {}
    for name, file_name in files.items():
        table = TABLES[name][0].__table__
        out[file_name] = int(conn.execute(select(func.count()).select_from(table).where(table.c.source_file == f"{year}/{file_name}")).scalar_one())
    return dict(sorted(out.items()))


def paid_history(conn: Connection, year: int) -> pd.DataFrame:
    """What was paid before ``year``: lines of final runs and prior_awards (settlement-semantics)."""
    runs = SettlementRun.__table__
    lines = AwardLine.__table__
    stmt = (
        select(lines.c.payee_uscc, lines.c.subject_uscc, lines.c.policy_id, lines.c.clause_id, runs.c.year, lines.c.final_amount)
        .join(runs, runs.c.id == lines.c.run_id)
        .where(runs.c.status == "final", runs.c.year < year, lines.c.status == "paid", lines.c.final_amount > 0)
    )
    ledger_rows = conn.execute(stmt).all()
    ledger = pd.DataFrame(ledger_rows, columns=PAID_HISTORY_COLUMNS)
    pa = PriorAward.__table__
    prior = read_table(conn, PriorAward, where=(pa.c.year < year) & (pa.c.landing_year == year))  # the year's own folder's record
    prior = pd.DataFrame(
        {
            "payee_uscc": prior["uscc"].astype(object),
            "subject_uscc": prior["subject_uscc"].astype(object).where(prior["subject_uscc"].astype(str) != "", prior["uscc"]),
            "policy_id": prior["policy_id"].astype(object),
            "clause_id": prior["clause_id"].astype(object),
            "year": prior["year"].astype("Int64"),
            "amount": prior["amount"].astype("Int64"),
        }
    )
    out = pd.concat([ledger.astype({"year": "Int64", "amount": "Int64"}), prior], ignore_index=True)
    return out[out["amount"].fillna(0) > 0].reset_index(drop=True)


def read_frames(conn: Connection, year: int) -> dict[str, pd.DataFrame]:
    """The year's data as the engine takes it: enterprises, statistics up to the year, the
    year's applications and budgets, parks, exchange rates and what was paid before."""
    enterprises = read_table(conn, Enterprise, order_by=("uscc",))
    # in key order: the same frame every time, and each enterprise's years together
    stats = read_table(conn, AnnualStat, where=AnnualStat.__table__.c.year <= year, order_by=("uscc", "year"))
    apps = read_table(conn, Application, year=year, order_by=("policy_id", "clause_id", "uscc", "application_id"))  # as the engine takes them
    parks = read_table(conn, Park)
    fx = read_table(conn, FxRate)
    budgets = read_table(conn, Budget, year=year)
    paid = paid_history(conn, year)
    return {"enterprises": enterprises, "stats": stats, "applications": apps, "parks": parks, "fx_rates": fx, "budgets": budgets, "paid": paid}


def final_run(conn: Connection, year: int):
    runs = SettlementRun.__table__
    return conn.execute(select(runs).where(runs.c.year == year, runs.c.status == "final")).first()


def current_run(conn: Connection, year: int):
    """The newest draft or publicity run of the year."""
    runs = SettlementRun.__table__
    return conn.execute(
        select(runs).where(runs.c.year == year, runs.c.status.in_(("draft", "publicity"))).order_by(runs.c.id.desc())
    ).first()


def save_draft(conn: Connection, run_uid: str, year: int, lines: pd.DataFrame, meta: dict) -> int:
    """Record the draft run and its lines. The same inputs give the same ``run_uid``: the run's
    lines are replaced (same values) and its status kept. A new run starts as ``running`` and
    becomes the year's draft only when its files are written (:func:`complete_draft`)."""
    runs = SettlementRun.__table__
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
    }
    if existing is None:
        result = conn.execute(runs.insert().values(run_uid=run_uid, status="running", started_at=meta.get("started_at", now), **values))
        run_id = int(result.inserted_primary_key[0])
    else:
        run_id = int(existing.id)
        conn.execute(update(runs).where(runs.c.id == run_id).values(**values))
        conn.execute(delete(AwardLine.__table__).where(AwardLine.__table__.c.run_id == run_id))
    frame = lines.assign(run_id=run_id, line_no=np.arange(1, len(lines) + 1), uscc=lines["payee_uscc"])
    cols = [c.name for c in AwardLine.__table__.columns if c.name != "id"]
    bulk_insert_frame(conn, AwardLine.__table__, frame.reindex(columns=cols), cols)
    return run_id


def complete_draft(conn: Connection, run_id: int) -> None:
    """The run's files are written: it becomes the year's draft; other drafts are superseded."""
    runs = SettlementRun.__table__
    row = conn.execute(select(runs.c.year, runs.c.status).where(runs.c.id == run_id)).first()
    if row.status == "running":
        conn.execute(update(runs).where(runs.c.id == run_id).values(status="draft"))
    conn.execute(
        update(runs).where(runs.c.year == row.year, runs.c.id != run_id, runs.c.status.in_(("draft", "publicity", "running"))).values(status="superseded")
    )


def run_by_uid(conn: Connection, run_uid: str):
    runs = SettlementRun.__table__
    return conn.execute(select(runs).where(runs.c.run_uid == run_uid)).first()


def publicity_window(conn: Connection, run_id: int) -> tuple[str, str] | None:
    runs = SettlementRun.__table__
    row = conn.execute(select(runs.c.publicity_start, runs.c.publicity_deadline).where(runs.c.id == run_id)).first()
    if row is None or row.publicity_start is None:
        return None
    return row.publicity_start.isoformat(), row.publicity_deadline.isoformat()


def record_validation(conn: Connection, run_id: int, summary: dict) -> None:
    """The validation summary of the run's inputs, kept with the run (the audit workbook is
    written again from it at publicity and finalization)."""
    runs = SettlementRun.__table__
    conn.execute(update(runs).where(runs.c.id == run_id).values(validation=json.dumps(summary, ensure_ascii=False, sort_keys=True)))


def run_status(conn: Connection, run_id: int) -> str:
    runs = SettlementRun.__table__
    return conn.execute(select(runs.c.status).where(runs.c.id == run_id)).scalar_one()


def quarantine_counts(conn: Connection, year: int) -> dict[str, int]:
    from sqlalchemy import distinct, func

    from .models import QuarantinedRow

    q = QuarantinedRow.__table__
    rows = conn.execute(select(q.c.file, func.count(distinct(q.c.row))).where(q.c.year == year).group_by(q.c.file)).all()
    return {str(f): int(n) for f, n in sorted(rows)}


def read_lines(conn: Connection, run_id: int) -> pd.DataFrame:
    return read_table(conn, AwardLine, where=AwardLine.__table__.c.run_id == run_id, order_by=("line_no",))


__all__ = [
    "TABLES", "Changes", "YearLocked", "load_clean", "paid_history", "final_run", "current_run",
    "save_draft", "read_lines",
]
