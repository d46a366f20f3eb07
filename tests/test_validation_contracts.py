"""Data contracts: each kind of error gets its exact quarantine reason, the exit status is
right, the other rows still settle; the USCC expectation; the Data Docs site."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from settlement.ingest import read_landing
from settlement.pipeline import run
from settlement.validation import validate_landing
from settlement.validation.contracts import run_contracts
from settlement.validation.contracts_readme import contracts_readme

from landing_helpers import ENTERPRISES, STATS, A, B, C, csv_bytes, write_landing

BIN = Path(sys.executable).parent / "settlement"


def _reasons(result):
    return set(
        zip(
            result.problems["file"],
            result.problems["row"],
            result.problems["column"],
            result.problems["reason"],
            strict=True,
        )
    )


def _app(app_id, uscc, clause="9.1", **kw):
    row = {
        "application_id": app_id,
        "uscc": uscc,
        "year": "2025",
        "policy_id": "cixi-2024-8",
        "clause_id": clause,
        "base_amount": "300000",
        "approved_amount": "",
        "quantity": "",
        "level": "",
        "status": "approved",
    }
    row.update(kw)
    return row


BAD_CASES = [
    # (file, rows, expected (row, column, reason))
    (
        "enterprises",
        ENTERPRISES[:2]
        + [
            dict(
                ENTERPRISES[2],
                uscc=ENTERPRISES[2]["uscc"][:-1] + ("X" if ENTERPRISES[2]["uscc"][-1] != "X" else "Y"),
            )
        ],
        (4, "uscc", "bad_uscc"),
    ),
    ("enterprises", ENTERPRISES + [dict(ENTERPRISES[0], name="重复")], (2, "uscc", "duplicate_key")),
    (
        "enterprises",
        ENTERPRISES[:2] + [dict(ENTERPRISES[2], region_code="33010")],
        (4, "region_code", "bad_region"),
    ),
    (
        "enterprises",
        ENTERPRISES[:2] + [dict(ENTERPRISES[2], registered_on="2999-01-01")],
        (4, "registered_on", "future_date"),
    ),
    (
        "enterprises",
        ENTERPRISES[:2] + [dict(ENTERPRISES[2], bank_account="6.22202E+18")],
        (4, "bank_account", "scientific"),
    ),
    (
        "annual_stats",
        STATS[:3] + [dict(STATS[3], online_retail="101")],
        (5, "online_retail", "online_gt_retail"),
    ),
    ("annual_stats", STATS[:3] + [dict(STATS[3], year="2026")], (5, "year", "future_year")),
    ("annual_stats", STATS[:3] + [dict(STATS[3], retail_sales="-100")], (5, "retail_sales", "negative")),
    (
        "annual_stats",
        STATS[:3] + [dict(STATS[3], retail_sales="1,000,000,000,000,000")],
        (5, "retail_sales", "absurd"),
    ),
    (
        "annual_stats",
        STATS[:3] + [dict(STATS[3], retail_sales="12.345")],
        (5, "retail_sales", "too_many_decimals"),
    ),
    ("annual_stats", STATS[:3] + [dict(STATS[3], retail_sales="NaN")], (5, "retail_sales", "not_finite")),
    ("annual_stats", STATS[:3] + [dict(STATS[3], retail_sales="一百")], (5, "retail_sales", "bad_number")),
    ("annual_stats", STATS[:3] + [dict(STATS[3], limit_above="maybe")], (5, "limit_above", "bad_bool")),
    ("annual_stats", STATS + [dict(STATS[3], uscc="91330108MA00000099")], (6, "uscc", "bad_uscc")),
    ("applications", [_app("X1", A), _app("X1", A)], (3, "application_id", "duplicate_key")),
    ("applications", [_app("X1", A), _app("X2", A, policy_id="nowhere")], (3, "policy_id", "unknown_policy")),
    ("applications", [_app("X1", A), _app("X2", A, clause="99")], (3, "clause_id", "unknown_clause")),
    ("applications", [_app("X1", A), _app("X2", A, status="ok")], (3, "status", "bad_enum")),
    ("applications", [_app("X1", A), _app("X2", A, months="13")], (3, "months", "bad_months")),
    ("applications", [_app("X1", A), _app("X2", A, year="2024/1/1")], (3, "year", "bad_int")),
]


@pytest.mark.parametrize(
    ("file", "rows", "expected"), BAD_CASES, ids=[c[2][2] + ":" + c[0] for c in BAD_CASES]
)
def test_each_kind_of_error_is_quarantined_with_its_reason(tmp_path, catalog, file, rows, expected):
    write_landing(tmp_path, **{f"{file}__csv": csv_bytes(file, rows)})
    result = validate_landing(read_landing(tmp_path, 2025), catalog)
    assert (f"{file}.csv", *expected) in _reasons(result)
    assert result.ok  # a bad row never blocks the run


def test_bad_rows_are_quarantined_and_the_rest_settles(tmp_path):
    landing = tmp_path / "landing"
    apps = [_app("OK1", A), _app("BAD1", B, clause="99"), _app("BAD2", A, base_amount="-5")]
    stats = STATS[:3] + [dict(STATS[3], online_retail="101")]
    write_landing(
        landing,
        annual_stats__csv=csv_bytes("annual_stats", stats),
        applications__csv=csv_bytes("applications", apps),
    )
    proc = subprocess.run(
        [
            str(BIN),
            "run",
            "--year",
            "2025",
            "--landing",
            str(landing),
            "--out",
            str(tmp_path / "out"),
            "--db",
            f"sqlite:///{tmp_path}/l.db",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "out" / "2025" / "validation_2025.json").read_text(encoding="utf-8"))
    got = {(q["file"], q["row"], q["reason"]) for q in report["quarantine"]}
    assert got == {
        ("annual_stats.csv", 5, "online_gt_retail"),
        ("applications.csv", 3, "unknown_clause"),
        ("applications.csv", 4, "negative"),
    }
    awards = pd.read_csv(tmp_path / "out" / "2025" / "awards.csv", dtype=str)
    assert list(awards.loc[awards["clause_id"] == "9.1", "final_amount"]) == [
        "30000.00"
    ]  # the good application still pays
    manifest = json.loads((tmp_path / "out" / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["quarantined_rows"]["annual_stats.csv"] == 1
        and manifest["quarantined_rows"]["applications.csv"] == 2
    )


def test_blocking_problems_exit_2_and_write_nothing_to_the_ledger(tmp_path):
    landing = tmp_path / "landing"
    write_landing(
        landing, annual_stats__csv=csv_bytes("annual_stats", [dict(s, year="2024") for s in STATS[:1]])
    )
    db = tmp_path / "l.db"
    proc = subprocess.run(
        [
            str(BIN),
            "run",
            "--year",
            "2025",
            "--landing",
            str(landing),
            "--out",
            str(tmp_path / "out"),
            "--db",
            f"sqlite:///{db}",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "validation_2025.xlsx" in proc.stderr and "没有结算年度 2025 年的数据" in proc.stderr
    if db.exists():  # the schema may exist; no row of this run does
        from sqlalchemy import create_engine, text

        with create_engine(f"sqlite:///{db}").connect() as conn:
            for table in ("enterprises", "annual_stats", "quarantine", "settlement_runs", "award_lines"):
                assert conn.execute(text(f"select count(*) from {table}")).scalar_one() == 0, table


def test_fx_rate_is_required_when_a_usd_clause_has_applications(tmp_path, catalog):
    apps = [_app("U1", A, clause="4.2", base_amount="", quantity="1")]
    write_landing(tmp_path, applications__csv=csv_bytes("applications", apps))
    result = validate_landing(read_landing(tmp_path, 2025), catalog)
    assert not result.ok and "美元汇率" in result.blocking[0] and "cixi-2024-8 第4.2条" in result.blocking[0]
    fx = b"year,usd_cny,source\r\n2025,7.18,test\r\n"
    write_landing(tmp_path, applications__csv=csv_bytes("applications", apps), fx_rates__csv=fx)
    assert validate_landing(read_landing(tmp_path, 2025), catalog).ok


def test_growth_mismatch_and_jump_are_warnings(tmp_path, catalog):
    stats = [
        dict(STATS[0]),
        dict(STATS[1], online_retail_growth="0.60"),  # computed: 60,000,000.50 / 40,000,000 - 1 = 50%
        _jump := dict(STATS[2]),
        STATS[3],
    ]
    _ = _jump
    stats.append({**STATS[2], "year": "2024", "online_retail": "100", "retail_sales": "100"})
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", stats))
    result = validate_landing(read_landing(tmp_path, 2025), catalog)
    warnings = set(zip(result.warnings["row"], result.warnings["reason"], strict=True))
    assert (3, "growth_mismatch") in warnings
    assert (4, "jump") in warnings
    assert len(result.clean["annual_stats"]) == 5  # warnings do not exclude


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91350100M000100Y43", True),  # the standard's worked example
        ("N1330282MA00000010", None),
        ("Y1330282MA00000010", None),  # authority N / Y with the right check character (made below)
        ("91350100M000100Y44", False),  # wrong check character
        ("91350100m000100Y43", False),  # lower case
        ("91350100M000100I43", False),  # excluded letter I
        ("9135010OM000100Y43", False),  # excluded letter O
        ("91350100M000100Y4", False),  # too short
        ("91350100M000100Y433", False),  # too long
    ],
)
def test_uscc_expectation(code, ok):
    from settlement.uscc import make_uscc

    if ok is None:
        code = make_uscc(code[0], "1", "330282", "MA0000001")
        ok = True
    frame = pd.DataFrame({"uscc": [code], "_row": [2], "_extra": [""]})
    result = run_contracts(
        {
            "prior_awards": frame.assign(
                year=2024, policy_id="cixi-2024-8", clause_id="2.1", amount=1, subject_uscc=""
            )
        },
        {"prior_awards": "prior_awards.csv"},
        2025,
        ["cixi-2024-8"],
    )
    check = next(c for c in result.checks if c["check"] == "expect_column_values_to_be_valid_uscc")
    assert (check["failed"] == 0) is ok


def test_data_docs_list_every_suite(landing_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SETTLEMENT_DATA_DOCS", "1")
    run(2025, landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    index = tmp_path / "out" / "2025" / "data_docs" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "<html" in html.lower()
    for suite in (
        "enterprises",
        "annual_stats",
        "applications",
        "parks",
        "fx_rates",
        "budgets",
        "prior_awards",
    ):
        assert suite in html, suite


def test_contract_readme_is_current():
    path = Path(__file__).parents[1] / "data_contracts" / "README.md"
    assert path.read_text(encoding="utf-8") == contracts_readme(), (
        "refresh with: python -m settlement.validation.contracts_readme > data_contracts/README.md"
    )


def test_validation_workbook_has_its_sheets(landing_copy, tmp_path):
    from openpyxl import load_workbook

    run(2025, landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    wb = load_workbook(tmp_path / "out" / "2025" / "validation_2025.xlsx")
    assert wb.sheetnames == ["概况", "检查汇总", "隔离行", "警告", "勾稽核对", "逐笔追溯"]
    rows = list(wb["隔离行"].iter_rows(values_only=True))
    assert rows[2] == ("序号", "文件", "行号", "统一社会信用代码", "企业名称", "列", "值", "原因", "原因代码")
    assert {r[8] for r in rows[3:]} == {"online_gt_retail", "unknown_clause"}
    assert all(r[3] and r[4] for r in rows[3:])  # the enterprise's code and name
    _ = C


@pytest.mark.parametrize(
    "amounts, failing_rows",
    [  # file rows 3-6 (row 2 is blank); the bound is 0 <= amount <= 99,999,999,999,999,999 fen
        ([-1, 5, 2**53 - 1, 0], [3]),  # all exact in float64: compared as float64
        ([2**53 - 1, -(2**53) + 1, 0, 1], [4]),  # the largest magnitudes exact in float64
        ([2**53 + 1, -1, 10**16, 99_999_999_999_999_999], [4]),  # beyond 2**53: as integers
        ([-(2**53) - 1, 1, 2, 3], [3]),
    ],
)
def test_amount_bounds_are_the_same_with_blanks(amounts, failing_rows):
    """A blank in an amount column does not change which amounts are out of range: the column
    then goes to Great Expectations as float64 only while every value is exact in it."""

    def failing(values):
        frame = pd.DataFrame(
            {
                "uscc": [A] * len(values),
                "year": range(2020, 2020 + len(values)),
                "policy_id": "cixi-2024-8",
                "clause_id": "2.1",
                "subject_uscc": "",
                "amount": pd.array(values, dtype="Int64"),
                "_row": range(2, 2 + len(values)),
                "_extra": "",
            }
        )
        result = run_contracts(
            {"prior_awards": frame}, {"prior_awards": "prior_awards.csv"}, 2025, ["cixi-2024-8"]
        )
        return sorted(result.problems.loc[result.problems["column"] == "amount", "row"])

    assert failing([None, *amounts]) == failing_rows
    assert failing([0, *amounts]) == failing_rows  # no blank: int64


def _demo_frames(landing):
    return (
        {name: t.frame for name, t in landing.tables.items()},
        {name: t.file_name for name, t in landing.tables.items()},
    )


def _same_contract_results(a, b):
    pd.testing.assert_frame_equal(a.problems, b.problems)
    pd.testing.assert_frame_equal(a.warnings, b.warnings)
    assert a.checks == b.checks


def test_contracts_in_a_process_of_their_own_give_the_same_result(landing_copy, catalog, tmp_path):
    """``settlement run`` validates in the process it started as it began (background.py)."""
    from settlement.validation import background

    frames, names = _demo_frames(read_landing(landing_copy, 2025))
    policies = [p.id for p in catalog.policies]
    here = run_contracts(frames, names, 2025, policies)
    background.start()
    process = background._STARTED["process"]
    there = background.start_contracts(frames, names, 2025, policies, docs_dir=tmp_path / "docs")()
    assert not background._STARTED  # taken: the next validation is in process again
    process.join(timeout=30)
    assert process.exitcode == 0  # it answered and ended by itself
    _same_contract_results(here, there)
    assert len(here.problems)  # the demo's planted errors are there
    assert (tmp_path / "docs" / "index.html").is_file()  # the Data Docs written by that process


def test_a_validation_process_gone_is_replaced_by_validating_here(landing_copy, catalog):
    from settlement.validation import background

    frames, names = _demo_frames(read_landing(landing_copy, 2025))
    policies = [p.id for p in catalog.policies]
    background.start()
    background._STARTED["process"].kill()  # out of memory, say
    background._STARTED["process"].join()
    there = background.start_contracts(frames, names, 2025, policies)()
    _same_contract_results(run_contracts(frames, names, 2025, policies), there)


def test_an_unused_validation_process_is_ended():
    from settlement.validation import background

    background.start()
    process = background._STARTED["process"]
    background.stop()
    assert not background._STARTED and not process.is_alive()
    background.stop()  # nothing started: nothing to do


def _posting(monkeypatch):
    """What this process sends to the validating process: (kind, file name) per message."""
    from settlement.validation import background

    sent, post = [], background._post

    def recording(message):
        sent.append((message[0], message[1] if message[0] == "frame" else None))
        return post(message)

    monkeypatch.setattr(background, "_post", recording)
    return sent


def test_each_file_is_validated_there_as_it_is_read_and_sent_once(landing_copy, catalog, monkeypatch):
    """``settlement run`` sends each file's frame as soon as it has read it; asked for the result,
    it sends nothing again, and the result is the one validating here gives."""
    from settlement.validation import background

    sent = _posting(monkeypatch)
    policies = [p.id for p in catalog.policies]
    background.start()
    background.begin(2025, policies)
    frames, names = _demo_frames(read_landing(landing_copy, 2025, on_table=background.offer))
    there = background.start_contracts(frames, names, 2025, policies)()
    with_suites = list(run_contracts.__globals__["suite_frames"](frames))
    assert sent == [("begin", None), *[("frame", n) for n in with_suites], ("end", None)]
    _same_contract_results(run_contracts(frames, names, 2025, policies), there)


def test_a_frame_changed_after_it_was_offered_is_validated_as_it_is_now(landing_copy, catalog):
    from settlement.validation import background

    policies = [p.id for p in catalog.policies]
    background.start()
    process = background._STARTED["process"]
    background.begin(2025, policies)
    frames, names = _demo_frames(read_landing(landing_copy, 2025, on_table=background.offer))
    stats = frames["annual_stats"].copy()
    stats.loc[stats.index[0], "uscc"] = "NOT-A-CODE"
    frames["annual_stats"] = stats
    there = background.start_contracts(frames, names, 2025, policies)()
    assert not background._STARTED and not process.is_alive()  # ended; the suites ran here
    here = run_contracts(frames, names, 2025, policies)
    _same_contract_results(here, there)
    assert "NOT-A-CODE" in set(here.problems["value"])


def test_a_process_begun_for_another_day_is_ended_and_the_suites_run_here(landing_copy, catalog):
    from datetime import date

    from settlement.validation import background

    policies = [p.id for p in catalog.policies]
    background.start()
    process = background._STARTED["process"]
    background.begin(2025, policies, today=date(2025, 12, 31))
    frames, names = _demo_frames(read_landing(landing_copy, 2025, on_table=background.offer))
    there = background.start_contracts(frames, names, 2025, policies, today=date(2026, 1, 2))()
    assert not background._STARTED and not process.is_alive()
    _same_contract_results(run_contracts(frames, names, 2025, policies, today=date(2026, 1, 2)), there)
