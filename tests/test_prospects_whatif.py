"""Prospects (可申报未申报名单) and what-if budgets (预算测算).

Prospects: a hand-made Lishui year around clause 10 (one-time 10万 for independent-site
cross-border sales of 100万元 or more, on application): A qualifies and did not apply (listed,
with its figure), B applied, C misses by one fen, D is blacklisted, E was paid the award before
(none of them listed). What-if: the run's own budget reproduces every line to the fen; a budget
below the full total pays exactly the budget; one above it pays in full with factor 1."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from settlement.allocation.whatif import run_budgets, scenario
from settlement.cli import app
from settlement.engine.prospects import ESTIMATE_BY_MATERIALS, data_part
from settlement.ledger.models import AwardLine, SettlementRun
from settlement.pipeline import run
from settlement.policies import load_catalog
from settlement.policies.schema import Condition
from settlement.prospects import prospects_year
from settlement.uscc import make_uscc
from settlement.whatif import whatif, year_lines

YEAR = 2025
A, B, C, D, E = (make_uscc("9", "1", "331102", f"MA000000{k}") for k in "ABCDE")
NAMES = {
    A: "莲都甲跨境电商有限公司",
    B: "莲都乙跨境电商有限公司",
    C: "莲都丙跨境电商有限公司",
    D: "莲都丁跨境电商有限公司",
    E: "莲都戊跨境电商有限公司",
}


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def lishui_year(tmp_path) -> tuple[Path, str]:
    folder = tmp_path / "landing" / str(YEAR)
    folder.mkdir(parents=True)
    write_csv(
        folder / "enterprises.csv",
        [
            {
                "uscc": u,
                "name": NAMES[u],
                "region_code": "331102",
                "township": "白云街道",
                "registered_on": "2015-01-01",
                "credit_blacklisted": "是" if u == D else "否",
                "bank_name": "丽水银行",
                "bank_account": f"62220000000000{k}",
            }
            for k, u in enumerate((A, B, C, D, E))
        ],
    )
    site = {A: "1000000.00", B: "2000000", C: "999999.99", D: "5000000", E: "3000000"}
    write_csv(
        folder / "annual_stats.csv",
        [
            {
                "uscc": u,
                "year": str(YEAR),
                "online_retail": "0",
                "retail_sales": "0",
                "wholesale_sales": "0",
                "operating_revenue": "1000",
                "crossborder_exports": "0",
                "independent_site_sales": site[u],
                "limit_above": "否",
            }
            for u in (A, B, C, D, E)
        ],
    )
    write_csv(
        folder / "applications.csv",
        [
            {
                "application_id": "LS-2025-001",
                "uscc": B,
                "year": str(YEAR),
                "policy_id": "lishui-2024-64",
                "clause_id": "10",
                "base_amount": "",
                "approved_amount": "",
                "quantity": "1",
                "level": "",
                "status": "approved",
            }
        ],
    )
    write_csv(
        folder / "prior_awards.csv",
        [{"uscc": E, "year": "2024", "policy_id": "lishui-2024-64", "clause_id": "10", "amount": "100000"}],
    )
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    run(YEAR, tmp_path / "landing", tmp_path / "out", db)
    return tmp_path, db


def test_prospects_of_a_hand_made_year(lishui_year):
    root, db = lishui_year
    result = prospects_year(YEAR, db, root / "out")
    clause10 = result.frame[
        (result.frame["policy_id"] == "lishui-2024-64") & (result.frame["clause_id"] == "10")
    ]
    assert clause10["uscc"].tolist() == [A]  # B applied, C is one fen short, D blacklisted, E paid before
    row = clause10.iloc[0]
    assert (
        row["name"] == NAMES[A] and row["township"] == "白云街道" and row["reward"] == "第10条 跨境电商独立站"
    )
    assert "2025年独立站跨境交易额1,000,000.00元" in row["conditions"] and "✓" in row["conditions"]
    assert row["estimate_fen"] == 10_000_000 and row["estimate"] == "100,000.00元"
    assert "尚未申报（一次性奖励，此前未在本条获奖）" in row["explanation"] and "申报材料" in row["needs"]
    # the files: the same rows, the CSV readable by Excel (BOM) and scripts
    with open(result.csv, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["uscc"] for r in rows if r["clause_id"] == "10"] == [A]
    assert all(r["estimate_fen"] == "" for r in rows if r["estimate"] == ESTIMATE_BY_MATERIALS)
    assert result.xlsx.is_file()
    # no exchange rate in this year's data: the clause paid by USD exports is named as not checked
    assert any("第9条未能判断" in s and "usd_cny" in s for s in result.skipped)


def test_prospects_are_written_the_same_twice(lishui_year):
    root, db = lishui_year
    first = prospects_year(YEAR, db, root / "out")
    data = (first.xlsx.read_bytes(), first.csv.read_bytes())
    again = prospects_year(YEAR, db, root / "out")
    assert (again.xlsx.read_bytes(), again.csv.read_bytes()) == data


def test_data_part_keeps_what_the_statistics_decide():
    stats = Condition(fact="retail_sales", op=">=", value="1000万")
    app_fact = Condition(fact="application.quantity", op=">=", value=1)
    assert data_part(Condition(all=[stats, app_fact])) == stats
    assert data_part(Condition(any=[stats, app_fact])) is None  # an application could satisfy it instead
    assert data_part(app_fact) is None


def test_demo_year_has_prospects(demo_landing, tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    run(YEAR, demo_landing, tmp_path / "out", db)
    result = prospects_year(YEAR, db, tmp_path / "out")
    assert len(result.frame) > 0 and result.enterprises > 0
    assert result.frame["explanation"].str.startswith(f"{YEAR}年数据显示符合《").all()
    township = result.frame["township"].tolist()
    assert township == sorted(township)  # by township first


# --- what-if --------------------------------------------------------------------------------


@pytest.fixture
def demo_run(demo_landing, tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    result = run(YEAR, demo_landing, tmp_path / "out", db)
    return result, db, tmp_path


def counts(db: str) -> tuple[int, int]:
    engine = create_engine(db)
    with engine.connect() as conn:
        out = (
            conn.execute(select(func.count()).select_from(SettlementRun)).scalar(),
            conn.execute(select(func.count()).select_from(AwardLine)).scalar(),
        )
    engine.dispose()
    return out


def test_whatif_with_the_runs_budget_reproduces_its_lines(demo_run):
    _, db, _ = demo_run
    catalog = load_catalog()
    lines, regions, run_row = year_lines(YEAR, db)
    own = run_budgets(json.loads(run_row.scale_factors))
    assert own, "the demo year scales a policy down"
    s = scenario(lines, catalog, regions, own, "本次结算的预算")
    assert np.array_equal(s.final, lines["final_amount"].to_numpy(dtype=np.int64))
    for p in s.policies:
        mine = lines["policy_id"] == p.policy_id
        assert p.paid_total == int(lines.loc[mine, "final_amount"].sum())
        assert p.city_total == int(lines.loc[mine, "city_share"].sum()) and p.district_total == int(
            lines.loc[mine, "district_share"].sum()
        )
    scaled = [p for p in s.policies if p.factor < 1]
    assert scaled and all(p.paid_total == p.budget for p in scaled)


def test_whatif_budgets_below_and_above_the_full_total(demo_run):
    _, db, tmp = demo_run
    before = counts(db)
    catalog = load_catalog()
    lines, regions, run_row = year_lines(YEAR, db)
    policy = next(p for p in catalog.policies if p.budget.scale_down)
    full = next(
        p for p in scenario(lines, catalog, regions, {}, "x").policies if p.policy_id == policy.id
    ).full_total
    below, above = full // 3 + 1, full + 100
    result = whatif(YEAR, db, [{policy.id: below}, {policy.id: above}], tmp / "out")
    low = next(p for p in result.scenarios[1].policies if p.policy_id == policy.id)
    high = next(p for p in result.scenarios[2].policies if p.policy_id == policy.id)
    assert low.paid_total == below and low.factor == Fraction(below, full) and low.full_total == full
    assert high.paid_total == full and high.factor == 1
    others = [p.paid_total for p in result.scenarios[0].policies if p.policy_id != policy.id]
    assert [
        p.paid_total for p in result.scenarios[1].policies if p.policy_id != policy.id
    ] == others  # the rest unchanged
    saved = json.loads(result.path.read_text(encoding="utf-8"))
    assert (
        saved["scenarios"][1]["policies"][
            [p["policy_id"] for p in saved["scenarios"][1]["policies"]].index(policy.id)
        ]["paid_total_fen"]
        == below
    )
    source_sum = sum(s["total_fen"] for s in saved["scenarios"][1]["sources"])
    assert source_sum == result.scenarios[1].paid_total
    assert counts(db) == before  # nothing written to the ledger


def test_whatif_command(demo_run):
    _, db, tmp = demo_run
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "whatif",
            "--year",
            "2025",
            "--db",
            db,
            "--out",
            str(tmp / "out"),
            "--budget",
            "cixi-2024-8=12,000,000",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "假设预算：慈溪电商新十条 12,000,000.00元" in ok.output and "按资金来源" in ok.output
    bad = runner.invoke(app, ["whatif", "--year", "2025", "--db", db, "--budget", "nosuch=1"])
    assert bad.exit_code == 2 and "政策编号" in bad.output
    cents = runner.invoke(app, ["whatif", "--year", "2025", "--db", db, "--budget", "cixi-2024-8=1.005"])
    assert cents.exit_code == 2 and "最多两位小数" in cents.output


def test_disbursement_has_the_budget_sheet(demo_run):
    from datetime import date

    import openpyxl

    from settlement.lifecycle import finalize, publicize

    _, db, tmp = demo_run
    publicize(YEAR, date(YEAR, 9, 28), db_url=db, out_root=tmp / "out")
    finalize(YEAR, db_url=db, out_root=tmp / "out", today=date(YEAR, 10, 20))
    book = openpyxl.load_workbook(tmp / "out" / str(YEAR) / f"disbursement_{YEAR}.xlsx")
    assert book.sheetnames[1] == "预算测算"
    rows = [r for r in book["预算测算"].iter_rows(values_only=True)]
    total = next(r for r in rows if r[0] == "合计")
    lines = pd.read_csv(tmp / "out" / str(YEAR) / "awards.csv", dtype=str)
    paid = sum(round(float(v) * 100) for v in lines.loc[lines["status"] == "paid", "final_amount"])
    assert round(total[6] * 100) == paid
    cixi = next(r for r in rows if r[1] and str(r[1]).startswith("慈溪"))
    assert cixi[5] != "1" and cixi[2] > cixi[6]  # scaled down: the full total exceeds what is paid
