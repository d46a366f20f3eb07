"""Every input the settlement cannot read exactly stops it or is named: the cases that once
settled with a different amount and exit 0, or bent the year's lifecycle, each on a copy of the
demo year (numbers as in the list of cases: file names 1, headers 2, workbooks 3, budgets 4,
arithmetic 5, accounts 6, duplicates 7, prior awards 8, implausible values 9, publicity 10,
objections 11, years at once 12, failed runs 13, resources 14, messages 15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from settlement.cli import app

YEAR = 2025


def cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result, result.output + (getattr(result, "stderr", "") or "")


def settle(landing: Path, out: Path, db: str):
    result, text = cli("run", "--year", str(YEAR), "--landing", str(landing), "--out", str(out), "--db", db)
    assert "Traceback" not in text and (
        result.exception is None or isinstance(result.exception, SystemExit)
    ), text
    awards = out / str(YEAR) / "awards.csv"
    return (
        result.exit_code,
        text,
        (
            pd.read_csv(awards, dtype=str, keep_default_na=False)
            if result.exit_code == 0 and awards.exists()
            else None
        ),
    )


def paid(awards: pd.DataFrame) -> tuple[int, int]:
    lines = awards[awards["status"] == "paid"]
    return len(lines), int(sum(int(a.replace(".", "")) for a in lines["final_amount"]))


@pytest.fixture(scope="module")
def baseline(demo_landing, tmp_path_factory):
    """The demo year settled as delivered: what every case must reproduce or refuse."""
    tmp = tmp_path_factory.mktemp("baseline")
    code, _, awards = settle(demo_landing, tmp / "out", f"sqlite:///{tmp / 'l.db'}")
    assert code == 0
    return awards


def folder(landing: Path) -> Path:
    return landing / str(YEAR)


def rewrite_csv(path: Path, change, encoding: str = "utf-8") -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    frame = change(frame)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode(encoding))


# ----------------------------------------------------------------------- 1 file names


def test_1_file_names_match_whatever_their_case(landing_copy, tmp_path, baseline):
    (folder(landing_copy) / "applications.xlsx").rename(folder(landing_copy) / "Applications.xlsx")
    (folder(landing_copy) / "prior_awards.csv").rename(folder(landing_copy) / "prior_awards.CSV")
    code, _, awards = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and paid(awards) == paid(baseline)  # before: 222 paid lines became 30
    assert awards.equals(baseline)


@pytest.mark.parametrize("name", ["applications (1).xlsx", "applications.xls", "预算.csv", "企业名录.csv"])
def test_1_a_file_that_is_not_a_landing_file_stops_the_run_naming_it(landing_copy, tmp_path, name):
    source = folder(landing_copy) / ("budgets.csv" if name.endswith(".csv") else "applications.xlsx")
    shutil.copyfile(source, folder(landing_copy) / name)
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 2 and name in text
    assert "另存为" in text if name.endswith(".xls") else "applications.csv（申报/认定事项）" in text
    assert not (tmp_path / "out" / "2025" / "awards.csv").exists()


def test_1_lock_files_flags_objections_and_subfolders_are_not_landing_files(landing_copy, tmp_path, baseline):
    f = folder(landing_copy)
    (f / "~$applications.xlsx").write_bytes(b"\x00" * 162)
    (f / "_READY").write_text("")
    (f / ".DS_Store").write_bytes(b"junk")
    (f / "objections.csv").write_text("uscc,policy_id,clause_id,decision,amount,reason\n", encoding="utf-8")
    (f / "attachments").mkdir()
    shutil.copyfile(f / "budgets.csv", f / "attachments" / "预算.csv")
    code, _, awards = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and awards.equals(baseline)


# -------------------------------------------------------------------------- 2 headers


@pytest.mark.parametrize(
    "wrong, right", [("onlinesales", "online_sales"), ("local_contributon", "local_contribution")]
)
def test_2_a_misspelt_optional_header_stops_the_run_naming_both(landing_copy, tmp_path, wrong, right):
    rewrite_csv(folder(landing_copy) / "annual_stats.csv", lambda f: f.rename(columns={right: wrong}))
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert (
        code == 2 and f"表头“{wrong}”" in text and f"（{right}）" in text
    )  # before: dropped, cixi 27 firms -> 23


def test_2_a_header_in_another_unit_stops_the_run_and_its_own_unit_is_the_column(
    landing_copy, tmp_path, baseline
):
    stats = folder(landing_copy) / "annual_stats.csv"
    original = stats.read_bytes()
    rewrite_csv(stats, lambda f: f.rename(columns={"online_retail": "网络零售额（万元）"}))
    code, text, _ = settle(landing_copy, tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    assert code == 2 and "单位是“万元”" in text
    stats.write_bytes(original)
    rewrite_csv(stats, lambda f: f.rename(columns={"online_retail": "网络零售额(元)"}))
    code, _, awards = settle(landing_copy, tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
    assert code == 0 and awards.equals(baseline)


def test_2_other_extra_columns_are_kept_and_named_as_warnings(landing_copy, tmp_path, baseline):
    rewrite_csv(folder(landing_copy) / "annual_stats.csv", lambda f: f.assign(备注="已核实"))
    code, text, awards = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and awards.equals(baseline)
    assert "警告：annual_stats.csv 第1行（备注）：不是数据约定的列" in text
    report = json.loads((tmp_path / "out" / "2025" / "validation_2025.json").read_text(encoding="utf-8"))
    assert {"file": "annual_stats.csv", "column": "备注", "reason": "extra_column"}.items() <= next(
        w for w in report["warnings"] if w["reason"] == "extra_column"
    ).items()


# -------------------------------------------------------------------------- 3 workbooks


def _applications_with(landing: Path, edit) -> None:
    from openpyxl import load_workbook as load

    path = folder(landing) / "applications.xlsx"
    wb = load(path)
    edit(wb.active)
    wb.save(path)


def test_3_formulas_never_calculated_refuse_the_workbook(landing_copy, tmp_path):
    def formulas(ws):
        column = next(c.column for c in ws[1] if c.value == "审定金额")
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, column).value not in (None, ""):
                ws.cell(row, column).value = f"={ws.cell(row, column).value}*1"

    _applications_with(landing_copy, formulas)
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert (
        code == 2 and "是公式但没有计算结果" in text and "applications.xlsx" in text
    )  # before: 79 amounts read as blank


def test_3_a_stale_dimension_loses_no_row(landing_copy, tmp_path, baseline):
    import re
    import zipfile

    path = folder(landing_copy) / "applications.xlsx"
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet = next(k for k in parts if k.startswith("xl/worksheets/sheet"))
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K20"', parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    code, _, awards = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and awards.equals(baseline)  # before: rows past the dimension lost, -10,505,619.19 元


# -------------------------------------------------------------------------- 4 budgets


@pytest.mark.parametrize("budget", ["500万", "", "五百万"])
def test_4_an_unreadable_budget_of_a_scaled_policy_stops_the_run(landing_copy, tmp_path, budget):
    rewrite_csv(folder(landing_copy) / "budgets.csv", lambda f: f.assign(budget=budget))
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert (
        code == 2 and "budgets.csv 第2行（政策 cixi-2024-8）的预算无法采用" in text
    )  # before: fell back to 1000万


def test_4_a_budget_removed_from_the_folder_is_removed_from_the_ledger(landing_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    rewrite_csv(folder(landing_copy) / "budgets.csv", lambda f: f.assign(budget="5,000,000.00"))
    code, _, first = settle(landing_copy, tmp_path / "a", db)
    assert code == 0 and paid(first[first["policy_id"] == "cixi-2024-8"])[1] == 500000000
    (folder(landing_copy) / "budgets.csv").unlink()
    code, _, second = settle(landing_copy, tmp_path / "b", db)
    fresh_code, _, fresh = settle(landing_copy, tmp_path / "c", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert code == fresh_code == 0 and second.equals(fresh)  # the text's 1000万, as on a fresh ledger


# ----------------------------------------------------------------------- 5 arithmetic


def test_5_sums_past_int64_are_refused_naming_the_rows_never_wrapped(landing_copy, tmp_path):
    def huge(ws):
        header = [c.value for c in ws[1]]
        template = next(
            r
            for r in ws.iter_rows(min_row=2, values_only=True)
            if r[header.index("政策编号")] == "binjiang-2024-14"
        )
        for k in range(
            100
        ):  # one payee's approved amounts of 9.99 × 10^14 元 each (each valid): 10^17 元 in all
            row = list(template)
            row[header.index("申报编号")] = f"HUGE-{k}"
            row[header.index("条款编号")] = "3"  # approved amount, no cap
            row[header.index("审定金额")] = 999999999999999
            row[header.index("审核状态")] = "审核通过"
            ws.append(row)

    _applications_with(landing_copy, huge)
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert (
        code == 2 and "超出可计算的范围" in text and "第3条" in text and "结算已停止" in text
    )  # before: -84,467,440,736,495,517.16
    assert not (tmp_path / "out" / "2025" / "awards.csv").exists()


def test_5_exact_helpers_refuse_what_int64_cannot_hold():
    import numpy as np

    from settlement.engine.exact import AmountOverflow, add_at, add_reduceat, mul_int64

    big = np.array([9 * 10**18, 9 * 10**18, 5], dtype=np.int64)
    with pytest.raises(AmountOverflow, match="甲"):
        add_reduceat(big, np.array([0, 2]), np.array(["甲", "乙"], dtype=object))
    assert list(add_reduceat(np.array([1, 2, 3]), np.array([0, 2]))) == [3, 3]
    with pytest.raises(AmountOverflow, match="园区P"):
        add_at(1, np.array([0, 0]), big[:2], np.array(["园区P"], dtype=object))
    with pytest.raises(AmountOverflow):
        mul_int64(np.array([10**12], dtype=np.int64), 20_000_000, np.array(["申报A"], dtype=object))
    assert list(mul_int64(np.array([3]), 4)) == [12]


# ----------------------------------------------------------------------- 6 accounts


def test_6_a_bank_account_in_a_number_cell_is_quarantined_whatever_its_length(tmp_path):
    from landing_helpers import ENTERPRISES, write_landing, write_xlsx

    root = write_landing(tmp_path / "landing", enterprises__csv=None)
    rows = [
        dict(r, bank_account="622202123456") for r in ENTERPRISES
    ]  # 12 digits: no digit lost, still a number cell
    write_xlsx(root / "2025" / "enterprises.xlsx", "enterprises", rows, numbers=False)
    from openpyxl import load_workbook as load

    wb = load(root / "2025" / "enterprises.xlsx")
    ws = wb.active
    column = next(c.column for c in ws[1] if c.value == "银行账号")
    ws.cell(2, column).value = 622202123456
    wb.save(root / "2025" / "enterprises.xlsx")
    code, _, _ = settle(root, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    report = json.loads((tmp_path / "out" / "2025" / "validation_2025.json").read_text(encoding="utf-8"))
    assert code == 0 and [
        (q["row"], q["reason"]) for q in report["quarantine"] if q["file"] == "enterprises.xlsx"
    ] == [(2, "number_cell")]


# ---------------------------------------------------------------------- 7 duplicates


def test_7_identical_applications_under_two_ids_are_named(landing_copy, tmp_path):
    def duplicate(ws):
        header = [c.value for c in ws[1]]
        row = next(
            r
            for r in ws.iter_rows(min_row=2, values_only=True)
            if r[header.index("审核状态")] in ("审核通过", "approved")
        )
        copy = list(row)
        copy[header.index("申报编号")] = f"{row[header.index('申报编号')]}-副本"
        ws.append(copy)

    _applications_with(landing_copy, duplicate)
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and "与另一申报编号的内容完全相同" in text and "-副本" in text
    wb = load_workbook(tmp_path / "out" / "2025" / "validation_2025.xlsx")
    assert sum(1 for r in wb["警告"].iter_rows(values_only=True) if r[8] == "duplicate_application") == 2


# ---------------------------------------------------------------------- 8 prior awards


def test_8_a_used_ledger_and_a_fresh_one_settle_the_same_folder_identically(landing_copy, tmp_path):
    used = f"sqlite:///{tmp_path / 'used.db'}"
    prior = folder(landing_copy) / "prior_awards.csv"
    original = prior.read_bytes()
    extra = pd.read_csv(prior, dtype=str, keep_default_na=False)
    extra = pd.concat([extra, extra.assign(year="2023", amount="123456.00")], ignore_index=True)
    prior.write_bytes(extra.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    assert settle(landing_copy, tmp_path / "a", used)[0] == 0
    prior.write_bytes(original)  # the corrected file no longer has the 2023 row
    code, _, on_used = settle(landing_copy, tmp_path / "b", used)
    code_fresh, _, on_fresh = settle(landing_copy, tmp_path / "c", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert code == code_fresh == 0 and on_used.equals(on_fresh)  # before: 53 lines differed


# ------------------------------------------------------------- 9 implausible values


def test_9_a_tenfold_drop_a_zero_budget_and_another_years_rows_are_named(landing_copy, tmp_path):
    stats = folder(landing_copy) / "annual_stats.csv"
    frame = pd.read_csv(stats, dtype=str, keep_default_na=False)
    before = set(frame.loc[(frame["year"] == "2024") & (frame["retail_sales"] != ""), "uscc"])
    row = frame.index[(frame["year"] == "2025") & (frame["retail_sales"] != "") & frame["uscc"].isin(before)][
        0
    ]
    for col in ("online_retail", "retail_sales"):
        frame.loc[row, col] = f"{int(float(frame.loc[row, col]) / 10000)}"  # delivered in 万元
    stats.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    rewrite_csv(
        folder(landing_copy) / "budgets.csv",
        lambda f: pd.concat([f.assign(budget="0"), f.assign(year="2024")], ignore_index=True),
    )
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0
    report = json.loads((tmp_path / "out" / "2025" / "validation_2025.json").read_text(encoding="utf-8"))
    found = {(w["file"], w["reason"]) for w in report["warnings"]}
    assert {
        ("annual_stats.csv", "drop"),
        ("budgets.csv", "budget_zero"),
        ("budgets.csv", "other_year"),
    } <= found
    assert "比上年下降到十分之一以下" in text and "预算为0" in text and "年度不是结算年度" in text


# ----------------------------------------------------------------------- 10 publicity


@pytest.fixture
def publicized(landing_copy, tmp_path):
    db, out = f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "out"
    assert settle(landing_copy, out, db)[0] == 0
    result, text = cli("publicize", "--year", "2025", "--start", "2025-09-28", "--out", str(out), "--db", db)
    assert result.exit_code == 0, text
    return landing_copy, out, db


def test_10_publicizing_again_with_another_window_needs_a_reason(publicized):
    landing, out, db = publicized
    result, text = cli("publicize", "--year", "2025", "--start", "2025-09-20", "--out", str(out), "--db", db)
    assert result.exit_code == 1 and "已在公示（2025-09-28至2025-10-10）" in text and "--restart" in text
    result, text = cli(
        "finalize", "--year", "2025", "--out", str(out), "--db", db
    )  # today is past 2025-10-10 anyway
    assert result.exit_code == 0, text  # the window that counts is still the one published
    manifest = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["publicity"] == {"start": "2025-09-28", "deadline": "2025-10-10"}


def test_10_the_same_window_again_is_fine_and_a_restart_is_recorded(publicized):
    landing, out, db = publicized
    assert (
        cli("publicize", "--year", "2025", "--start", "2025-09-28", "--out", str(out), "--db", db)[
            0
        ].exit_code
        == 0
    )
    result, text = cli(
        "publicize",
        "--year",
        "2025",
        "--start",
        "2025-10-08",
        "--restart",
        "--reason",
        "公示网站故障，重新公示",
        "--out",
        str(out),
        "--db",
        db,
    )
    assert result.exit_code == 0, text
    manifest = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert any(
        "重新公示：原公示期2025-09-28至2025-10-10" in n and "公示网站故障" in n for n in manifest["notes"]
    )
    sheet = load_workbook(out / "2025" / "publicity_2025.xlsx")["公示名单"]
    assert any("公示网站故障" in str(c.value) for row in sheet.iter_rows(max_row=6) for c in row)


def test_10_changed_data_during_publicity_does_not_replace_the_list_silently(publicized):
    landing, out, db = publicized
    before = (out / "2025" / "publicity_2025.xlsx").read_bytes()
    rewrite_csv(folder(landing) / "budgets.csv", lambda f: f.assign(budget="9,000,000.00"))
    code, text, _ = settle(landing, out, db)
    assert code == 1 and "正在公示" in text and "--replace-publicized" in text
    assert (
        out / "2025" / "publicity_2025.xlsx"
    ).read_bytes() == before  # the published list stays as published
    result, text = cli(
        "run",
        "--year",
        "2025",
        "--landing",
        str(landing),
        "--out",
        str(out),
        "--db",
        db,
        "--replace-publicized",
        "--reason",
        "财政下达预算调整为900万",
    )
    assert result.exit_code == 0, text
    manifest = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "draft" and any("财政下达预算调整为900万" in n for n in manifest["notes"])


# ---------------------------------------------------------------------- 11 objections


def _objections(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "objections.csv"
    pd.DataFrame(rows, columns=["uscc", "policy_id", "clause_id", "decision", "amount", "reason"]).to_csv(
        path, index=False
    )
    return path


def _finalize(out: Path, db: str, path: Path):
    return cli("finalize", "--year", "2025", "--out", str(out), "--db", db, "--objections", str(path))


def test_11_objections_change_only_paid_lines_never_above_their_amount_once_each(publicized, tmp_path):
    landing, out, db = publicized
    awards = pd.read_csv(out / "2025" / "awards.csv", dtype=str, keep_default_na=False)
    paid_line = awards[awards["status"] == "paid"].iloc[0]
    excluded = awards[awards["status"].isin(["excluded", "superseded"])].iloc[0]
    cases = [
        (
            [
                {
                    "uscc": paid_line.uscc,
                    "policy_id": paid_line.policy_id,
                    "clause_id": paid_line.clause_id,
                    "decision": "adjust",
                    "amount": "99999999999.00",
                    "reason": "x",
                }
            ],
            "超过该笔按条款核定的金额",
        ),  # before: a line adjusted to 10^11 元 was paid
        (
            [
                {
                    "uscc": excluded.uscc,
                    "policy_id": excluded.policy_id,
                    "clause_id": excluded.clause_id,
                    "decision": "adjust",
                    "amount": "100",
                    "reason": "x",
                }
            ],
            "没有兑现：只能对兑现的奖励取消或调整",
        ),  # before: an excluded line got paid
        (
            [
                {
                    "uscc": paid_line.uscc,
                    "policy_id": paid_line.policy_id,
                    "clause_id": paid_line.clause_id,
                    "decision": "remove",
                    "amount": "",
                    "reason": "a",
                },
                {
                    "uscc": paid_line.uscc,
                    "policy_id": paid_line.policy_id,
                    "clause_id": paid_line.clause_id,
                    "decision": "uphold",
                    "amount": "",
                    "reason": "b",
                },
            ],
            "第3行",
        ),  # before: a crash (operands could not be broadcast)
    ]
    for rows, words in cases:
        result, text = _finalize(out, db, _objections(tmp_path, rows))
        assert result.exit_code == 2 and words in text and "本次不定稿" in text, text
    upheld = [
        {
            "uscc": excluded.uscc,
            "policy_id": excluded.policy_id,
            "clause_id": excluded.clause_id,
            "decision": "uphold",
            "amount": "",
            "reason": "维持",
        }
    ]
    result, text = _finalize(out, db, _objections(tmp_path, upheld))
    assert result.exit_code == 0, text  # upholding an excluded line keeps it excluded


def test_11_an_adjustment_never_takes_a_policy_past_its_budget(publicized, tmp_path):
    landing, out, db = publicized
    awards = pd.read_csv(out / "2025" / "awards.csv", dtype=str, keep_default_na=False)
    scaled = awards[
        (awards["policy_id"] == "cixi-2024-8")
        & (awards["status"] == "paid")
        & (awards["scale_factor"] != "1")
    ].iloc[0]
    rows = [
        {
            "uscc": scaled.uscc,
            "policy_id": scaled.policy_id,
            "clause_id": scaled.clause_id,
            "decision": "adjust",
            "amount": scaled.capped_amount,
            "reason": "按核定金额全额兑现",
        }
    ]  # the policy is at its budget: more is past it
    result, text = _finalize(out, db, _objections(tmp_path, rows))
    assert result.exit_code == 2 and "超过该政策的预算" in text, text


# ------------------------------------------------------------------ 12 years at once


@pytest.mark.parametrize("ledger", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_12_two_years_settled_at_once_on_a_fresh_ledger_both_settle(ledger, demo_landing, tmp_path, request):
    import subprocess
    import sys

    binary = Path(sys.executable).parent / "settlement"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "SETTLEMENT_DATA_DOCS": "0",
        "GX_ANALYTICS_ENABLED": "false",
    }
    for attempt in range(
        2 if ledger == "sqlite" else 1
    ):  # the collision is a race: give it two chances on the quick ledger
        db = (
            f"sqlite:///{tmp_path / f'fresh{attempt}.db'}"
            if ledger == "sqlite"
            else request.getfixturevalue("pg_url")
        )
        procs = [
            subprocess.Popen(
                [
                    str(binary),
                    "run",
                    "--year",
                    str(y),
                    "--landing",
                    str(demo_landing),
                    "--out",
                    str(tmp_path / f"out{attempt}"),
                    "--db",
                    db,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for y in (2024, 2025)
        ]
        outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in outcomes), (
            outcomes
        )  # before: table alembic_version already exists / UniqueViolation


# ------------------------------------------------------------------ 13 failed runs


def test_13_a_failed_rerun_leaves_the_last_good_files_untouched(landing_copy, tmp_path):
    db, out = f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "out"
    assert settle(landing_copy, out, db)[0] == 0
    good = {p.name: p.read_bytes() for p in (out / "2025").iterdir() if p.is_file()}
    rewrite_csv(folder(landing_copy) / "budgets.csv", lambda f: f.assign(budget="500万"))
    code, text, _ = settle(landing_copy, out, db)
    assert code == 2 and str(out / "2025" / "rejected" / "validation_2025.xlsx") in text
    assert {
        p.name: p.read_bytes() for p in (out / "2025").iterdir() if p.is_file()
    } == good  # lists, report and manifest of the good run
    rejected = json.loads((out / "2025" / "rejected" / "rejected.json").read_text(encoding="utf-8"))
    assert (
        "预算无法采用" in rejected["message"]
        and (out / "2025" / "rejected" / "validation_2025.json").exists()
    )


# --------------------------------------------------------------------- 14 resources


def test_14_a_five_million_character_name_is_quarantined_and_no_cell_passes_excels_limit(tmp_path):
    from landing_helpers import ENTERPRISES, csv_bytes, write_landing

    rows = [dict(r) for r in ENTERPRISES]
    rows[1]["name"] = "大" * 5_000_000
    root = write_landing(tmp_path / "landing", enterprises__csv=csv_bytes("enterprises", rows))
    code, _, _ = settle(root, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    report = json.loads((tmp_path / "out" / "2025" / "validation_2025.json").read_text(encoding="utf-8"))
    assert code == 0 and ("enterprises.csv", 3, "too_long") in {
        (q["file"], q["row"], q["reason"]) for q in report["quarantine"]
    }
    for book in (tmp_path / "out" / "2025").glob("*.xlsx"):
        wb = load_workbook(book, read_only=True)
        assert all(
            len(str(v)) <= 32_767
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        ), book.name


def test_14_a_junk_file_is_refused_before_it_fills_memory(tmp_path):
    from settlement.ingest.readers import MAX_ROWS

    from landing_helpers import write_landing

    header = (
        "uscc,year,online_retail,retail_sales,wholesale_sales,operating_revenue,crossborder_exports,"
        "limit_above\n"
    )
    junk = header + "x,2025,1,1,1,1,1,maybe\n" * 300
    root = write_landing(tmp_path / "landing", annual_stats__csv=junk.encode())
    code, text, _ = settle(root, tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    assert code == 2 and "300行中有300行（100%）读不出有效数据" in text
    big = tmp_path / "landing" / "2025" / "annual_stats.csv"
    with open(big, "w", encoding="utf-8") as fh:  # more rows than any landing file may have: refused unread
        fh.write(header)
        fh.write("\n" * (MAX_ROWS + 10))
    code, text, _ = settle(root, tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
    assert code == 2 and "超过每个文件1,200,000行的上限" in text


# ---------------------------------------------------------------------- 15 messages


def test_15_os_faults_are_told_in_words_naming_the_path(tmp_path, demo_landing):
    (tmp_path / "out").write_text("a file where the output folder should be")
    code, text, _ = settle(demo_landing, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 1 and str(tmp_path / "out") in text and "Error" not in text and "不是目录" in text
    db_folder = tmp_path / "ledger-is-a-folder.db"
    db_folder.mkdir()
    code, text, _ = settle(demo_landing, tmp_path / "out2", f"sqlite:///{db_folder}")
    assert code == 1 and "台账数据库" in text and str(db_folder) in text and "Traceback" not in text


def test_15_disk_full_is_told_in_words(monkeypatch, tmp_path, demo_landing):
    import errno

    from settlement.reports import files

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(files, "write_bytes_atomic", full)
    monkeypatch.setattr("settlement.reports.xlsx_save.write_bytes_atomic", full)
    code, text, _ = settle(demo_landing, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 1 and "磁盘空间不足" in text and "Errno" not in text


def test_15_explain_normalizes_the_code_and_never_creates_a_ledger(landing_copy, tmp_path, baseline):
    db, out = f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "out"
    assert settle(landing_copy, out, db)[0] == 0
    code = baseline.loc[baseline["status"] == "paid", "uscc"].iloc[0]
    result, text = cli("explain", "--year", "2025", "--uscc", f" {code.lower()} ", "--db", db)
    assert result.exit_code == 0 and "没有奖励记录" not in text and code in text
    elsewhere = tmp_path / "elsewhere" / "settlement.db"
    result, text = cli("explain", "--year", "2025", "--uscc", code, "--db", f"sqlite:///{elsewhere}")
    assert result.exit_code == 1 and "台账数据库不存在" in text and str(elsewhere) in text
    assert not elsewhere.exists() and not elsewhere.parent.exists()


def test_15_the_summary_never_cuts_a_figure_when_not_on_a_terminal(landing_copy, tmp_path):
    code, text, _ = settle(landing_copy, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    assert code == 0 and "…" not in text.split("台账变更")[0]
    totals = pd.read_csv(tmp_path / "out" / "2025" / "awards.csv", dtype=str)
    paid_total = sum(int(a.replace(".", "")) for a in totals.loc[totals["status"] == "paid", "final_amount"])
    assert f"{paid_total // 100:,}.{paid_total % 100:02d}" in text
