"""A run killed (SIGKILL) at any stage, or whose database connection is cut mid-run, leaves no
run visible as done in the ledger and no partial output file; running again completes and gives
the same files, byte for byte, as a run that was never interrupted.

The killing is done by tests/crash_child.py, which wraps ``settlement run`` and kills itself at a
chosen point (between stages, or half-way through a transaction or a file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from settlement.ledger import make_engine
from settlement.ledger.models import AwardLine, SettlementRun

HERE = Path(__file__).parent
YEAR = 2025
VISIBLE = ("draft", "publicity", "final")
ENV = {**os.environ, "SETTLEMENT_DATA_DOCS": "0", "GX_ANALYTICS_ENABLED": "false"}


def _run_args(landing: Path, out: Path, db: str) -> list[str]:
    return ["run", "--year", str(YEAR), "--landing", str(landing), "--out", str(out), "--db", db]


def _settle(landing: Path, out: Path, db: str) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "settlement"
    return subprocess.run(
        [str(binary), *_run_args(landing, out, db)], capture_output=True, text=True, env=ENV, timeout=300
    )


def _crash(point: str, landing: Path, out: Path, db: str, action: str = "kill", wait: bool = True):
    cmd = [sys.executable, str(HERE / "crash_child.py"), point, action, "--", *_run_args(landing, out, db)]
    if not wait:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)


def _files(folder: Path) -> dict[str, bytes]:
    return (
        {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.exists() else {}
    )


def _runs(db: str) -> list[tuple[str, int]]:
    runs = SettlementRun.__table__
    lines = AwardLine.__table__
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            if not conn.dialect.has_table(conn, "settlement_runs"):
                return []
            out = []
            for r in conn.execute(select(runs.c.id, runs.c.status).where(runs.c.year == YEAR)).all():
                n = conn.execute(
                    select(text("count(*)")).select_from(lines).where(lines.c.run_id == r.id)
                ).scalar_one()
                out.append((r.status, int(n)))
            return out
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from settlement.demo import DemoSpec, write

    root = tmp_path_factory.mktemp("crash-landing")
    write(DemoSpec(root, (YEAR, YEAR), enterprises=150, seed=11))
    return root


@pytest.fixture(scope="module")
def uninterrupted(landing, tmp_path_factory) -> dict:
    """The files and ledger of a run that was never interrupted."""
    tmp = tmp_path_factory.mktemp("uninterrupted")
    db = f"sqlite:///{tmp / 'ledger.db'}"
    proc = _settle(landing, tmp / "out", db)
    assert proc.returncode == 0, proc.stderr
    files = _files(tmp / "out" / str(YEAR))
    assert {"awards.csv", f"publicity_{YEAR}.xlsx", "manifest.json", f"validation_{YEAR}.xlsx"} <= set(files)
    return {"files": files, "runs": _runs(db)}


def _check_nothing_half_done(db: str, out: Path, reference: dict) -> None:
    # the ledger shows no run of the year as done, and holds no run with half its lines
    runs = _runs(db)
    assert not [r for r in runs if r[0] in VISIBLE]
    whole = {n for status, n in reference["runs"] if status in VISIBLE}
    assert all(n == 0 or n in whole for _, n in runs), runs
    # every file under its real name is a whole file: the one an uninterrupted run writes
    for name, data in _files(out / str(YEAR)).items():
        if not name.startswith("."):
            assert data == reference["files"][name], f"{name} is not a complete file"


def _check_rerun_matches(landing: Path, out: Path, db: str, reference: dict) -> None:
    proc = _settle(landing, out, db)
    assert proc.returncode == 0, proc.stderr
    files = _files(out / str(YEAR))
    assert files == reference["files"]  # same names (no temporary leftovers), same bytes
    visible = [r for r in _runs(db) if r[0] in VISIBLE]
    assert visible == [r for r in reference["runs"] if r[0] in VISIBLE]  # one draft, same number of lines


POINTS = [
    "mid_load",
    "after_load",
    "after_compute",
    "mid_record",
    "after_record",
    "mid_publicity",
    "before_complete",
]


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_any_point_leaves_nothing_half_done_sqlite(point, landing, uninterrupted, tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    out = tmp_path / "out"
    proc = _crash(point, landing, out, db)
    assert proc.returncode == -9, proc.stderr  # it really died at the point
    _check_nothing_half_done(db, out, uninterrupted)
    _check_rerun_matches(landing, out, db, uninterrupted)


@pytest.mark.postgres
@pytest.mark.parametrize("point", ["mid_load", "mid_record", "before_complete"])
def test_a_run_killed_at_any_point_leaves_nothing_half_done_postgres(
    point, landing, uninterrupted, pg_url, tmp_path
):
    out = tmp_path / "out"
    proc = _crash(point, landing, out, pg_url)
    assert proc.returncode == -9, proc.stderr
    _check_nothing_half_done(pg_url, out, uninterrupted)
    _check_rerun_matches(landing, out, pg_url, uninterrupted)


def test_a_killed_writer_leaves_only_a_hidden_temporary_file_that_the_next_write_removes(tmp_path):
    from settlement.reports.files import write_bytes_atomic

    target = tmp_path / "publicity_2025.xlsx"
    stale = tmp_path / ".publicity_2025.xlsx.abc123.tmp"
    stale.write_bytes(b"half a workbook")
    write_bytes_atomic(target, b"whole")
    assert target.read_bytes() == b"whole" and not stale.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["publicity_2025.xlsx"]


def _break_mid_run(
    point: str, landing: Path, out: Path, url: str, tmp_path: Path, break_it
) -> tuple[int, str, str]:
    """Start a run that pauses at ``point``, call ``break_it()`` (cut the database), let the run
    go on, and return its exit status, stdout and stderr."""
    import time

    signals = tmp_path / "signals"
    signals.mkdir()
    child = _crash(point, landing, out, url, action=f"pause:{signals}", wait=False)
    try:
        for _ in range(1200):
            if (signals / "paused").exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert (signals / "paused").exists(), child.communicate()[1]
        break_it()
        (signals / "resume").touch()
        stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    return child.returncode, stdout, stderr


@pytest.mark.postgres
@pytest.mark.parametrize("point", ["mid_load", "mid_record"])
def test_database_connection_lost_mid_run_fails_cleanly_and_a_retry_succeeds(
    point, landing, uninterrupted, pg_url, tmp_path
):
    """What a PostgreSQL restart looks like to a client: every connection of the run is
    terminated by the server while a transaction is open. The run stops with a message (exit 1,
    no traceback), nothing of the half-written transaction is kept, and running again succeeds."""
    from settlement.ledger.db import make_engine as engine_for

    app = "settlement_fault_test"
    out = tmp_path / "out"

    def cut_connections() -> None:
        admin = engine_for(pg_url)
        with admin.begin() as conn:
            killed = conn.execute(
                text(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name"
                    " = :a"
                ),
                {"a": app},
            ).scalar_one()
        admin.dispose()
        assert killed >= 1

    code, stdout, stderr = _break_mid_run(
        point, landing, out, f"{pg_url}&application_name={app}", tmp_path, cut_connections
    )
    assert code == 1, stderr
    assert "不可用或连接中断" in stderr and "Traceback" not in stderr + stdout
    _check_nothing_half_done(pg_url, out, uninterrupted)
    # and no half year in the ledger: no award line of an unfinished run, nothing loaded half-way
    assert all(n == 0 for status, n in _runs(pg_url) if status not in VISIBLE)
    if point == "mid_load":
        admin = engine_for(pg_url)
        with admin.connect() as conn:
            assert conn.execute(text("select count(*) from annual_stats")).scalar_one() == 0
        admin.dispose()
    _check_rerun_matches(landing, out, pg_url, uninterrupted)


def _restart_postgres() -> str | None:
    """Restart the local PostgreSQL cluster (fast shutdown); None when this machine cannot."""
    import shutil
    import time

    etc = Path("/etc/postgresql")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not etc.is_dir() or not any(etc.iterdir()):
        return "needs root and pg_ctlcluster (a Debian-style local cluster)"
    version = sorted(p.name for p in etc.iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        timeout=60,
    )
    for _ in range(100):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return None
        time.sleep(0.2)
    raise RuntimeError("PostgreSQL did not come back after the restart")


@pytest.mark.postgres
def test_postgresql_restarted_mid_run_fails_cleanly_and_a_retry_succeeds(
    landing, uninterrupted, pg_url, tmp_path
):
    """The real thing: the cluster is restarted while the run holds an open transaction."""
    import shutil

    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster")
    out = tmp_path / "out"
    skipped: list[str] = []

    def restart() -> None:
        reason = _restart_postgres()
        if reason:
            skipped.append(reason)

    code, stdout, stderr = _break_mid_run("mid_record", landing, out, pg_url, tmp_path, restart)
    if skipped:
        pytest.skip(skipped[0])
    assert code == 1, stderr
    assert "不可用或连接中断" in stderr and "Traceback" not in stderr + stdout
    _check_nothing_half_done(pg_url, out, uninterrupted)
    assert all(n == 0 for status, n in _runs(pg_url) if status not in VISIBLE)
    _check_rerun_matches(landing, out, pg_url, uninterrupted)
