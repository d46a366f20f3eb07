"""The malformed landing files under tests/data/bad/ (made by make_corpus.py, described in
cases.json): each one gives a clear message naming its file (exit 2, nothing written to the
ledger) or settles with the bad rows quarantined under the expected reason (exit 0); never a
traceback, never an unexpected error. Also a bounded fuzz of the readers and parsers."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from settlement.cli import app

from landing_helpers import write_landing

BAD = Path(__file__).parent / "data" / "bad"
CASES = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
BASE_FILES = {"enterprises", "annual_stats"}


def install(case: dict, root: Path) -> Path:
    write_landing(root)
    folder = root / "2025"
    target = folder / case["install_as"]
    for sibling in folder.glob(Path(case["install_as"]).stem + ".*"):
        sibling.unlink()  # the case replaces the file of that name, whatever its format
    shutil.copyfile(BAD / case["file"], target)
    return root


def settle(root: Path, out: Path, db: str):
    result = CliRunner().invoke(
        app, ["run", "--year", "2025", "--landing", str(root), "--out", str(out), "--db", db]
    )
    text = result.output + (getattr(result, "stderr", "") or "")
    return result, text


def report_of(out: Path) -> Path:
    """The run's validation report: in the year's folder, or in rejected/ when the run failed."""
    good = out / "2025" / "validation_2025.json"
    return good if good.exists() else out / "2025" / "rejected" / "validation_2025.json"


def reasons(out: Path) -> set[tuple[str, str]]:
    report = report_of(out)
    if not report.exists():
        return set()
    return {(q["file"], q["reason"]) for q in json.loads(report.read_text(encoding="utf-8"))["quarantine"]}


def test_the_corpus_has_fifty_cases_or_more_and_each_an_expectation():
    assert len(CASES) >= 50
    assert {c["file"] for c in CASES} == set(EXPECTED)
    assert all((BAD / c["file"]).exists() for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_a_malformed_file_gets_a_clear_message_or_a_quarantine(case, tmp_path):
    root = install(case, tmp_path / "landing")
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    result, text = settle(root, tmp_path / "out", db)
    expected = EXPECTED[case["file"]]
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == expected["exit"], text
    for words in expected.get("says", []):
        assert words in text, text
    if expected["exit"] == 2:
        assert case["install_as"].split(".")[0] in text  # the message names the file
        assert not (tmp_path / "out" / "2025" / "awards.csv").exists()
    for file, reason in expected.get("quarantine", []):
        assert (file, reason) in reasons(tmp_path / "out"), reasons(tmp_path / "out")
    report = report_of(tmp_path / "out")
    summary = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    for file, reason in expected.get("warnings", []):
        assert (file, reason) in {(w["file"], w["reason"]) for w in summary.get("warnings", [])}, summary.get(
            "warnings"
        )
    if "read" in expected:  # the file was read under that name, every row of it
        assert expected["read"] in summary["inputs"]
        assert summary["rows_read"][expected["read"]] == expected.get(
            "rows", summary["rows_read"][expected["read"]]
        )


def test_a_landing_file_that_links_outside_the_landing_folder_is_refused(tmp_path):
    root = write_landing(tmp_path / "landing")
    secret = tmp_path / "secret.csv"
    secret.write_bytes((root / "2025" / "annual_stats.csv").read_bytes())
    (root / "2025" / "annual_stats.csv").unlink()
    os.symlink(secret, root / "2025" / "annual_stats.csv")
    result, text = settle(root, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert result.exit_code == 2 and "着陆目录之外" in text and "annual_stats.csv" in text


def test_names_that_look_like_sql_or_formulas_are_kept_as_text(tmp_path):
    from sqlalchemy import create_engine, text

    for file, name in (
        ("31_enterprises_sql_in_name.csv", "x'); DROP TABLE enterprises; --"),
        ("25_enterprises_formula_name.csv", '=HYPERLINK("http://evil.example","点我")'),
    ):
        case = next(c for c in CASES if c["file"] == file)
        root = install(case, tmp_path / file / "landing")
        db = f"sqlite:///{tmp_path / file / 'l.db'}"
        result, _ = settle(root, tmp_path / file / "out", db)
        assert result.exit_code == 0
        with create_engine(db).connect() as conn:
            names = [r[0] for r in conn.execute(text("select name from enterprises order by uscc"))]
        assert name in names and len(names) == 3


# ---------------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _read_and_parse(path: Path, name: str):
    from settlement.ingest import FILES_BY_NAME
    from settlement.ingest.parse import parse_table
    from settlement.ingest.readers import LandingError, read_table

    try:
        table = parse_table(FILES_BY_NAME[name], read_table(path))
    except LandingError as exc:
        assert str(exc) and path.name in str(exc)  # a message that names the file
        return None
    return table


@FUZZ
@given(
    data=st.binary(max_size=3000),
    name=st.sampled_from(["enterprises", "annual_stats", "applications", "parks"]),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_fuzz_random_bytes_never_crash_the_readers(tmp_path, data, name, suffix):
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    _read_and_parse(path, name)


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "-1",
            "1e308",
            "NaN",
            "inf",
            "1,234.567",
            "６０００",
            "是",
            "maybe",
            "2025-02-30",
            "=1+1",
            "0x10",
            "１２",
            "9" * 40,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=12))
def test_fuzz_random_rows_are_parsed_or_quarantined(tmp_path, rows):
    """Every data row either parses or is listed with a reason; nothing is dropped silently."""
    import csv
    import io

    header = [
        "uscc",
        "year",
        "online_retail",
        "retail_sales",
        "wholesale_sales",
        "operating_revenue",
        "crossborder_exports",
        "limit_above",
    ]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # so that a CR or LF inside a cell is quoted
    writer.writerow(header)
    writer.writerows([[c.replace("\x00", "") for c in r] for r in rows])
    path = tmp_path / "annual_stats.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    table = _read_and_parse(path, "annual_stats")
    if table is None:
        return
    assert len(table.frame) == len(rows)  # every data row is there, parsed (bad cells listed below)
    assert set(table.problems["row"]) <= set(table.frame["_row"])
