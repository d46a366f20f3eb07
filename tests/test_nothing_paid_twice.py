"""Nothing is paid twice, and the database itself refuses it (SQLite and PostgreSQL):

- a year has at most one final run (partial unique index ``uq_one_final_run_per_year``);
- a run has at most one line per (payee, policy, clause, subject, park) (``uq_award_line``);
- two ``settlement run`` processes for the same year at once: one settles, the other is refused
  with a clear message, and the ledger holds one draft with no duplicate line.

Finalizing twice and corrections paying only the difference are in tests/test_lifecycle.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from settlement.ledger import make_engine, migrate
from settlement.ledger.models import AwardLine, SettlementRun

RUNS = SettlementRun.__table__
LINES = AwardLine.__table__


def _run(conn, uid: str, status: str, year: int = 2025) -> int:
    now = datetime.now(UTC)
    return int(
        conn.execute(
            insert(RUNS).values(
                run_uid=uid, year=year, kind="final", status=status, started_at=now, finished_at=now
            )
        ).inserted_primary_key[0]
    )


def _line(conn, run_id: int, line_no: int, payee: str = "91330282MA0000001X") -> None:
    conn.execute(
        insert(LINES).values(
            run_id=run_id,
            line_no=line_no,
            uscc=payee,
            payee_uscc=payee,
            subject_uscc=payee,
            park_id="",
            policy_id="cixi-2024-8",
            clause_id="2.1",
            status="paid",
            standard_amount=100,
            capped_amount=100,
            final_amount=100,
            city_share=100,
            district_share=0,
        )
    )


def test_a_second_final_run_for_a_year_is_refused_by_the_database(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as conn:
        _run(conn, "2025-a-final", "final")
        _run(conn, "2025-old", "superseded")  # any number of non-final runs
        _run(conn, "2024-a-final", "final", year=2024)  # another year's final
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _run(conn, "2025-b-final", "final")
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(RUNS).where(RUNS.c.year == 2025, RUNS.c.status == "final")
            ).scalar_one()
            == 1
        )


def test_without_the_index_the_same_insert_goes_through(db_url):
    """The control for the test above: it is the index that refuses, not the code."""
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX uq_one_final_run_per_year"))
        _run(conn, "2025-a-final", "final")
        _run(conn, "2025-b-final", "final")
        assert (
            conn.execute(select(func.count()).select_from(RUNS).where(RUNS.c.status == "final")).scalar_one()
            == 2
        )


def test_a_duplicate_award_line_in_a_run_is_refused_by_the_database(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as conn:
        run_id = _run(conn, "2025-x", "draft")
        _line(conn, run_id, 1)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _line(conn, run_id, 2)  # same payee, policy, clause, subject and park
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LINES)).scalar_one() == 1


def test_two_runs_of_the_same_year_at_once_one_settles_the_other_is_refused(db_url, demo_landing, tmp_path):
    binary = Path(sys.executable).parent / "settlement"
    env = {**os.environ, "SETTLEMENT_DATA_DOCS": "0"}
    procs = [
        subprocess.Popen(
            [
                str(binary),
                "run",
                "--year",
                "2025",
                "--landing",
                str(demo_landing),
                "--out",
                str(tmp_path / f"out{i}"),
                "--db",
                db_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(2)
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0, results
    for code, out, err in results:
        assert "Traceback" not in out + err
        if code:
            assert code == 1 and "另一个结算任务" in err, err
    engine = make_engine(db_url)
    with engine.connect() as conn:
        drafts = conn.execute(select(RUNS.c.id).where(RUNS.c.year == 2025, RUNS.c.status == "draft")).all()
        assert len(drafts) == 1
        keys = conn.execute(
            select(
                LINES.c.payee_uscc,
                LINES.c.policy_id,
                LINES.c.clause_id,
                LINES.c.subject_uscc,
                LINES.c.park_id,
            ).where(LINES.c.run_id == drafts[0].id)
        ).all()
        assert len(keys) == len(set(keys)) > 0
