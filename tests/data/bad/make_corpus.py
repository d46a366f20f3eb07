"""Writes the malformed landing files of this folder and ``cases.json`` (what each one is).

    python tests/data/bad/make_corpus.py

The files are kept in the repository (regenerating gives the same bytes); the expected outcome of
each case lives in ``expected.json`` and is checked by ``tests/test_bad_inputs.py``. Each case is
installed over a small valid landing folder (``tests/landing_helpers.py``) under its landing name.
"""

from __future__ import annotations

import io
import json
import random
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/

from landing_helpers import ENTERPRISES, STATS, A, B, csv_bytes  # noqa: E402

CASES: list[dict] = []


def case(file: str, install_as: str, about: str, data: bytes) -> None:
    (HERE / file).write_bytes(data)
    CASES.append({"file": file, "install_as": install_as, "about": about})


def stats_with(**changes) -> bytes:
    rows = [dict(r) for r in STATS]
    rows[1].update(changes)
    return csv_bytes("annual_stats", rows)


def enterprises_with(**changes) -> bytes:
    rows = [dict(r) for r in ENTERPRISES]
    rows[0].update(changes)
    return csv_bytes("enterprises", rows)


def xlsx(rows: list[list], merge: str | None = None, numbers_as_cells: bool = True) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


def _rewrite_zip(data: bytes, edit=lambda name, body: body, level: int | None = None) -> bytes:
    """The same zip with each entry's body passed through ``edit`` and fixed entry times (so that
    regenerating gives the same bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))  # stored, unless a level is given
            if level is not None:
                entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, edit(info.filename, src.read(info.filename)), compresslevel=level)
    return out.getvalue()


def _fixed_zip(data: bytes) -> bytes:
    """The same workbook with fixed document and entry times."""
    import re

    return _rewrite_zip(
        data,
        lambda name, body: (
            re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", body)
            if name == "docProps/core.xml"
            else body
        ),
    )


def _stale_dimension(data: bytes, ref: bytes) -> bytes:
    """The same workbook with the sheet's <dimension> rewritten (as some programs leave it)."""
    import re

    return _rewrite_zip(
        data,
        lambda name, body: (
            re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', body)
            if name == "xl/worksheets/sheet1.xml"
            else body
        ),
    )


