"""cixi-2024-8 settled all the way: demo landing -> ledger -> awards.csv, publicity list and
manifest, on SQLite and on PostgreSQL."""

import json

import pandas as pd
from openpyxl import load_workbook

from settlement.pipeline import run


def test_demo_settles_to_files(landing_copy, tmp_path, db_url):
    out = tmp_path / "out"
    result = run(2025, landing_copy, out, db_url)
    folder = out / "2025"
    for name in ("awards.csv", "publicity_2025.xlsx", "manifest.json", "validation_2025.json"):
        assert (folder / name).exists(), name
    awards = pd.read_csv(folder / "awards.csv", dtype=str, keep_default_na=False)
    assert list(awards.columns) == [
        "uscc",
        "name",
        "payee_uscc",
        "subject_uscc",
        "park_id",
        "policy_id",
        "clause_id",
        "matter",
        "status",
        "standard_amount",
        "capped_amount",
        "scale_factor",
        "final_amount",
        "city_share",
        "district_share",
        "explanation",
    ]
    cixi = awards[awards["policy_id"] == "cixi-2024-8"]
    paid = cixi[cixi["status"] == "paid"]
    assert {"2.1", "2.2", "2.3", "2.4", "3", "4.1", "4.2", "9.1"} <= set(paid["clause_id"])
    # every amount is 元 with two decimals and the split adds up
    for col in ("standard_amount", "capped_amount", "final_amount", "city_share", "district_share"):
        assert awards[col].str.fullmatch(r"\d+\.\d{2}").all(), col
    fen = lambda s: s.str.replace(".", "", regex=False).astype(int)  # noqa: E731
    assert (fen(awards["city_share"]) + fen(awards["district_share"]) == fen(awards["final_amount"])).all()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == result.run_uid and manifest["status"] == "draft" and manifest["year"] == 2025
    assert set(manifest["inputs"]) >= {"enterprises.csv", "annual_stats.csv", "applications.xlsx"}
    assert "cixi-2024-8.yaml" in manifest["policies"]
    budget = manifest["scale_factors"]["cixi-2024-8"]
    if budget["scaled"]:
        assert int(fen(paid["final_amount"]).sum()) == budget["budget"]
    assert sum(manifest["quarantined_rows"].values()) == 2  # the demo's two planted mistakes


def test_publicity_list_reads_back(landing_copy, tmp_path, db_url):
    out = tmp_path / "out"
    result = run(2025, landing_copy, out, db_url)
    wb = load_workbook(out / "2025" / "publicity_2025.xlsx")
    ws = wb.active
    assert [c.value for c in ws[4]] == [
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
    paid = result.lines[result.lines["status"] == "paid"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    numbered = [r for r in rows if isinstance(r[0], int)]
    assert len(numbered) == len(paid)  # one numbered row per paid line
    total = next(r for r in rows if r[0] == "合计")
    assert round(float(total[6]) * 100) == int(paid["final_amount"].sum())
    assert ws.cell(6, 3).data_type == "s"  # USCC is text (row 5 is the first policy's heading)
    header_text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "银行" not in header_text and "622" not in header_text  # no bank data


def test_same_inputs_give_identical_files_and_no_ledger_change(landing_copy, tmp_path, db_url):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    first = run(2025, landing_copy, out1, db_url)
    second = run(2025, landing_copy, out2, db_url)
    assert first.run_uid == second.run_uid and first.run_id == second.run_id
    for name in ("awards.csv", "publicity_2025.xlsx", "manifest.json"):
        assert (out1 / "2025" / name).read_bytes() == (out2 / "2025" / name).read_bytes(), name
    for table, counts in second.load_changes.items():
        assert counts["inserted"] == counts["updated"] == counts["deleted"] == 0, table
