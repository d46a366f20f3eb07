"""The Excel lists read back: headers, values, text-typed codes and accounts, totals to the fen,
no formulas from user text, print setup, byte-identical across runs."""

from datetime import date
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from settlement.lifecycle import finalize, publicize
from settlement.pipeline import run


def _formula_cells(wb):
    return [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_publicity_list(final_year):
    result, folder, _ = final_year
    wb = load_workbook(folder / "publicity_2025.xlsx")
    ws = wb["公示名单"]
    assert ws["A1"].value == "关于2025年度电子商务扶持政策拟兑现奖励资金名单的公示"
    assert "公示期为2025-09-28至2025-10-10" in ws["A2"].value
    assert [c.value for c in ws[3]] == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属街道/乡镇",
        "政策文件",
        "条款",
        "奖励金额(元)",
        "奖励金额(万元)",
        "备注",
    ]
    paid = result.lines[result.lines["status"] == "paid"].reset_index(drop=True)
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    numbered = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in numbered] == list(range(1, len(paid) + 1))
    first = numbered[0]
    assert (
        first[2] == paid.loc[0, "payee_uscc"]
        and Decimal(str(first[6])) == Decimal(int(paid.loc[0, "final_amount"])) / 100
    )
    assert first[5].startswith(f"第{paid.loc[0, 'clause_id']}条 ")  # the clause with its reward's name
    total = next(r for r in rows if r[0] == "合计")
    assert Decimal(str(total[6])) * 100 == int(paid["final_amount"].sum())
    line_rows = [r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert all(ws.cell(r, 3).data_type == "s" for r in line_rows)
    assert (
        ws.cell(line_rows[0], 7).number_format == "#,##0.00"
        and ws.cell(line_rows[0], 8).number_format == "#,##0.0000"
    )
    assert ws.freeze_panes == "A4"
    assert (
        ws.page_setup.orientation == "landscape"
        and int(ws.page_setup.paperSize) == 9
        and ws.page_setup.fitToWidth == 1
    )
    assert ws.print_title_rows == "$3:$3" and "&P" in ws.oddFooter.center.text
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "开户银行" not in text and "银行账号" not in text
    assert "示例市商务局" in text and "联系电话：0000-12345678" in text and "异议受理" in text
    assert "（缙云县（征求意见稿））" not in text and "征求意见稿" in text  # a draft policy is named plainly
    assert _formula_cells(wb) == []


def test_formula_like_names_stay_text(final_year):
    _, folder, uscc = final_year
    for name in ("publicity_2025.xlsx", "disbursement_2025.xlsx"):
        wb = load_workbook(folder / name)
        assert _formula_cells(wb) == [], name
        cells = [
            c
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
        ]
        awards = pd.read_csv(folder / "awards.csv", dtype=str)
        if uscc in set(awards.loc[awards["status"] == "paid", "uscc"]):
            assert cells and all(c.data_type == "s" for c in cells), name


def test_disbursement_list(final_year):
    result, folder, _ = final_year
    wb = load_workbook(folder / "disbursement_2025.xlsx")
    names = wb.sheetnames
    assert names[0] == "汇总" and "按街道乡镇" in names and "按条款" in names
    transfer_sheets = [n for n in names if n.endswith("拨付")]
    assert [n.removesuffix("拨付") for n in transfer_sheets][:1] == [
        "杭州市财政"
    ]  # the city before its districts
    assert {"杭州市财政拨付", "慈溪市财政拨付", "丽水市财政拨付", "滨江区财政拨付"} <= set(transfer_sheets)
    assert all(f"{n.removesuffix('拨付')}明细" in names for n in transfer_sheets)
    paid = result.lines[result.lines["status"] == "paid"]
    grand = 0
    for sheet in transfer_sheets:
        ws = wb[sheet]
        assert [c.value for c in ws[4]] == [
            "序号",
            "收款单位（户名）",
            "统一社会信用代码",
            "开户银行",
            "银行账号",
            "联行号",
            "拨付金额(元)",
            "用途",
            "明细笔数",
        ]
        rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
        body_total = sum(Decimal(str(r[6])) for r in rows)
        total = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
        assert Decimal(str(total[6])) == body_total
        grand += body_total
        for r in range(5, 5 + len(rows)):
            assert ws.cell(r, 5).data_type == "s" and ws.cell(r, 3).data_type == "s"
        assert all(r[4].isdigit() and len(r[4]) >= 16 for r in rows)  # 19-digit accounts kept whole
        assert all(r[7] == "2025年度电子商务扶持奖励" for r in rows)
    assert grand * 100 == int(paid["final_amount"].sum())
    assert any(ws._charts for ws in wb.worksheets if ws.title.startswith("图-"))
    summary = list(wb["汇总"].iter_rows(values_only=True))
    total_row = next(r for r in summary if r[0] == "合计")
    assert Decimal(str(total_row[5])) * 100 == int(paid["final_amount"].sum())
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
    names = [
        "publicity_2025.xlsx",
        "disbursement_2025.xlsx",
        "validation_2025.xlsx",
        "validation_2025.json",
        "awards.csv",
        "changes_2025.csv",
        "manifest.json",
    ]
    names += sorted(p.name for p in outs[0].glob("bank_transfer_*.csv"))
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_no_temp_files_are_left(final_year):
    _, folder, _ = final_year
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