def _far_cell(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([str(v) for v in r])
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


def _zip_bomb(rows: list[list]) -> bytes:
    """A valid workbook whose sheet XML carries 120 MB of blanks between two rows."""
    return _rewrite_zip(
        xlsx([[str(v) for v in r] for r in rows]),
        lambda name, body: (
            body.replace(b"</row>", b"</row>" + b" " * (120 << 20), 1)
            if name == "xl/worksheets/sheet1.xml"
            else body
        ),
        level=9,
    )


def apps_header() -> list[str]:
    from settlement.ingest.contract import FILES_BY_NAME

    return [c.label for c in FILES_BY_NAME["applications"].columns]


def main() -> None:
    for old in HERE.iterdir():
        if old.name not in ("make_corpus.py", "expected.json", "README.md"):
            old.unlink()
    rng = random.Random(20251123)
    good_ent = csv_bytes("enterprises", ENTERPRISES)
    good_stats = csv_bytes("annual_stats", STATS)

    # encodings, truncation, junk
    case(
        "01_enterprises_utf16.csv",
        "enterprises.csv",
        "UTF-16 (not UTF-8/GBK)",
        good_ent.decode().encode("utf-16"),
    )
    case(
        "02_annual_stats_undecodable_bytes.csv",
        "annual_stats.csv",
        "bytes neither UTF-8 nor GB18030 can decode",
        good_stats[:60] + b"\xff\xfe\xff\x80\x80" + good_stats[60:],
    )
    case(
        "03_annual_stats_truncated_mid_row.csv",
        "annual_stats.csv",
        "file cut off in the middle of a row",
        good_stats[: len(good_stats) - 25],
    )
    case(
        "04_enterprises_truncated_xlsx.xlsx",
        "enterprises.xlsx",
        "xlsx cut in half (broken zip)",
        xlsx([["uscc", "name"], [A, "x"]])[:700],
    )
    case(
        "05_annual_stats_binary_junk.csv",
        "annual_stats.csv",
        "random bytes named .csv",
        bytes(rng.getrandbits(8) for _ in range(4096)),
    )
    case(
        "06_enterprises_binary_junk.xlsx",
        "enterprises.xlsx",
        "random bytes named .xlsx",
        bytes(rng.getrandbits(8) for _ in range(4096)),
    )
    case("07_enterprises_empty.csv", "enterprises.csv", "empty file (0 bytes)", b"")
    case(
        "08_annual_stats_header_only.csv",
        "annual_stats.csv",
        "header row only, no data",
        good_stats.split(b"\r\n")[0] + b"\r\n",
    )
    case("09_enterprises_bom_only.csv", "enterprises.csv", "a UTF-8 BOM and nothing else", b"\xef\xbb\xbf")
    case(
        "10_annual_stats_nul_bytes.csv",
        "annual_stats.csv",
        "NUL bytes inside a row",
        good_stats.replace(b"70,000,000", b"70\x00000\x00000", 1),
    )

    # structure
    header, rest = good_ent.split(b"\r\n", 1)
    case(
        "11_enterprises_duplicated_header.csv",
        "enterprises.csv",
        "the same column twice",
        header + b",uscc\r\n" + rest,
    )
    case(
        "12_enterprises_missing_uscc_column.csv",
        "enterprises.csv",
        "a required column is absent",
        b"\r\n".join(b",".join(r.split(b",")[1:]) for r in good_ent.split(b"\r\n")),
    )
    lines = good_stats.split(b"\r\n")
    lines[2] += b",extra,cells"
    case(
        "13_annual_stats_ragged_row.csv",
        "annual_stats.csv",
        "a row with more cells than the header",
        b"\r\n".join(lines),
    )
    case(
        "14_annual_stats_unbalanced_quote.csv",
        "annual_stats.csv",
        "an opening quote never closed",
        good_stats.replace(b"50,000,000", b'"50,000,000', 1),
    )
    header = apps_header()
    row = {
        "申报编号": "AP-1",
        "统一社会信用代码": A,
        "政策编号": "cixi-2024-8",
        "条款编号": "2.1",
        "年度": 2025,
        "审核状态": "审核通过",
    }
    apps = [header, [row.get(h, "") for h in header], [dict(row, 申报编号="AP-2").get(h, "") for h in header]]
    case(
        "15_applications_merged_cells.xlsx",
        "applications.xlsx",
        "merged cells across rows (the second row's cells empty)",
        xlsx(apps, merge="A2:A3"),
    )
    case(
        "16_applications_merged_header.xlsx",
        "applications.xlsx",
        "a merged title row above the header",
        xlsx([["申报事项汇总表"] + [None] * (len(header) - 1)] + apps, merge="A1:F1"),
    )

    # cells
    case(
        "17_annual_stats_text_in_amount.csv",
        "annual_stats.csv",
        "Chinese words in a money column",
        stats_with(online_retail="六千万元"),
    )
    case(
        "18_annual_stats_negative_amount.csv",
        "annual_stats.csv",
        "a negative amount",
        stats_with(retail_sales="-70,000,000"),
    )
    case(
        "19_annual_stats_absurd_amount.csv",
        "annual_stats.csv",
        "an amount of 10^16 元",
        stats_with(operating_revenue="10000000000000000"),
    )
    case(
        "20_annual_stats_nan.csv",
        "annual_stats.csv",
        "NaN in a money column",
        stats_with(online_retail="NaN"),
    )
    case(
        "21_annual_stats_inf.csv", "annual_stats.csv", "inf in a money column", stats_with(retail_sales="inf")
    )
    case(
        "22_annual_stats_1e308.csv",
        "annual_stats.csv",
        "1e308 in a money column",
        stats_with(operating_revenue="1e308"),
    )
    case(
        "23_annual_stats_future_year.csv",
        "annual_stats.csv",
        "figures for a year after the settlement year",
        stats_with(year="2031"),
    )
    case(
        "24_annual_stats_duplicate_key.csv",
        "annual_stats.csv",
        "the same enterprise and year twice",
        csv_bytes("annual_stats", STATS + [dict(STATS[1], online_retail="1")]),
    )
    case(
        "25_enterprises_formula_name.csv",
        "enterprises.csv",
        "an enterprise name that is an Excel formula",
        enterprises_with(name='=HYPERLINK("http://evil.example","点我")'),
    )
    case(
        "26_enterprises_account_scientific.csv",
        "enterprises.csv",
        "an 18-digit bank account turned into 6.22202E+18",
        enterprises_with(bank_account="6.22202E+18"),
    )
    ent_rows = [
        [
            "统一社会信用代码",
            "企业名称",
            "行政区划代码",
            "所属街道/乡镇",
            "注册(落户)日期",
            "是否列入严重失信名单",
            "开户银行",
            "银行账号",
        ]
    ]
    for r in ENTERPRISES:
        ent_rows.append(
            [
                r["uscc"],
                r["name"],
                r["region_code"],
                r["township"],
                r["registered_on"],
                r["credit_blacklisted"],
                r["bank_name"],
                int(r["bank_account"]),
            ]
        )
    case(
        "27_enterprises_account_number_cell.xlsx",
        "enterprises.xlsx",
        "bank accounts typed as numbers in Excel",
        xlsx(ent_rows),
    )
    case(
        "28_enterprises_bad_check_digit.csv",
        "enterprises.csv",
        "a USCC with a wrong check character",
        enterprises_with(uscc=A[:-1] + ("0" if A[-1] != "0" else "1")),
    )
    case(
        "29_enterprises_lowercase_uscc.csv",
        "enterprises.csv",
        "a USCC in lower case",
        enterprises_with(uscc=A.lower()),
    )
    case(
        "30_enterprises_impossible_date.csv",
        "enterprises.csv",
        "registered on 2025-13-45",
        enterprises_with(registered_on="2025-13-45"),
    )
    case(
        "31_enterprises_sql_in_name.csv",
        "enterprises.csv",
        "an SQL injection attempt in a name",
        enterprises_with(name="x'); DROP TABLE enterprises; --"),
    )
    case(
        "32_enterprises_path_in_park_id.csv",
        "enterprises.csv",
        "a path in a park id",
        enterprises_with(park_id="../../etc/passwd"),
    )
    case(
        "33_annual_stats_bad_bool.csv",
        "annual_stats.csv",
        "limit_above 'maybe'",
        stats_with(limit_above="maybe"),
    )
    case(
        "34_annual_stats_orphan_enterprise.csv",
        "annual_stats.csv",
        "figures for an enterprise not in enterprises.csv",
        csv_bytes(
            "annual_stats", STATS + [dict(STATS[1], uscc=B.replace("MA0000002", "MA0000099")[:-1] + "0")]
        ),
    )
    case(
        "35_fx_rates_zero_rate.csv",
        "fx_rates.csv",
        "a US dollar rate of 0",
        b"year,usd_cny,source\n2025,0,bad\n",
    )
    case(
        "36_budgets_negative.csv",
        "budgets.csv",
        "a negative budget",
        b"policy_id,year,budget\ncixi-2024-8,2025,-100\n",
    )
    case(
        "37_prior_awards_three_decimals.csv",
        "prior_awards.csv",
        "an amount with three decimals",
        f"uscc,year,policy_id,clause_id,amount,subject_uscc\n{A},2024,cixi-2024-8,4.1,1.234,\n".encode(),
    )
    case(
        "38_applications_unknown_policy.csv",
        "applications.csv",
        "an application under a policy that does not exist",
        csv_bytes(
            "applications",
            [
                {
                    "application_id": "AP-9",
                    "uscc": A,
                    "policy_id": "no-such-policy",
                    "clause_id": "1",
                    "year": "2025",
                    "status": "approved",
                }
            ],
        ),
    )
    case(
        "39_enterprises_huge_cell.csv",
        "enterprises.csv",
        "a 360 KB enterprise name",
        enterprises_with(name="大" * 120_000),
    )
    case(
        "40_annual_stats_gbk_mojibake_header.csv",
        "annual_stats.csv",
        "Chinese headers saved as GBK, then decoded as Latin-1 and saved as UTF-8",
        csv_bytes("annual_stats", STATS, encoding="gbk", chinese=True).decode("latin-1").encode("utf-8"),
    )
    # what must never be read silently wrong (file names, headers, workbooks, budgets)
    budgets = b'policy_id,year,budget\r\ncixi-2024-8,2025,"5,000,000.00"\r\n'
    case(
        "41_applications_old_excel.xls",
        "applications.xls",
        "an old-format Excel file (.xls)",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    )
    case(
        "42_applications_copy_name.xlsx",
        "applications (1).xlsx",
        "a landing file saved as a copy (applications (1).xlsx)",
        xlsx(apps),
    )
    case("43_budgets_chinese_name.csv", "预算.csv", "a landing file named in Chinese (预算.csv)", budgets)
    case(
        "44_budgets_upper_case_name.csv",
        "Budgets.CSV",
        "a landing file name in other case (Budgets.CSV): it is budgets.csv",
        budgets,
    )
    stats_header, stats_rest = good_stats.split(b"\r\n", 1)
    case(
        "45_annual_stats_near_miss_header.csv",
        "annual_stats.csv",
        "a misspelt optional header (onlinesales)",
        stats_header
        + b",onlinesales\r\n"
        + b"\r\n".join(r + b",1" if r else r for r in stats_rest.split(b"\r\n")),
    )
    chinese = csv_bytes("annual_stats", STATS, chinese=True)
    case(
        "46_annual_stats_wan_yuan_header.csv",
        "annual_stats.csv",
        "an amount header in 万元 (网络零售额（万元）)",
        chinese.replace("网络零售额".encode(), "网络零售额（万元）".encode(), 1),
    )
    case(
        "47_annual_stats_yuan_header.csv",
        "annual_stats.csv",
        "an amount header with its own unit (网络零售额（元）): it is that column",
        chinese.replace("网络零售额".encode(), "网络零售额（元）".encode(), 1),
    )
    case(
        "48_annual_stats_percent_growth_header.csv",
        "annual_stats.csv",
        "a growth header in % (零售额同比增速（%）: 12.5 would read as 1250%)",
        stats_header
        + ",零售额同比增速（%）\r\n".encode()
        + b"\r\n".join(r + b",12.5" if r else r for r in stats_rest.split(b"\r\n")),
    )
    formula = [header, [row.get(h, "") for h in header]]
    formula[1][header.index("审定金额")] = "=100000*3"
    case(
        "49_applications_uncalculated_formula.xlsx",
        "applications.xlsx",
        "an approved amount as a formula never calculated (no cached value)",
        xlsx(formula),
    )
    case(
        "50_applications_stale_dimension.xlsx",
        "applications.xlsx",
        "a workbook whose <dimension> says one row while it holds two",
        _stale_dimension(xlsx(apps), b"A1:K2"),
    )
    case(
        "51_budgets_wan_text.csv",
        "budgets.csv",
        "a budget written as 500万",
        "policy_id,year,budget\r\ncixi-2024-8,2025,500万\r\n".encode(),
    )
    short = [list(r) for r in ent_rows]
    short[1][-1] = 622202123456  # a 12-digit account in a number cell: no digit lost, still not paid to
    short[2][-1] = str(short[2][-1])
    short[3][-1] = str(short[3][-1])
    case(
        "52_enterprises_short_account_number_cell.xlsx",
        "enterprises.xlsx",
        "one bank account typed as a number in Excel (12 digits)",
        xlsx(short),
    )
    case(
        "53_enterprises_dimension_bomb.xlsx",
        "enterprises.xlsx",
        "a workbook with a cell at XFD1048576 (17 billion cells in range)",
        _far_cell(ent_rows),
    )
    case(
        "54_enterprises_zip_bomb.xlsx",
        "enterprises.xlsx",
        "a workbook whose sheet unpacks to 120 MB from a few hundred KB",
        _zip_bomb(ent_rows),
    )
    titled = (
        b"2025\xe5\xb9\xb4\xe4\xbc\x81\xe4\xb8\x9a\xe5\x90\x8d\xe5\xbd\x95" + b"," * 7 + b"\r\n" + good_ent
    )  # "2025年企业名录" above the header
    case("55_enterprises_title_row.csv", "enterprises.csv", "a title row above the header", titled)
    case(
        "56_annual_stats_extra_column.csv",
        "annual_stats.csv",
        "a column outside the contract (备注)",
        stats_header
        + ",备注\r\n".encode()
        + b"\r\n".join(r + ",核实".encode() if r else r for r in stats_rest.split(b"\r\n")),
    )
    case(
        "57_applications_office_lock_file.xlsx",
        "~$applications.xlsx",
        "an Excel lock file (~$…) beside the data: ignored",
        b"\x00" * 162,
    )
    case(
        "58_objections_in_landing.csv",
        "objections.csv",
        "the objection outcomes file in the landing folder: only finalize reads it",
        f"uscc,policy_id,clause_id,decision,amount,reason\r\n{A},cixi-2024-8,4.1,uphold,,x\r\n".encode(),
    )
    (HERE / "cases.json").write_text(json.dumps(CASES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
