"""The command line: exit codes and messages for people (no tracebacks)."""

import json
import subprocess
import sys
from pathlib import Path

from landing_helpers import STATS, csv_bytes, drop_column, write_landing

BIN = Path(sys.executable).parent / "settlement"


def _run(*args, cwd=None):
    return subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": "/tmp", "SETTLEMENT_DATA_DOCS": "0"},
    )


def test_missing_column_exits_2_with_a_clear_message(tmp_path):
    data = drop_column(csv_bytes("annual_stats", STATS), "limit_above")
    write_landing(tmp_path / "landing", annual_stats__csv=data)
    proc = _run(
        "run",
        "--year",
        "2025",
        "--landing",
        str(tmp_path / "landing"),
        "--out",
        str(tmp_path / "out"),
        "--db",
        f"sqlite:///{tmp_path}/l.db",
    )
    assert proc.returncode == 2, proc.stderr
    assert "annual_stats.csv" in proc.stderr and "limit_above" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_missing_landing_folder_exits_2(tmp_path):
    proc = _run(
        "run",
        "--year",
        "2025",
        "--landing",
        str(tmp_path / "nowhere"),
        "--out",
        str(tmp_path / "out"),
        "--db",
        f"sqlite:///{tmp_path}/l.db",
    )
    assert proc.returncode == 2
    assert "着陆目录不存在" in proc.stderr


def test_validation_failure_exits_2_and_names_the_report(tmp_path):
    write_landing(tmp_path / "landing", annual_stats__csv=csv_bytes("annual_stats", [STATS[0]]))
    proc = _run(
        "run",
        "--year",
        "2025",
        "--landing",
        str(tmp_path / "landing"),
        "--out",
        str(tmp_path / "out"),
        "--db",
        f"sqlite:///{tmp_path}/l.db",
    )
    assert proc.returncode == 2
    assert str(tmp_path / "out" / "2025" / "rejected" / "validation_2025.xlsx") in proc.stderr
    assert (tmp_path / "out" / "2025" / "rejected" / "validation_2025.json").exists()
    assert json.loads((tmp_path / "out" / "2025" / "rejected" / "rejected.json").read_text(encoding="utf-8"))[
        "message"
    ].startswith("数据校验未通过")
    assert not (
        tmp_path / "out" / "2025" / "validation_2025.json"
    ).exists()  # the year's folder is for good runs


def test_demo_then_run_then_explain(tmp_path):
    landing = tmp_path / "landing"
    assert _run("demo-data", "--out", str(landing), "--enterprises", "60", "--seed", "3").returncode == 0
    db = f"sqlite:///{tmp_path}/l.db"
    proc = _run(
        "run", "--year", "2025", "--landing", str(landing), "--out", str(tmp_path / "out"), "--db", db
    )
    assert proc.returncode == 0, proc.stderr
    assert "慈溪电商新十条" in proc.stdout and "awards.csv" in proc.stdout
    assert proc.stderr == ""  # the validation process ends without a word (no leaked resources)
    again = _run(
        "run", "--year", "2025", "--landing", str(landing), "--out", str(tmp_path / "out"), "--db", db
    )  # reused: the validation process started for nothing is ended
    assert again.returncode == 0 and again.stderr == "", again.stderr
    import pandas as pd

    awards = pd.read_csv(tmp_path / "out" / "2025" / "awards.csv", dtype=str)
    uscc = awards.loc[awards["status"] == "paid", "uscc"].iloc[0]
    proc = _run("explain", "--year", "2025", "--uscc", uscc, "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert "第" in proc.stdout and "条" in proc.stdout and "元" in proc.stdout


def test_publicize_and_finalize_from_the_command_line(tmp_path):
    landing = tmp_path / "landing"
    db = f"sqlite:///{tmp_path}/l.db"
    out = str(tmp_path / "out")
    assert _run("demo-data", "--out", str(landing), "--enterprises", "60", "--seed", "3").returncode == 0
    assert _run("run", "--year", "2025", "--landing", str(landing), "--out", out, "--db", db).returncode == 0
    proc = _run("finalize", "--year", "2025", "--out", out, "--db", db)
    assert proc.returncode == 1 and "尚未公示" in proc.stderr
    proc = _run(
        "publicize",
        "--year",
        "2025",
        "--start",
        "2025-09-28",
        "--working-days",
        "5",
        "--out",
        out,
        "--db",
        db,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2025-10-10" in proc.stdout
    proc = _run("finalize", "--year", "2025", "--out", out, "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "2025" / "disbursement_2025.xlsx").exists()
    proc = _run("finalize", "--year", "2025", "--out", out, "--db", db)
    assert proc.returncode == 1 and "不能重复定稿" in proc.stderr
    proc = _run("publicize", "--year", "2025", "--start", "2025-13-01", "--out", out, "--db", db)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_relative_paths_and_data_docs_like_make_demo(tmp_path):
    """What `make demo` does: relative folders, the Data Docs site built."""
    import os

    env = {
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "200",
        "HOME": "/tmp",
        **{k: v for k, v in os.environ.items() if k == "SETTLEMENT_DB_URL"},
    }
    env.pop("SETTLEMENT_DB_URL", None)
    assert (
        subprocess.run(
            [str(BIN), "demo-data", "--out", "landing", "--enterprises", "60"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
        ).returncode
        == 0
    )
    proc = subprocess.run(
        [str(BIN), "run", "--year", "2025"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "2025" / "data_docs" / "index.html").exists()
    assert (tmp_path / "var" / "settlement.db").exists()
