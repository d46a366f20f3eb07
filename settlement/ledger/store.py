"""Reading the ledger into the engine's frames, loading the clean rows, and what was paid
before. The runs table and the award lines are :mod:`.runs`'.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from .events import record_event
from .load import (
    TABLES,
    Changes,
    prepare,
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
from .read import in_key_order, read_table
from .runs import (  # noqa: F401 (the runs' functions, as the stages call them)
    complete_draft,
    current_run,
    final_run,
    publicity_window,
    record_validation,
    run_by_uid,
    run_status,
    save_draft,
)

LOAD_ORDER = ("enterprises", "parks", "annual_stats", "applications", "fx_rates", "budgets", "prior_awards")
HELD = ("enterprises", "annual_stats")  # the tables a run that loaded them need not read back
PAID_HISTORY_COLUMNS = ["payee_uscc", "subject_uscc", "policy_id", "clause_id", "year", "amount"]


class YearLocked(Exception):
    """The year cannot be settled now (it is final, or another run holds it)."""


def load_clean(
    conn: Connection,
    year: int,
    clean: dict[str, pd.DataFrame],
    files: dict[str, str],
    problems: pd.DataFrame,
    hashes: dict[str, str],
    held: dict[str, pd.DataFrame] | None = None,
) -> dict[str, dict]:
    """Load the clean rows (see :mod:`.load`); the counts of what changed, per table. ``held``:
    filled with the rows of the year's large tables (HELD) as the load left them, where known,
    for :func:`read_frames` (see :mod:`.held`)."""
    changes: dict[str, dict] = {}
    for name in LOAD_ORDER:
        if name not in clean:
            if TABLES[name][2] is None:
                continue
            # a year-scoped file absent from the folder: the year has no such rows (its files are
            # the truth for its rows), so what an earlier load of the year left goes
            empty = prepare(
                name,
                pd.DataFrame(columns=[*TABLES[name][0].__table__.columns.keys(), "_row", "_extra"]),
                "",
                year,
            )
            changes[name] = sync(conn, name, empty, year).as_dict()
            continue
        frame = prepare(
            name, clean[name], f"{year}/{files[name]}", year
        )  # the landing folder's year and the file
        change = sync(conn, name, frame, year, hold=held is not None and name in HELD)
        if change.held is not None:
            held[name] = change.held
        changes[name] = change.as_dict()
    replace_quarantine(conn, year, problems, hashes)
    if any(c["inserted"] or c["updated"] or c["deleted"] for c in changes.values()):
        record_event(conn, year, "load")
    return changes


def rows_from_files(conn: Connection, year: int, files: dict[str, str]) -> dict[str, int]:
    """How many ledger rows came from each of the year's files (table -> file name): the
    reconciliation compares them with the rows loaded."""
    from sqlalchemy import func

    out = {}
    for name, file_name in files.items():
        table = TABLES[name][0].__table__
        out[file_name] = int(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.source_file == f"{year}/{file_name}")
            ).scalar_one()
        )
    return dict(sorted(out.items()))


def paid_history(conn: Connection, year: int) -> pd.DataFrame:
    """What was paid before ``year``: lines of final runs and prior_awards (settlement-semantics)."""
    runs = SettlementRun.__table__
    lines = AwardLine.__table__
    stmt = (
        select(
            lines.c.payee_uscc,
            lines.c.subject_uscc,
            lines.c.policy_id,
            lines.c.clause_id,
            runs.c.year,
            lines.c.final_amount,
        )
        .join(runs, runs.c.id == lines.c.run_id)
        .where(
            runs.c.status == "final", runs.c.year < year, lines.c.status == "paid", lines.c.final_amount > 0
        )
    )
    ledger_rows = conn.execute(stmt).all()
    ledger = pd.DataFrame(ledger_rows, columns=PAID_HISTORY_COLUMNS)
    pa = PriorAward.__table__
    prior = read_table(
        conn, PriorAward, where=(pa.c.year < year) & (pa.c.landing_year == year)
    )  # the year's own folder's record
    prior = pd.DataFrame(
        {
            "payee_uscc": prior["uscc"].astype(object),
            "subject_uscc": prior["subject_uscc"]
            .astype(object)
            .where(prior["subject_uscc"].astype(str) != "", prior["uscc"]),
            "policy_id": prior["policy_id"].astype(object),
            "clause_id": prior["clause_id"].astype(object),
            "year": prior["year"].astype("Int64"),
            "amount": prior["amount"].astype("Int64"),
        }
    )
    out = pd.concat([ledger.astype({"year": "Int64", "amount": "Int64"}), prior], ignore_index=True)
    return out[out["amount"].fillna(0) > 0].reset_index(drop=True)


def read_frames(
    conn: Connection, year: int, held: dict[str, pd.DataFrame] | None = None
) -> dict[str, pd.DataFrame]:
    """The year's data as the engine takes it: enterprises, statistics up to the year, the
    year's applications and budgets, parks, exchange rates and what was paid before. ``held``:
    tables as the run's load left them (:func:`load_clean`), taken instead of read."""
    held = held if held is not None else {}  # taken out as used: no second copy of a table at once
    # in key order: the same frame every time, and each enterprise's years together
    if "enterprises" in held:
        enterprises = in_key_order(held.pop("enterprises"), ("uscc",))
    else:
        enterprises = read_table(conn, Enterprise, order_by=("uscc",))
    # the engine reads figures only; where each row came from is the trace's (reports.lineage)
    without = ("source_file", "source_row", "extra")
    if "annual_stats" in held:
        stats = held.pop("annual_stats").drop(columns=list(without))
        upto = (stats["year"] <= year).fillna(False).to_numpy(dtype=bool)
        stats = in_key_order(stats if upto.all() else stats.loc[upto], ("uscc", "year"))
    else:
        stats = read_table(
            conn,
            AnnualStat,
            where=AnnualStat.__table__.c.year <= year,
            order_by=("uscc", "year"),
            without=without,
        )
    apps = read_table(
        conn, Application, year=year, order_by=("policy_id", "clause_id", "uscc", "application_id")
    )  # as the engine takes them
    parks = read_table(conn, Park)
    fx = read_table(conn, FxRate)
    budgets = read_table(conn, Budget, year=year)
    paid = paid_history(conn, year)
    return {
        "enterprises": enterprises,
        "stats": stats,
        "applications": apps,
        "parks": parks,
        "fx_rates": fx,
        "budgets": budgets,
        "paid": paid,
    }


def quarantine_counts(conn: Connection, year: int) -> dict[str, int]:
    from sqlalchemy import distinct, func

    from .models import QuarantinedRow

    q = QuarantinedRow.__table__
    rows = conn.execute(
        select(q.c.file, func.count(distinct(q.c.row))).where(q.c.year == year).group_by(q.c.file)
    ).all()
    return {str(f): int(n) for f, n in sorted(rows)}


def read_lines(conn: Connection, run_id: int) -> pd.DataFrame:
    return read_table(conn, AwardLine, where=AwardLine.__table__.c.run_id == run_id, order_by=("line_no",))


__all__ = [
    "TABLES",
    "Changes",
    "YearLocked",
    "load_clean",
    "paid_history",
    "final_run",
    "current_run",
    "save_draft",
    "read_lines",
]
