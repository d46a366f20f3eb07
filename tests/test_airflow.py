"""Airflow: the DAG files load cleanly, a whole run with dag.test() gives the same awards as
`settlement run`, the ready-flag trigger's payload, and the year a run settles.

Airflow runs in subprocesses with a throwaway AIRFLOW_HOME (SQLite metadata), so nothing here
touches a real Airflow installation."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from settlement.orchestration import year_for_run
from settlement.pipeline import run
from settlement.triggers import READY_FLAG, scan_ready

ROOT = Path(__file__).resolve().parents[1]
DAGS = ROOT / "dags"


def airflow_env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SETTLEMENT"))}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "SETTLEMENT_HOME": str(home),
            "SETTLEMENT_DATA_DOCS": "0",
            "GX_ANALYTICS_ENABLED": "false",
        }
    )
    env.update(extra)
    return env


INTEGRITY = r"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=%r)
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "tags": sorted(dag.tags), "max_active_runs": dag.max_active_runs,
        "retries": {t.task_id: t.retries for t in dag.tasks}, "params": sorted(dag.params.keys()),
    }
print("RESULT=" + json.dumps(out))
"""


def test_dag_integrity(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", INTEGRITY % str(DAGS)],
        capture_output=True,
        text=True,
        env=airflow_env(tmp_path),
        timeout=300,
    )
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT="))
    result = json.loads(line[len("RESULT=") :])
    assert result["errors"] == {}
    dags = result["dags"]
    assert set(dags) == {"ecommerce_settlement", "ecommerce_settlement_finalize", "ecommerce_pull"}
    for dag in dags.values():
        assert "settlement" in dag["tags"] and dag["max_active_runs"] == 1
        assert "year" in dag["params"]
    retries = dags["ecommerce_settlement"]["retries"]
    assert "validate" not in retries  # the folder is read and validated once, by the load task
    assert all(
        r >= 1 for r in retries.values()
    )  # bad input fails at once all the same (AirflowFailException)
    assert dags["ecommerce_pull"]["retries"] == {
        "pull": 3
    }  # transient errors; a refusal fails at once (AirflowFailException)


