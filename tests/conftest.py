"""Shared fixtures: a small demo landing, and a ledger on SQLite and on PostgreSQL.

Each PostgreSQL test gets a schema of its own in database ``test`` (dropped afterwards). When
no server answers on 127.0.0.1:5432 those tests are skipped with the reason (shown by -ra).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("SETTLEMENT_DATA_DOCS", "0")  # the Data Docs test turns it on for itself
PG_BASE = os.environ.get("SETTLEMENT_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
_pg_reason: list[str | None] = []


def pg_unavailable_reason() -> str | None:
    if _pg_reason:
        return _pg_reason[0]
    from sqlalchemy import create_engine, text

    reason = None
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: skip, and say why
        reason = (
            f"PostgreSQL not reachable at {PG_BASE.split('@')[-1]}: {type(exc).__name__}:"
            f" {str(exc).splitlines()[0][:160]}"
        )
    _pg_reason.append(reason)
    return reason


@pytest.fixture
def pg_url():
    reason = pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        PG_BASE, pool_pre_ping=True
    )  # survives a server restart (tests/test_crash_safety.py)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty ledger URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory) -> Path:
    """Demo landing folders 2022-2025, 150 enterprises (made once per test session)."""
    from settlement.demo import DemoSpec, write

    root = tmp_path_factory.mktemp("landing")
    write(DemoSpec(root, (2022, 2025), enterprises=150, seed=7))
    return root


@pytest.fixture
def landing_copy(demo_landing, tmp_path) -> Path:
    """A private copy of the demo landing that a test may change."""
    import shutil

    target = tmp_path / "landing"
    shutil.copytree(demo_landing, target)
    return target


@pytest.fixture(scope="session")
def catalog():
    from settlement.policies import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def final_year(demo_landing, tmp_path_factory):
    """The demo landing settled to final (publicity list, disbursement list, validation report),
    with an enterprise whose name is a formula and a quarantined stats cell that is one.
    Returns (run result, output folder, the formula-named enterprise's USCC)."""
    import shutil
    from datetime import date

    import pandas as pd

    from settlement.lifecycle import finalize, publicize
    from settlement.pipeline import run

    root = tmp_path_factory.mktemp("final-year")
    landing = root / "landing"
    shutil.copytree(demo_landing, landing)
    path = landing / "2025" / "enterprises.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    frame.iloc[0, 1] = '=HYPERLINK("http://x","点我")'
    path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    stats_path = landing / "2025" / "annual_stats.csv"
    stats = pd.read_csv(stats_path, dtype=str, keep_default_na=False)
    stats.loc[stats.index[-1], "wholesale_sales"] = "=1+1"  # quarantined, and shown in the validation report
    stats_path.write_bytes(stats.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    db = f"sqlite:///{root / 'l.db'}"
    out = root / "out"
    result = run(2025, landing, out, db)
    publicize(2025, date(2025, 9, 28), 5, db, out)
    finalize(2025, None, db, out, today=date(2025, 11, 1))
    return result, out / "2025", frame.iloc[0, 0]
