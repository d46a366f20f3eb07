"""The lists people pay from and trace with: transfers per payee equal their detail lines, the
bank files equal the transfer sheets, totals in figures equal totals in capitals, the
reconciliation's identities hold, every paid line has one trace row naming its input rows,
publicity totals equal the sums of the figures printed above them, and every cell of every
workbook fits (print_fit) — on the demo year, on a year with objections, quarantined rows and a
scale-down, and on a year with the longest names."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from print_fit import problems

from settlement.errors import InputError
from settlement.hashing import sha256_of
from settlement.lifecycle import finalize, publicize
from settlement.money import fen_to_capitals
from settlement.pipeline import run
from settlement.reports.bank_files import BankFileError, bank_file_bytes
from settlement.reports.payments import payments

YEAR = 2025


def fen(value) -> int:
    return int(Decimal(str(value)) * 100)


def numbered(ws, first_row: int = 1) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first_row, values_only=True) if isinstance(r[0], int)]


def transfer_sheets(wb) -> list[str]:
    return [n for n in wb.sheetnames if n.endswith("拨付")]


@pytest.fixture(scope="module")
def objection_year(demo_landing, tmp_path_factory):
    """The demo year finalized with objections: a scaled-down cixi line adjusted, a binjiang line
    removed, one upheld (the demo has quarantined rows and cixi's budget scale-down)."""
    root = tmp_path_factory.mktemp("objection-year")
    db = f"sqlite:///{root / 'l.db'}"
    out = root / "out"
    draft = run(YEAR, demo_landing, out, db)
    publicize(YEAR, date(2025, 9, 28), 5, db, out)
    paid = draft.lines[draft.lines["status"] == "paid"]
    cixi = paid[(paid["policy_id"] == "cixi-2024-8") & (paid["scale_factor"] != "1")].iloc[0]
    binjiang = paid[paid["policy_id"] == "binjiang-2024-14"].iloc[0]
    upheld = paid[paid["policy_id"] == "lishui-2024-64"].iloc[0]
    adjusted = int(cixi["final_amount"]) // 2
    path = root / "objections.csv"
    pd.DataFrame(
        [
            {
                "uscc": cixi["payee_uscc"],
                "policy_id": cixi["policy_id"],
                "clause_id": cixi["clause_id"],
                "decision": "adjust",
                "amount": f"{adjusted // 100}.{adjusted % 100:02d}",
                "reason": "复核后调整",
            },
            {
                "uscc": binjiang["payee_uscc"],
                "policy_id": binjiang["policy_id"],
                "clause_id": binjiang["clause_id"],
                "decision": "remove",
                "amount": "",
                "reason": "材料不实",
            },
            {
                "uscc": upheld["payee_uscc"],
                "policy_id": upheld["policy_id"],
                "clause_id": upheld["clause_id"],
                "decision": "uphold",
                "amount": "",
                "reason": "异议不成立",
            },
        ]
    ).to_csv(path, index=False)
    final = finalize(YEAR, path, db, out, today=date(2025, 11, 3))
    return final, out / str(YEAR)


@pytest.fixture(params=["demo", "objections"])
def year_folder(request, final_year, objection_year):
    return final_year[1] if request.param == "demo" else objection_year[1]


# ----------------------------------------------------------------------- transfers


def test_one_transfer_row_per_payee_and_source_equal_to_its_detail_lines(year_folder):
    wb = load_workbook(year_folder / "disbursement_2025.xlsx")
    assert transfer_sheets(wb)
    for sheet in transfer_sheets(wb):
        source = sheet.removesuffix("拨付")
        transfers = numbered(wb[sheet], 5)
        details = numbered(wb[f"{source}明细"], 4)
        assert len({t[2] for t in transfers}) == len(transfers), f"{sheet}: one row per payee"
        by_transfer: dict[int, list] = {}
        for d in details:
            by_transfer.setdefault(d[1], []).append(d)
        assert set(by_transfer) == {t[0] for t in transfers}
        for t in transfers:
            lines = by_transfer[t[0]]
            assert fen(t[6]) == sum(fen(d[8]) for d in lines), f"{sheet} 第{t[0]}笔"
            assert t[8] == len(lines)
            assert len({d[2] for d in lines}) == 1  # one payee's lines


def test_totals_in_figures_and_in_capitals_agree(year_folder):
    wb = load_workbook(year_folder / "disbursement_2025.xlsx")
    for sheet in [*transfer_sheets(wb), "汇总"]:
        ws = wb[sheet]
        rows = list(ws.iter_rows(values_only=True))
        total = fen(next(r for r in rows if r[0] == "合计")[6 if sheet != "汇总" else 5])
        capitals = next(r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("合计金额（大写）"))
        assert fen_to_capitals(total) in capitals, sheet
        if sheet != "汇总":
            assert f"¥{total // 100:,}.{total % 100:02d}" in capitals


def test_bank_files_equal_the_transfer_sheets(year_folder):
    wb = load_workbook(year_folder / "disbursement_2025.xlsx")
    files = sorted(year_folder.glob("bank_transfer_2025_*.csv"))
    assert {f.stem.removeprefix("bank_transfer_2025_") for f in files} == {
        s.removesuffix("拨付") for s in transfer_sheets(wb)
    }
    for path in files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()
        bank = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        assert list(bank.columns) == ["户名", "账号", "开户行", "联行号", "金额", "用途"]
        sheet = numbered(wb[path.stem.removeprefix("bank_transfer_2025_") + "拨付"], 5)
        assert len(bank) == len(sheet)
        for row, t in zip(bank.itertuples(index=False), sheet, strict=True):
            assert (row.户名, row.账号, row.开户行, row.联行号, row.用途) == (t[1], t[4], t[3], t[5], t[7])
            assert fen(row.金额) == fen(t[6])


def test_every_amount_in_the_bank_files_is_paid_once(final_year):
    result, folder, _ = final_year
    paid = result.lines[result.lines["status"] == "paid"]
    total = sum(
        fen(a)
        for f in folder.glob("bank_transfer_2025_*.csv")
        for a in pd.read_csv(f, dtype=str, encoding="utf-8-sig")["金额"]
    )
    assert total == int(paid["final_amount"].sum())


def test_a_gbk_bank_file_refuses_a_name_gbk_cannot_hold(final_year, catalog):
    from settlement.config import Settings
    from settlement.ingest import read_landing

    result, folder, _ = final_year
    ents = read_landing(folder.parent.parent / "landing", YEAR).frame("enterprises")
    payee = result.lines.loc[result.lines["status"] == "paid", "payee_uscc"].iloc[0]
    ents.loc[ents["uscc"] == payee, "account_name"] = "𠮷野家（杭州）有限公司"  # a character outside GBK
    money = payments(result.lines, ents, catalog, Settings(), YEAR)
    source = next(s for s in money.sources if payee in set(money.source_transfers(s)["payee_uscc"]))
    assert bank_file_bytes(money, source, "utf-8-sig").decode("utf-8-sig").count("𠮷") == 1
    with pytest.raises(BankFileError, match="GBK.*“𠮷”"):
        bank_file_bytes(money, source, "gbk")


# ---------------------------------------------------------------- reconciliation, trace


def test_the_reconciliation_holds_step_by_step(year_folder):
    wb = load_workbook(year_folder / "validation_2025.xlsx")
    rows = numbered(wb["勾稽核对"], 4)
    assert len(rows) > 20
    for r in rows:
        assert r[7] == "相符", r
        assert r[3] == r[4] or "≤" in r[2], r
    steps = {r[1] for r in rows}
    assert {"输入文件", "写入台账", "奖励行", "资金分担", "资金来源", "拨付", "银行文件", "预算"} <= steps
    manifest = json.loads((year_folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reconciliation"] == {"identities": len(rows), "all_hold": True}


def test_objections_show_in_the_reconciliation_and_the_audit_workbook(objection_year):
    final, folder = objection_year
    wb = load_workbook(folder / "validation_2025.xlsx")
    steps = {r[1]: r for r in numbered(wb["勾稽核对"], 4)}
    assert steps["异议处理"][7] == "相符"
    budget = next(r for r in numbered(wb["勾稽核对"], 4) if r[1] == "预算")
    assert "≤" in budget[2] and budget[3] < budget[4]  # adjusted down after publicity, not re-scaled
    decisions = numbered(wb["异议处理"], 4)
    assert sorted(r[5] for r in decisions) == ["取消奖励", "维持原结果", "调整金额"]
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["objections_applied"] == 3
    detail = [
        r
        for s in load_workbook(folder / "disbursement_2025.xlsx").worksheets
        if s.title.endswith("明细")
        for r in numbered(s, 4)
    ]
    assert any("公示异议：调整金额" in (r[9] or "") for r in detail)


def test_a_reconciliation_that_does_not_hold_says_so():
    from settlement.reports.reconcile import Identity, all_hold

    bad = Identity("拨付", "甲：奖励明细合计 = 转账合计", 100, 99, "元")
    assert bad.verdict == "不符" and not all_hold([bad]) and Identity("预算", "x", 5, 6, "元", "<=").holds


def test_every_paid_line_has_exactly_one_trace_row_naming_its_input_rows(year_folder):
    awards = pd.read_csv(year_folder / "awards.csv", dtype=str, keep_default_na=False)
    ws = load_workbook(year_folder / "validation_2025.xlsx")["逐笔追溯"]
    trace = numbered(ws, 4)
    assert len(trace) == len(awards) and [r[0] for r in trace] == list(range(1, len(awards) + 1))
    for line, row in zip(awards.itertuples(index=False), trace, strict=True):
        assert line.payee_uscc in row[1] and f"第{line.clause_id}条" in row[2]
        assert (
            fen(row[7]) == fen(line.final_amount)
            and fen(row[8]) == fen(line.city_share)
            and fen(row[9]) == fen(line.district_share)
        )
        if line.status != "paid":
            continue
        used = row[11]
        assert "2025/enterprises.csv 第" in used, used  # the payee's row of the register
        if row[10]:
            assert "2025/applications.xlsx 第" in used, used  # its application rows
        assert row[12] and row[13] == line.explanation  # the clause's text, the explanation
    paid_data = [
        r
        for r, line in zip(trace, awards.itertuples(index=False), strict=True)
        if line.status == "paid" and not r[10]
    ]
    assert paid_data and all(
        "annual_stats.csv 第" in r[11] for r in paid_data
    )  # data-driven lines name their statistics rows


def test_trace_rows_name_the_rows_of_the_files_they_came_from(final_year):
    """A named row really is that row: open the landing file and find the line's enterprise there."""
    import re

    _, folder, _ = final_year
    landing = folder.parent.parent / "landing"
    awards = pd.read_csv(folder / "awards.csv", dtype=str, keep_default_na=False)
    stats = pd.read_csv(landing / "2025" / "annual_stats.csv", dtype=str, keep_default_na=False)
    ws = load_workbook(folder / "validation_2025.xlsx")["逐笔追溯"]
    checked = 0
    for line, r in zip(awards.itertuples(index=False), numbered(ws, 4), strict=True):
        used = r[11] or ""
        if line.park_id or "2025/annual_stats.csv 第" not in used:
            continue
        part = used.split("2025/annual_stats.csv ")[1].split("；")[0]
        for row, year in re.findall(r"第(\d+)行（(\d{4})年）", part):
            found = stats.iloc[int(row) - 2]  # row 1 is the header
            assert (found["uscc"], found["year"]) == (line.subject_uscc or line.payee_uscc, year), (
                line.clause_id,
                row,
            )
            checked += 1
    assert checked > 50


# ---------------------------------------------------------------------------- publicity


def test_publicity_totals_equal_the_sums_of_the_printed_figures(year_folder):
    ws = load_workbook(year_folder / "publicity_2025.xlsx")["公示名单"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    group: list[tuple] = []
    all_lines: list[tuple] = []
    subtotals = 0
    for r in rows:
        if isinstance(r[0], int):
            group.append(r)
        elif r[0] == "小计":
            assert fen(r[6]) == sum(fen(x[6]) for x in group)
            assert Decimal(str(r[7])) == sum(Decimal(str(x[7])) for x in group)
            assert f"{len(group)}项，{len({x[2] for x in group})}家企业" in r[1]
            all_lines += group
            group = []
            subtotals += 1
        elif r[0] == "合计":
            assert fen(r[6]) == sum(fen(x[6]) for x in all_lines)
            assert Decimal(str(r[7])) == sum(Decimal(str(x[7])) for x in all_lines)
            assert f"共{len(all_lines)}项" in r[1]
    assert subtotals >= 4 and not group


def test_the_draft_list_says_it_is_a_draft(tmp_path, demo_landing):
    run(YEAR, demo_landing, tmp_path / "out", f"sqlite:///{tmp_path / 'l.db'}")
    ws = load_workbook(tmp_path / "out" / "2025" / "publicity_2025.xlsx")["公示名单"]
    assert (
        ws["A1"].value.endswith("（草稿）")
        and "尚未公示" in ws["A2"].value
        and "公示期待定" in ws["A3"].value
    )
    assert ws[ws.max_row][0].value == "____年__月__日"


# ------------------------------------------------------------------------ fit on paper


def test_every_sheet_of_every_workbook_fits(year_folder):
    books = sorted(year_folder.glob("*.xlsx"))
    assert {b.name for b in books} >= {
        "publicity_2025.xlsx",
        "disbursement_2025.xlsx",
        "validation_2025.xlsx",
    }
    found = [p for b in books for p in problems(b)]
    assert not found, "\n".join(found[:20])


LONG_NAME = "浙江省杭州市滨江区长河街道某某某某跨境电子商务供应链管理与数字科技服务集团股份有限公司第一分公司"


def test_the_longest_names_still_fit(tmp_path, demo_landing):
    """Names, townships and banks as long as real ones get, on every workbook of the year."""
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing, landing)
    path = landing / "2025" / "enterprises.csv"
    ents = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    ents.iloc[:, 1] = [f"{LONG_NAME}{i}" if i % 3 == 0 else n for i, n in enumerate(ents.iloc[:, 1])]
    ents.iloc[:, 3] = ents.iloc[:, 3] + "某某经济开发区管理委员会"
    ents.iloc[:, 8] = "中国工商银行股份有限公司杭州高新技术产业开发区（滨江）科技支行营业部"
    ents.iloc[:, 10] = ents.iloc[:, 1]
    path.write_bytes(ents.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    db, out = f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "out"
    run(YEAR, landing, out, db)
    publicize(YEAR, date(2025, 9, 28), 5, db, out)
    finalize(YEAR, None, db, out, today=date(2025, 11, 1))
    found = [p for b in sorted((out / "2025").glob("*.xlsx")) for p in problems(b)]
    assert not found, "\n".join(found[:20])


# -------------------------------------------------------------------- accounts, manifest


def test_a_paid_payee_without_an_account_blocks_finalize(tmp_path, demo_landing):
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing, landing)
    db, out = f"sqlite:///{tmp_path / 'l.db'}", tmp_path / "out"
    first = run(YEAR, landing, out, db)
    payee = first.lines.loc[first.lines["status"] == "paid", "payee_uscc"].iloc[0]
    path = landing / "2025" / "enterprises.csv"
    ents = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    ents.loc[ents.iloc[:, 0] == payee, ents.columns[9]] = ""
    path.write_bytes(ents.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    draft = run(YEAR, landing, out, db)
    assert list(draft.missing_accounts["payee_uscc"]) == [payee]
    warnings = numbered(load_workbook(out / "2025" / "validation_2025.xlsx")["警告"], 4)
    assert any(r[8] == "missing_bank_account" and r[3] == payee for r in warnings)
    publicize(YEAR, date(2025, 9, 28), 5, db, out)
    with pytest.raises(InputError, match=f"(?s)缺少银行账户信息.*{payee}.*缺少银行账号"):
        finalize(YEAR, None, db, out, today=date(2025, 11, 1))
    assert not (out / "2025" / "disbursement_2025.xlsx").exists()


def test_account_holder_defaults_to_the_enterprise_name():
    from settlement.reports.payments import bank_details

    ents = pd.DataFrame(
        {
            "uscc": ["A", "B"],
            "name": ["甲公司", "乙公司"],
            "account_name": ["", "乙公司工会"],
            "bank_name": ["x", "y"],
            "bank_account": ["1", "2"],
            "bank_code": ["", "102331000000"],
            "region_code": ["330282", "330282"],
            "township": ["", ""],
        }
    )
    details = bank_details(ents)
    assert list(details["account_name"]) == ["甲公司", "乙公司工会"]


def test_the_manifest_agrees_with_the_files_and_workbooks(year_folder):
    manifest = json.loads((year_folder / "manifest.json").read_text(encoding="utf-8"))
    assert "publicity_2025.xlsx" in manifest["outputs"] and "validation_2025.xlsx" in manifest["outputs"]
    for name, digest in manifest["outputs"].items():
        assert sha256_of(year_folder / name) == digest, name
    wb = load_workbook(year_folder / "validation_2025.xlsx")
    assert manifest["warnings"] == len(numbered(wb["警告"], 4))
    quarantined = numbered(wb["隔离行"], 4)
    assert sum(manifest["quarantined_rows"].values()) == len({(r[1], r[2]) for r in quarantined})
    cover = {r[0]: r for r in wb["概况"].iter_rows(values_only=True) if r[0] in manifest["inputs"]}
    for file, digest in manifest["inputs"].items():
        assert cover[file][5] == digest and cover[file][2] == manifest["quarantined_rows"][file]
    assert manifest["finalized_on"] in (
        load_workbook(year_folder / "disbursement_2025.xlsx")["汇总"]["A2"].value or ""
    )


def test_chinese_capitals():
    assert fen_to_capitals(5262228159) == "人民币伍仟贰佰陆拾贰万贰仟贰佰捌拾壹元伍角玖分"
    assert fen_to_capitals(100000) == "人民币壹仟元整"
    assert fen_to_capitals(10000000005) == "人民币壹亿元零伍分"
    assert fen_to_capitals(3000100) == "人民币叁万零壹元整"
    assert fen_to_capitals(-1234) == "人民币负壹拾贰元叁角肆分"


def test_settings_refuse_an_unknown_key(tmp_path):
    from settlement.config import SettingsError, load_settings

    path = tmp_path / "settlement.yaml"
    path.write_text("bureau: 某市商务局\nadress: 某路1号\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="adress"):
        load_settings(path)
    path.write_text("bureau: 某市商务局\nbank_file_encoding: big5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="bank_file_encoding"):
        load_settings(path)
    assert load_settings(Path(__file__).parents[1] / "settlement.yaml").phone
