"""The Excel lists read back: headers, values, text-typed codes and accounts, totals to the fen,
no formulas from user text, print setup, byte-identical across runs."""

from datetime import date
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from settlement.lifecycle import finalize, publicize
from settlement.pipeline import run


def _formula_cells(wb):
    return [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_publicity_list(final_year):
    result, folder, _ = final_year
    wb = load_workbook(folder / "publicity_2025.xlsx")
    ws = wb["公示名单"]
    assert ws["A1"].value.startswith("2025年度电子商务扶持政策奖励资金公示名单")
    assert "公示期：2025-09-28至2025-10-10" in ws["A3"].value
    assert [c.value for c in ws[4]] == ["序号", "企业名称", "统一社会信用代码", "所属街道/乡镇", "政策文件", "条款", "奖励金额(元)", "奖励金额(万元)", "备注"]
    paid = result.lines[result.lines["status"] == "paid"].reset_index(drop=True)
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == len(paid) + 1
    first = rows[0]
    assert first[0] == 1 and first[2] == paid.loc[0, "payee_uscc"] and Decimal(str(first[6])) == Decimal(int(paid.loc[0, "final_amount"])) / 100
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][6])) * 100 == int(paid["final_amount"].sum())
    assert all(ws.cell(r, 3).data_type == "s" for r in range(5, 5 + len(paid)))
    assert ws.cell(5, 7).number_format == "#,##0.00" and ws.cell(5, 8).number_format == "#,##0.0000"
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:I")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$4" and "&P" in ws.oddFooter.center.text
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "开户银行" not in text and "银行账号" not in text
    assert _formula_cells(wb) == []


def test_formula_like_names_stay_text(final_year):
    _, folder, uscc = final_year
    for name in ("publicity_2025.xlsx", "disbursement_2025.xlsx"):
        wb = load_workbook(folder / name)
        assert _formula_cells(wb) == [], name
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
        awards = pd.read_csv(folder / "awards.csv", dtype=str)
        if uscc in set(awards.loc[awards["status"] == "paid", "uscc"]):
            assert cells and all(c.data_type == "s" for c in cells), name


def test_disbursement_list(final_year):
    result, folder, _ = final_year
    wb = load_workbook(folder / "disbursement_2025.xlsx")
    names = wb.sheetnames
    assert names[0] == "汇总" and "按街道乡镇" in names and "按条款" in names
    bodies = [n for n in names if n.endswith("财政")]
    assert {"杭州市财政", "慈溪市财政", "丽水市财政", "滨江区财政"} <= set(bodies)
    paid = result.lines[result.lines["status"] == "paid"]
    grand = 0
    for body in bodies:
        ws = wb[body]
        assert [c.value for c in ws[2]][:9] == ["序号", "收款单位", "统一社会信用代码", "开户银行", "银行账号", "所属街道/乡镇", "政策文件", "条款", "拨付金额(元)"]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        body_total = sum(Decimal(str(r[8])) for r in rows[:-1])
        assert rows[-1][0] == "合计" and Decimal(str(rows[-1][8])) == body_total
        grand += body_total
        for r in range(3, 2 + len(rows)):
            assert ws.cell(r, 5).data_type == "s" and ws.cell(r, 3).data_type == "s"
        accounts = [r[4] for r in rows[:-1]]
        assert all(a.isdigit() and len(a) >= 16 for a in accounts)  # 19-digit accounts kept whole
    assert grand * 100 == int(paid["final_amount"].sum())
    summary = wb["汇总"]
    assert summary._charts, "the summary sheet has a bar chart"
    total_row = [r for r in summary.iter_rows(values_only=True) if r[0] == "合计"][0]
    assert Decimal(str(total_row[4])) * 100 == int(paid["final_amount"].sum())
    assert _formula_cells(wb) == []


def test_workbooks_are_byte_identical_across_runs(demo_landing, tmp_path):
    outs = []
    for k in range(2):
        db = f"sqlite:///{tmp_path / f'{k}.db'}"
        out = tmp_path / f"out{k}"
        run(2025, demo_landing, out, db)
        publicize(2025, date(2025, 9, 28), 5, db, out)
        finalize(2025, None, db, out, today=date(2025, 11, 1))
        outs.append(out / "2025")
    for name in ("publicity_2025.xlsx", "disbursement_2025.xlsx", "validation_2025.xlsx", "awards.csv", "changes_2025.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_no_temp_files_are_left(final_year):
    _, folder, _ = final_year
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