def test_dags_are_clean_for_airflow_3():
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run(
        [str(ruff), "check", str(DAGS), "--select", "AIR3", "--preview"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def run_settlement_dag(landing: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict, dict]:
    """ecommerce_settlement for 2025 with dag.test() in a throwaway Airflow home: the process,
    each task's state and each task's try number."""
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(
        home,
        SETTLEMENT_LANDING=str(landing),
        SETTLEMENT_OUT=str(tmp_path / "dag_out"),
        SETTLEMENT_DB_URL=f"sqlite:///{tmp_path / 'dag_ledger.db'}",
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "airflow_dag_test_runner.py"),
            "ecommerce_settlement",
            '{"year": 2025}',
            str(DAGS),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )

    def printed(prefix: str) -> dict:
        line = next((line for line in proc.stdout.splitlines() if line.startswith(prefix)), None)
        assert line is not None, proc.stdout[-3000:] + proc.stderr[-3000:]
        return json.loads(line[len(prefix) :])

    return proc, printed("TASK_STATES="), printed("TASK_TRIES=")


@pytest.mark.slow
def test_dag_run_equals_settlement_run(demo_landing, tmp_path):
    proc, states, _ = run_settlement_dag(demo_landing, tmp_path)
    assert "DAGRUN_STATE=success" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sum(1 for t in states if t.startswith("compute[")) == 5  # one mapped task per policy
    assert set(states.values()) == {"success"}
    cli = run(2025, demo_landing, tmp_path / "cli_out", f"sqlite:///{tmp_path / 'cli_ledger.db'}")
    for name in ("awards.csv", "publicity_2025.xlsx", "manifest.json"):
        assert (tmp_path / "dag_out" / "2025" / name).read_bytes() == (cli.out_dir / name).read_bytes(), name


@pytest.mark.slow
def test_bad_input_fails_the_dag_run_at_once(landing_copy, tmp_path):
    (landing_copy / "2025" / "enterprises.csv").unlink()
    proc, states, tries = run_settlement_dag(landing_copy, tmp_path)
    assert "DAGRUN_STATE=failed" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert states["load"] == "failed" and tries["load"] == 1  # no retry: retrying cannot fix the input
    assert "enterprises" in proc.stdout + proc.stderr  # the message names the file


def test_ready_flag_trigger_payload(tmp_path):
    landing, state = tmp_path / "landing", tmp_path / "state"
    folder = landing / "2025"
    folder.mkdir(parents=True)
    (folder / "enterprises.csv").write_text("uscc,name\n", encoding="utf-8")
    (folder / "annual_stats.csv").write_text("uscc,year\n", encoding="utf-8")
    assert scan_ready(landing, state) == []  # no ready flag yet
    (folder / READY_FLAG).write_text("", encoding="utf-8")
    events = scan_ready(landing, state)
    assert len(events) == 1
    payload = events[0]
    assert payload["year"] == 2025 and set(payload["files"]) == {"enterprises.csv", "annual_stats.csv"}
    assert all(len(h) == 64 for h in payload["files"].values())
    assert scan_ready(landing, state) == []  # fired once for these files
    (folder / "annual_stats.csv").write_text("uscc,year\nX,2025\n", encoding="utf-8")
    again = scan_ready(landing, state)
    assert len(again) == 1 and again[0]["fingerprint"] != payload["fingerprint"]
    assert sorted(p.name for p in folder.iterdir()) == [
        READY_FLAG,
        "annual_stats.csv",
        "enterprises.csv",
    ]  # nothing deleted


def test_trigger_yields_the_payload(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    from settlement.triggers import LandingReadyTrigger

    folder = tmp_path / "landing" / "2026"
    folder.mkdir(parents=True)
    (folder / "enterprises.csv").write_text("uscc\n", encoding="utf-8")
    (folder / READY_FLAG).write_text("ok", encoding="utf-8")
    trigger = LandingReadyTrigger(str(tmp_path / "landing"), str(tmp_path / "state"), poll_interval=0.01)
    classpath, kwargs = trigger.serialize()
    assert classpath == "settlement.triggers.LandingReadyTrigger" and kwargs["landing_dir"].endswith(
        "landing"
    )

    async def first():
        async for event in trigger.run():
            return event

    event = asyncio.run(asyncio.wait_for(first(), timeout=10))
    assert event.payload["year"] == 2026 and "enterprises.csv" in event.payload["files"]
    assert (folder / READY_FLAG).exists()


def test_year_for_run():
    assert year_for_run({"year": 2024}, None, datetime(2026, 3, 15)) == 2024
    event = SimpleNamespace(extra={"from_trigger": True, "payload": {"year": 2025}})
    assert year_for_run({"year": None}, {"settlement_landing_ready": [event]}, None) == 2025
    assert year_for_run({}, {}, datetime(2026, 3, 15)) == 2025  # the yearly schedule settles the year before
    with pytest.raises(ValueError):
        year_for_run({}, {}, None)


def test_the_staged_year_equals_the_ledger_read(demo_landing, tmp_path):
    """The DAG's compute and allocate tasks work on the year staged once (Parquet); its frames
    are the ledger read's, column types included, and give the same lines."""
    import pandas as pd

    from settlement.engine.evaluate import evaluate_year
    from settlement.ledger import make_engine, store
    from settlement.policies import load_catalog
    from settlement.stages import STAGED, read_year, stage_year, staged_frames

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    run(2025, demo_landing, tmp_path / "out", db)
    folder = stage_year(2025, tmp_path / "work", db)
    assert folder == str(tmp_path / "work" / STAGED)
    engine = make_engine(db)
    with engine.connect() as conn:
        frames = store.read_frames(conn, 2025)
        from settlement.stages import year_context

        from_ledger = year_context(conn, 2025, load_catalog())
    staged = staged_frames(Path(folder))
    assert set(staged) == set(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(staged[name], frame.reset_index(drop=True), check_dtype=True, obj=name)
    from_stage = read_year(2025, db, Path(folder))
    pd.testing.assert_frame_equal(evaluate_year(from_stage), evaluate_year(from_ledger))
