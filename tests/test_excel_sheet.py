"""The write-only sheet writer (settlement/reports/excel.py): text of any kind reads back as the
same text, amounts as exact decimals, rows numbered right across blocks, and the file is UTF-8."""

import random
import zipfile
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook, load_workbook

from settlement.money import fen_to_wan_text
from settlement.reports import excel as xl

TRICKY = [
    "A&B<公司>",
    " 前导空格",
    "尾随空格 ",
    "=1+1",
    "换\r\n行",
    "控制\x01字符",
    "",
    "\t制表",
    "引号\"'",
    "0012",
    "]]>",
    "\u3000全角",
    "坏\ud800代理",
    "\ufffe",
]


def _write(tmp_path, fill):
    wb = Workbook(write_only=True)
    ws = xl.new_sheet(wb, "表")
    fill(ws)
    path = tmp_path / "t.xlsx"
    xl.save_deterministic(wb, path, "2026-01-01T00:00:00Z")
    return path


def test_text_reads_back_as_written(tmp_path):
    path = _write(tmp_path, lambda ws: ws.append_columns([xl.text_column(ws, TRICKY)]))
    ws = load_workbook(path)["表"]
    got = [ws.cell(r, 1).value for r in range(1, len(TRICKY) + 1)]
    expected = [
        v.replace("\x01", "\ufffd").replace("\ud800", "\ufffd").replace("\ufffe", "\ufffd") or None
        for v in TRICKY
    ]
    assert got == expected
    assert all(ws.cell(r, 1).data_type == "s" for r in range(1, len(TRICKY) + 1) if TRICKY[r - 1])


def test_amounts_are_exact_decimals():
    rng = random.Random(7)
    fen = [0, 1, -1, 5, 50, -50, 99, 100, 150, 250, 15050, 25050, -15050, 10**15 + 7] + [
        rng.randrange(-(10**12), 10**12) for _ in range(2000)
    ]
    assert xl.yuan_texts(fen) == [_plain(Decimal(f).scaleb(-2)) for f in fen]
    assert xl.wan_texts(fen) == [
        _plain((Decimal(f) / 1_000_000).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)) for f in fen
    ]
    # the same figures as the money rule's 万元 text (halves away from zero, 四舍五入)
    assert [Decimal(t) for t in xl.wan_texts(fen)] == [Decimal(fen_to_wan_text(f)) for f in fen]
    assert xl.wan_texts([50, 150, 15050, -50]) == ["0.0001", "0.0002", "0.0151", "-0.0001"]


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def test_rows_are_numbered_across_blocks_and_single_rows(tmp_path):
    n = 10_000  # more than one chunk

    def fill(ws):
        ws.row_dimensions[1].height = 30
        ws.append([xl.text_cell(ws, "标题"), None, xl.yuan_cell(ws, 150)])
        ws.append_columns([xl.count_column(ws, range(1, n + 1)), None, xl.yuan_column(ws, range(n))])
        ws.append([xl.text_cell(ws, "合计"), xl.text_cell(ws, "")])

    path = _write(tmp_path, fill)
    ws = load_workbook(path)["表"]
    assert ws.max_row == n + 2
    assert [ws["A1"].value, ws["B1"].value, ws["C1"].value] == ["标题", None, 1.5]
    assert ws.row_dimensions[1].height == 30
    assert [ws.cell(2, 1).value, ws.cell(2, 3).value, ws.cell(n + 1, 1).value, ws.cell(n + 1, 3).value] == [
        1,
        0,
        n,
        (n - 1) / 100,
    ]
    assert ws.cell(n + 1, 3).number_format == xl.YUAN_FORMAT and ws.cell(n + 2, 1).value == "合计"
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert "标题".encode() in sheet and b"&#" not in sheet  # UTF-8, not character references


def test_same_content_same_bytes(tmp_path):
    def fill(ws):
        ws.append_columns([xl.text_column(ws, TRICKY), xl.yuan_column(ws, range(len(TRICKY)))])

    first = _write(tmp_path, fill).read_bytes()
    assert _write(tmp_path, fill).read_bytes() == first
