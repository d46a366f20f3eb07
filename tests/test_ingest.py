"""Ingest: encodings, xlsx, Chinese headers in any order, thousands separators, dates and
booleans, amounts to integer fen, and clear messages for missing files and columns."""

import dataclasses

import pandas as pd
import pytest

from settlement.ingest import LandingError, read_landing

from landing_helpers import ENTERPRISES, STATS, A, B, csv_bytes, drop_column, write_landing, write_xlsx


def _stats(landing):
    return landing.frame("annual_stats").set_index(["uscc", "year"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_each_encoding_with_chinese_headers(tmp_path, encoding):
    write_landing(
        tmp_path, enterprises__csv=csv_bytes("enterprises", ENTERPRISES, encoding=encoding, chinese=True)
    )
    landing = read_landing(tmp_path, 2025)
    ent = landing.frame("enterprises")
    assert list(ent["name"]) == [e["name"] for e in ENTERPRISES]
    assert landing.tables["enterprises"].encoding in ({"gbk": "gb18030"}.get(encoding, encoding),)
    assert landing.tables["enterprises"].problems.empty


def test_headers_in_any_order_and_mixed_languages(tmp_path):
    order = [
        "bank_account",
        "year",
        "limit_above",
        "uscc",
        "online_retail",
        "retail_sales",
        "operating_revenue",
        "wholesale_sales",
        "crossborder_exports",
    ]
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", STATS, chinese=True, order=order))
    stats = _stats(read_landing(tmp_path, 2025))
    assert stats.loc[(A, 2025), "online_retail"] == 6_000_000_050  # 60,000,000.50 元 in fen


def test_thousands_separators_and_fen(tmp_path):
    write_landing(tmp_path)
    stats = _stats(read_landing(tmp_path, 2025))
    assert stats.loc[(A, 2024), "online_retail"] == 4_000_000_000
    assert stats.loc[(A, 2025), "crossborder_exports"] == 720_000_000
    assert stats.loc[(B, 2025), "online_retail"] == 123_456
    assert pd.isna(stats.loc[(B, 2025), "wholesale_sales"])  # blank is unknown, not zero


def test_booleans_and_dates(tmp_path):
    write_landing(tmp_path)
    landing = read_landing(tmp_path, 2025)
    stats = _stats(landing)
    assert bool(stats.loc[(A, 2024), "limit_above"]) is True  # 是
    assert bool(stats.loc[(A, 2025), "limit_above"]) is True  # true
    assert bool(stats.loc[(B, 2025), "limit_above"]) is False  # 0
    ent = landing.frame("enterprises").set_index("uscc")
    assert ent.loc[B, "registered_on"] == pd.Timestamp("2019-06-15")  # YYYY/MM/DD
    assert ent.loc[B, "credit_blacklisted"] == False  # noqa: E712  (N)


def test_xlsx_with_chinese_headers_and_number_cells(tmp_path):
    write_landing(tmp_path, annual_stats__csv=None)
    write_xlsx(tmp_path / "2025" / "annual_stats.xlsx", "annual_stats", STATS)
    landing = read_landing(tmp_path, 2025)
    assert landing.tables["annual_stats"].encoding == "xlsx"
    stats = _stats(landing)
    assert stats.loc[(A, 2025), "online_retail"] == 6_000_000_050
    assert stats.loc[(B, 2025), "online_retail"] == 123_456
    assert landing.tables["annual_stats"].problems.empty


def test_xlsx_excel_dates(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    write_landing(tmp_path, enterprises__csv=None)
    wb = Workbook()
    ws = wb.active
    ws.append(
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
    )
    for e in ENTERPRISES:
        ws.append(
            [
                e["uscc"],
                e["name"],
                e["region_code"],
                e["township"],
                datetime(2018, 3, 1),
                "否",
                e["bank_name"],
                e["bank_account"],
            ]
        )
    wb.save(tmp_path / "2025" / "enterprises.xlsx")
    ent = read_landing(tmp_path, 2025).frame("enterprises")
    assert (ent["registered_on"] == pd.Timestamp("2018-03-01")).all()


def test_missing_column_names_file_and_column(tmp_path):
    data = drop_column(csv_bytes("annual_stats", STATS), "retail_sales")
    write_landing(tmp_path, annual_stats__csv=data)
    with pytest.raises(LandingError) as info:
        read_landing(tmp_path, 2025)
    assert "annual_stats.csv" in str(info.value)
    assert "retail_sales" in str(info.value) and "零售额" in str(info.value)
    assert info.value.column == "retail_sales"


def test_ragged_row_names_the_line(tmp_path):
    data = csv_bytes("annual_stats", STATS) + b"x,y,z,1,2,3,4,5,6,7,8,9\r\n"
    write_landing(tmp_path, annual_stats__csv=data)
    with pytest.raises(LandingError, match="第6行"):
        read_landing(tmp_path, 2025)


def test_missing_required_file(tmp_path):
    write_landing(tmp_path, enterprises__csv=None)
    with pytest.raises(LandingError) as info:
        read_landing(tmp_path, 2025)
    assert "enterprises.csv" in str(info.value)


def test_both_csv_and_xlsx_is_ambiguous(tmp_path):
    write_landing(tmp_path)
    write_xlsx(tmp_path / "2025" / "annual_stats.xlsx", "annual_stats", STATS)
    with pytest.raises(LandingError, match="只保留一个"):
        read_landing(tmp_path, 2025)


def test_cell_problems_are_collected_not_fixed(tmp_path):
    rows = [
        dict(STATS[0], online_retail="12.345"),
        dict(STATS[1], retail_sales="-5"),
        dict(STATS[2], operating_revenue="abc"),
        dict(STATS[3], limit_above="maybe"),
    ]
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", rows))
    problems = read_landing(tmp_path, 2025).tables["annual_stats"].problems
    got = set(zip(problems["row"], problems["column"], problems["reason"], strict=True))
    assert got == {
        (2, "online_retail", "too_many_decimals"),
        (3, "retail_sales", "negative"),
        (4, "operating_revenue", "bad_number"),
        (5, "limit_above", "bad_bool"),
    }


def test_extra_columns_are_kept(tmp_path):
    data = csv_bytes("enterprises", ENTERPRISES).decode().splitlines()
    data = [data[0] + ",备注"] + [line + ",保留" for line in data[1:]]
    write_landing(tmp_path, enterprises__csv="\r\n".join(data).encode())
    table = read_landing(tmp_path, 2025).tables["enterprises"]
    assert table.extra_columns == ["备注"]
    assert table.frame["_extra"].iloc[0] == '{"备注": "保留"}'


# Arrow reads a rectangular CSV; anything else goes to pandas' C parser, which reads (or refuses)
# it as before. Both must give the same cells wherever Arrow answers.
CSV_SHAPES = {
    "plain": "a,b\n1,2\n3,4\n",
    "no final newline": "a,b\n1,2\n3,4",
    "CRLF and a blank line": "a,b\r\n1,2\r\n\r\n3,4\r\n",
    "CR line ends": "a,b\r1,2\r3,4\r",
    "blank lines": "a,b\n\n1,2\n\n\n3,4\n\n",
    "line of blanks": "a,b\n1,2\n   \n3,4\n",
    "quotes": 'a,b\n"x,y","he said ""hi"""\n',
    "quote inside a cell": 'a,b\nab"c"d,2\n',
    "text after a closing quote": 'a,b\n"abc"def,2\n',
    "newline in quotes": 'a,b\n"line1\nline2",2\n"x\r\ny",3\n',
    "short row": "a,b,c\n1,2\n3,4,5\n",
    "empty cells": "a,b\n,\n,2\n",
    "spaces kept": "a,b\n 1 , 2 \n",
    "empty last column": "a,b,\n1,2,\n",
    "NA words stay text": "a,b\nNA,null\nNaN,None\n#N/A,\n",
    "numbers stay text": "a,b\n001,1e5\n0x1,-0\n",
    "tabs": "a,b\n\t1,2\t\n",
    "one column": "a\n1\n  \n2\n",
}


@pytest.mark.parametrize("text", CSV_SHAPES.values(), ids=CSV_SHAPES.keys())
def test_arrow_and_pandas_read_the_same_cells(text):
    from settlement.ingest.readers import _arrow_csv, _pandas_csv

    expected = _pandas_csv(text, "x.csv")
    got = _arrow_csv(text)
    if got is None:  # read by pandas instead
        return
    assert all(dtype.storage == "pyarrow" for dtype in got.dtypes)  # kept in Arrow's memory
    got.columns = expected.columns
    pd.testing.assert_frame_equal(got.astype(str), expected)


def test_rectangular_csv_is_read_by_arrow():
    from settlement.ingest.readers import _arrow_csv

    for key in ("plain", "quotes", "newline in quotes", "empty last column", "CR line ends"):
        assert _arrow_csv(CSV_SHAPES[key]) is not None, key
    for key in ("short row", "line of blanks", "one column"):
        assert _arrow_csv(CSV_SHAPES[key]) is None, key


@pytest.mark.parametrize(
    "tail, message",
    [
        (b'"unclosed,1,2,3,4,5,6,7,8,9,10,11\r\n', "CSV格式错误"),
        (b"x,y\r\n", None),  # a short row: padded with blanks by pandas, then found incomplete
    ],
)
def test_malformed_csv_is_told_as_before(tmp_path, tail, message):
    data = csv_bytes("annual_stats", STATS) + tail
    write_landing(tmp_path, annual_stats__csv=data)
    if message is None:
        landing = read_landing(tmp_path, 2025)
        assert len(landing.tables["annual_stats"].frame) == len(STATS) + 1
    else:
        with pytest.raises(LandingError, match=message):
            read_landing(tmp_path, 2025)


# cells of every kind a number column meets: plain, padded, separated, signed, percent, blank,
# full-width, scientific, too long, too precise, words
AWKWARD_NUMBERS = [
    "0", "12", "007", "1234.5", "1234.56", "1234.567", " 12.5", "12.5 ", "\t3", "1,234.56", "1,23",
    "+5", "-5", "-0", "-0.00", "", "  ", "１２", "1e5", "1E+18", "nan", "inf", "#DIV/0!", "12%",
    "12.5%", "999999999999999.99", "1000000000000000", "123456789", "1234567890", "0.000000001",
    "0.0000000001", ".5", "5.", "abc", "1 000",
]  # fmt: skip


@pytest.mark.parametrize("name", ["annual_stats", "applications", "parks", "fx_rates"])
def test_numbers_read_in_arrow_are_read_as_cell_by_cell(tmp_path, name):
    """A CSV file's number cells (amounts, ratios, quantities, years) are read where Arrow holds
    them when they are plain, and cell by cell otherwise: the same values and the same problems,
    row for row, as reading every cell as a Python string."""

    from settlement.ingest.contract import FILES_BY_NAME
    from settlement.ingest.parse import parse_table
    from settlement.ingest.readers import read_csv_text

    spec = FILES_BY_NAME[name]
    numeric = [c.code for c in spec.columns if c.type in ("money", "ratio", "number", "int")]
    codes = [c.code for c in spec.columns]
    rows = []
    for k in range(len(AWKWARD_NUMBERS) * 2):
        row = {c: f"T{k}" for c in codes}
        for j, code in enumerate(numeric):
            row[code] = AWKWARD_NUMBERS[(k + 7 * j) % len(AWKWARD_NUMBERS)]
        rows.append(row)
    path = tmp_path / f"{name}.csv"
    frame = pd.DataFrame(rows, columns=codes)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    raw = read_csv_text(path)
    assert raw.cells[codes.index(numeric[0])].dtype.storage == "pyarrow"  # read by Arrow
    in_python = dataclasses.replace(raw, cells=raw.cells.astype(str))
    assert in_python.cells[codes.index(numeric[0])].dtype.storage == "python"
    arrow, python = parse_table(spec, raw), parse_table(spec, in_python)
    pd.testing.assert_frame_equal(arrow.frame, python.frame, check_exact=True)
    pd.testing.assert_frame_equal(arrow.problems, python.problems, check_exact=True)
    assert len(python.problems) > len(rows) // 2  # the awkward cells were there to be found


def _sheet_xml(body: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<worksheet xmlns="{ns}"><dimension ref="A1:B2"/><sheetData>{body}</sheetData></worksheet>'.encode()
    )


def _workbook(path, sheet: bytes) -> None:
    import zipfile

    from openpyxl import Workbook

    Workbook().save(path)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_the_xlsx_scan_finds_every_cell_in_rows_and_outside_them(tmp_path):
    """Cells between rows and after the last one count for the sheet's extent too, and formulas
    without a value are named in the sheet's order. (The scan takes one cell at a time, clearing
    each: a scan by rows would hold a row of a billion cells in memory before any bound.)"""
    from settlement.ingest.readers import scan_xlsx

    path = tmp_path / "a.xlsx"
    uncalculated = '<c r="{}"><f>1+1</f></c>'
    _workbook(
        path,
        _sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
            + uncalculated.format("B1")
            + "</row>"
            + uncalculated.format("C7")  # between rows, and the last column named
            + '<row r="2"><c r="A2"><f>2*3</f><v>6</v></c>'
            + uncalculated.format("B2")
            + "</row>"
            + '<c r="A40"><v>1</v></c>'  # after the last row, and the last row named
        ),
    )
    scan = scan_xlsx(path)
    assert (scan.rows, scan.columns) == (40, 3)
    assert scan.uncached == ["B1", "C7", "B2"]
