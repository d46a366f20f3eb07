"""draft → publicity → final (objections, change list, disbursement) → correction; only final
runs count as paid in later years (SQLite and PostgreSQL)."""

import csv
import shutil
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from settlement.errors import InputError, RunRefused
from settlement.lifecycle import correct, finalize, publicize
from settlement.pipeline import run

from landing_helpers import A, B, C, csv_bytes, write_landing


def _stats(uscc, year, **kw):
    row = {
        "uscc": uscc,
        "year": str(year),
        "online_retail": "1000000",
        "retail_sales": "2000000",
        "wholesale_sales": "0",
        "operating_revenue": "3000000",
        "crossborder_exports": "0",
        "limit_above": "0",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _app(app_id, uscc, year, policy, clause, **kw):
    row = {
        "application_id": app_id,
        "uscc": uscc,
        "year": str(year),
        "policy_id": policy,
        "clause_id": clause,
        "base_amount": "",
        "approved_amount": "",
        "quantity": "1",
        "level": "",
        "status": "approved",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def multi_year_landing(root):
    """A (cixi) grows from 0.6亿 to 2.1亿 online sales; C (binjiang) builds a brand pavilion both years."""
    stats = [
        _stats(A, 2024, online_retail="60,000,000", retail_sales="80,000,000", limit_above=1),
        _stats(A, 2025, online_retail="210,000,000", retail_sales="250,000,000", limit_above=1),
        _stats(B, 2024),
        _stats(B, 2025),
        _stats(C, 2024),
        _stats(C, 2025),
    ]
    apps = {
        2024: [
            _app("A24-1", A, 2024, "cixi-2024-8", "4.1"),
            _app("A24-2", A, 2024, "cixi-2024-8", "2.1"),
            _app("C24-1", C, 2024, "binjiang-2024-14", "13.2", base_amount="6,000,000"),
        ],
        2025: [
            _app("A25-1", A, 2025, "cixi-2024-8", "4.1"),
            _app("A25-2", A, 2025, "cixi-2024-8", "2.1"),
            _app("B25-1", B, 2025, "cixi-2024-8", "4.3"),
            _app("C25-1", C, 2025, "binjiang-2024-14", "13.2", base_amount="6,000,000"),
        ],
    }
    prior = [
        {
            "uscc": B,
            "year": "2023",
            "policy_id": "cixi-2024-8",
            "clause_id": "4.3",
            "amount": "100000",
            "subject_uscc": "",
        }
    ]
    for year in (2024, 2025):
        write_landing(
            root,
            year,
            annual_stats__csv=csv_bytes("annual_stats", [s for s in stats if int(s["year"]) <= year]),
            applications__csv=csv_bytes("applications", apps[year]),
            prior_awards__csv=csv_bytes("prior_awards", prior),
        )
    return root


def _line(result_lines, uscc, clause):
    hit = result_lines[(result_lines["payee_uscc"] == uscc) & (result_lines["clause_id"] == clause)]
    assert len(hit) == 1, (uscc, clause, len(hit))
    return hit.iloc[0]


def test_later_years_use_what_final_runs_and_prior_awards_paid(tmp_path, db_url):
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    first = run(2024, landing, out, db_url)
    assert _line(first.lines, A, "4.1")["final_amount"] == 5_0000_00  # 0.6亿 -> 5万
    assert _line(first.lines, C, "13.2")["final_amount"] == 120_0000_00  # 20% of 600万
    publicize(2024, date(2024, 11, 4), 5, db_url, out)
    finalize(2024, None, db_url, out, today=date(2025, 1, 6))

    second = run(2025, landing, out, db_url)
    a41 = _line(second.lines, A, "4.1")
    assert a41["final_amount"] == 15_0000_00  # 2亿 tier 20万 minus 5万 paid in 2024
    assert "补差" in a41["explanation"] and "2024年已兑现" in a41["explanation"]
    a21 = _line(second.lines, A, "2.1")
    assert a21["status"] == "zero" and "一次性" in a21["explanation"]  # once: paid in 2024
    c132 = _line(second.lines, C, "13.2")
    assert c132["final_amount"] == 80_0000_00  # cumulative cap 200万 minus 120万
    b43 = _line(second.lines, B, "4.3")
    assert b43["status"] == "zero"  # prior_awards 2023 counts as paid


def test_drafts_do_not_count_as_paid(tmp_path, db_url):
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    run(2024, landing, out, db_url)  # draft only, never final
    second = run(2025, landing, out, db_url)
    assert _line(second.lines, A, "4.1")["final_amount"] == 20_0000_00
    assert _line(second.lines, A, "2.1")["final_amount"] == 1_0000_00


def _objections(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["uscc", "policy_id", "clause_id", "decision", "amount", "reason"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_publicize_finalize_with_objections(tmp_path, db_url):
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    draft = run(2025, landing, out, db_url)
    with pytest.raises(RunRefused, match="尚未公示"):
        finalize(2025, None, db_url, out, today=date(2026, 1, 5))
    pub = publicize(2025, date(2025, 9, 28), 5, db_url, out)
    assert pub.deadline == date(2025, 10, 10)
    ws = load_workbook(out / "2025" / "publicity_2025.xlsx").active
    assert "公示期为2025-09-28至2025-10-10" in ws["A2"].value
    with pytest.raises(RunRefused, match="尚未结束"):
        finalize(2025, None, db_url, out, today=date(2025, 10, 10))
    objections = _objections(
        tmp_path / "objections.csv",
        [
            {
                "uscc": A,
                "policy_id": "cixi-2024-8",
                "clause_id": "4.1",
                "decision": "adjust",
                "amount": "150,000.00",
                "reason": "复核销售额",
            },
            {
                "uscc": C,
                "policy_id": "binjiang-2024-14",
                "clause_id": "13.2",
                "decision": "remove",
                "amount": "",
                "reason": "投入不属实",
            },
            {
                "uscc": A,
                "policy_id": "cixi-2024-8",
                "clause_id": "2.1",
                "decision": "uphold",
                "amount": "",
                "reason": "异议不成立",
            },
        ],
    )
    final = finalize(2025, objections, db_url, out, today=date(2025, 10, 11))
    changes = final.changes.set_index(["uscc", "clause_id"])
    assert changes.loc[(A, "4.1"), "difference"] == 15_0000_00 - _line(draft.lines, A, "4.1")["final_amount"]
    assert changes.loc[(C, "13.2"), "after_status"] == "excluded"
    assert changes.loc[(A, "2.1"), "decision"] == "uphold" and changes.loc[(A, "2.1"), "difference"] == 0
    awards = pd.read_csv(out / "2025" / "awards.csv", dtype=str)
    a41 = awards[(awards["uscc"] == A) & (awards["clause_id"] == "4.1")].iloc[0]
    assert a41["final_amount"] == "150000.00" and "调整后金额" in a41["explanation"]
    assert (out / "2025" / "disbursement_2025.xlsx").exists() and (out / "2025" / "changes_2025.csv").exists()
    with pytest.raises(RunRefused, match="不能重复定稿"):
        finalize(2025, None, db_url, out, today=date(2025, 10, 11))
    with pytest.raises(RunRefused, match="已定稿"):
        run(2025, landing, out, db_url)


def test_objection_for_a_line_that_does_not_exist(tmp_path, db_url):
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    run(2025, landing, out, db_url)
    publicize(2025, date(2025, 9, 28), 5, db_url, out)
    objections = _objections(
        tmp_path / "o.csv",
        [
            {
                "uscc": B,
                "policy_id": "cixi-2024-8",
                "clause_id": "9.1",
                "decision": "remove",
                "amount": "",
                "reason": "x",
            }
        ],
    )
    with pytest.raises(InputError, match="第2行"):
        finalize(2025, objections, db_url, out, today=date(2025, 11, 1))


def test_correction_pays_only_the_difference_and_lists_it(tmp_path, db_url):
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    run(2025, landing, out, db_url)
    publicize(2025, date(2025, 9, 28), 5, db_url, out)
    finalize(2025, None, db_url, out, today=date(2025, 11, 1))
    same = correct(2025, landing, out, db_url, reason="复核")
    assert "无需更正" in same.message
    # the statistics platform corrects A's 2025 online sales: 5.2亿 -> tier 30万 instead of 20万
    stats = pd.read_csv(landing / "2025" / "annual_stats.csv", dtype=str, keep_default_na=False)
    stats.loc[(stats["uscc"] == A) & (stats["year"] == "2025"), ["online_retail", "retail_sales"]] = [
        "520000000",
        "600000000",
    ]
    stats.to_csv(landing / "2025" / "annual_stats.csv", index=False)
    fixed = correct(2025, landing, out, db_url, reason="统计数据更正")
    changes = fixed.changes.set_index(["uscc", "clause_id"])
    assert changes.loc[(A, "4.1"), "difference"] == 10_0000_00
    assert list(fixed.changes["uscc"]) == [A]
    wb = load_workbook(out / "2025" / "disbursement_2025_correction1.xlsx")
    summary = [r for r in wb["汇总"].iter_rows(values_only=True)]
    assert any(r[0] == "合计" and float(r[5]) == 100000.0 for r in summary)
    assert "更正拨付清单（第1次更正）" in summary[0][0]


def test_finalize_refuses_without_a_draft(tmp_path, db_url):
    with pytest.raises(RunRefused, match="还没有草稿"):
        finalize(2030, None, db_url, tmp_path / "out", today=date(2031, 1, 1))
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_second_writer_of_the_same_year_is_refused(tmp_path, db_url):
    """One writer per year, backed by the database (advisory lock) or a file lock beside a
    SQLite ledger; another year is not blocked; the lock is free again afterwards."""
    from settlement.ledger import make_engine
    from settlement.ledger.locks import YearBusy, year_lock

    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    with year_lock(make_engine(db_url), 2025):
        with pytest.raises(YearBusy, match="另一个结算任务"):
            run(2025, landing, out, db_url)
        with pytest.raises(YearBusy):
            publicize(2025, date(2025, 9, 28), 5, db_url, out)
        run(2024, landing, out, db_url)  # another year is free
    assert run(2025, landing, out, db_url).lines is not None  # released


def test_a_second_process_is_refused_while_the_first_writes(tmp_path):
    """Two processes at once: the one that finds the year locked exits 1 with the message."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    landing = multi_year_landing(tmp_path / "landing")
    db = f"sqlite:///{tmp_path / 'l.db'}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from settlement.ledger import make_engine
        from settlement.ledger.locks import year_lock
        with year_lock(make_engine({db!r}), 2025):
            print("locked", flush=True)
            time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        binary = Path(sys.executable).parent / "settlement"
        proc = subprocess.run(
            [
                str(binary),
                "run",
                "--year",
                "2025",
                "--landing",
                str(landing),
                "--out",
                str(tmp_path / "out"),
                "--db",
                db,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "SETTLEMENT_DATA_DOCS": "0"},
        )
        assert proc.returncode == 1 and "另一个结算任务" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_correction_keeps_the_objection_outcomes_of_the_final(tmp_path, db_url):
    """An award removed or adjusted on objection stays so through corrections: re-running with
    the same inputs finds nothing to correct, and a correction of other figures changes only them."""
    landing = multi_year_landing(tmp_path / "landing")
    out = tmp_path / "out"
    draft = run(2025, landing, out, db_url)
    publicize(2025, date(2025, 9, 28), 5, db_url, out)
    objections = _objections(
        tmp_path / "objections.csv",
        [
            {
                "uscc": A,
                "policy_id": "cixi-2024-8",
                "clause_id": "4.1",
                "decision": "adjust",
                "amount": "150,000.00",
                "reason": "复核销售额",
            },
            {
                "uscc": C,
                "policy_id": "binjiang-2024-14",
                "clause_id": "13.2",
                "decision": "remove",
                "amount": "",
                "reason": "投入不属实",
            },
        ],
    )
    finalize(2025, objections, db_url, out, today=date(2025, 10, 11))
    assert _line(draft.lines, C, "13.2")["final_amount"] > 0
    same = correct(2025, landing, out, db_url, reason="复核")
    assert "无需更正" in same.message
    # A's 2025 local contribution is reported late (cixi clause 3 now pays), then its online sales
    # are corrected too (clause 4.1 would reach a higher tier): A's adjusted 4.1 and C's removed
    # 13.2 are not reopened by either correction
    stats = pd.read_csv(landing / "2025" / "annual_stats.csv", dtype=str, keep_default_na=False)
    a25 = (stats["uscc"] == A) & (stats["year"] == "2025")
    stats["local_contribution"] = ""
    for k, reason in ((1, "地方贡献补报"), (2, "统计数据更正")):
        stats.loc[a25, "local_contribution"] = "2,000,000" if k == 1 else "3,000,000"
        if k == 2:
            stats.loc[a25, ["online_retail", "retail_sales"]] = ["520000000", "600000000"]
        stats.to_csv(landing / "2025" / "annual_stats.csv", index=False)
        fixed = correct(2025, landing, out, db_url, reason=reason)
        assert list(zip(fixed.changes["uscc"], fixed.changes["clause_id"], strict=True)) == [(A, "3")], (
            fixed.changes
        )
        awards = pd.read_csv(out / "2025" / "awards.csv", dtype=str)
        a41 = awards[(awards["uscc"] == A) & (awards["clause_id"] == "4.1")].iloc[0]
        c132 = awards[(awards["uscc"] == C) & (awards["clause_id"] == "13.2")].iloc[0]
        assert a41["final_amount"] == "150000.00" and "更正时沿用" in a41["explanation"]
        assert (
            c132["status"] == "excluded"
            and c132["final_amount"] == "0.00"
            and "取消奖励" in c132["explanation"]
        )
        assert (out / "2025" / f"disbursement_2025_correction{k}.xlsx").exists()
