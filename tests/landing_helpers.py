"""Small landing folders written by hand, for ingest and validation tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from settlement.ingest.contract import FILES_BY_NAME
from settlement.uscc import make_uscc

A = make_uscc("9", "1", "330282", "MA0000001")
B = make_uscc("9", "1", "330282", "MA0000002")
C = make_uscc("9", "1", "330108", "MA0000003")

ENTERPRISES = [
    {
        "uscc": A,
        "name": "慈溪甲电子商务有限公司",
        "region_code": "330282",
        "township": "浒山街道",
        "registered_on": "2018-03-01",
        "credit_blacklisted": "否",
        "bank_name": "宁波银行",
        "bank_account": "6222021234567890123",
    },
    {
        "uscc": B,
        "name": "慈溪乙网络科技有限公司",
        "region_code": "330282",
        "township": "周巷镇",
        "registered_on": "2019/06/15",
        "credit_blacklisted": "N",
        "bank_name": "中国银行",
        "bank_account": "6217001234567890",
    },
    {
        "uscc": C,
        "name": "滨江丙电子商务有限公司",
        "region_code": "330108",
        "township": "长河街道",
        "registered_on": "2020-01-01",
        "credit_blacklisted": "0",
        "bank_name": "杭州银行",
        "bank_account": "3301040160001234567",
    },
]
STATS = [
    {
        "uscc": A,
        "year": "2024",
        "online_retail": "40,000,000.00",
        "retail_sales": "50,000,000",
        "wholesale_sales": "0",
        "operating_revenue": "80000000",
        "crossborder_exports": "0",
        "limit_above": "是",
    },
    {
        "uscc": A,
        "year": "2025",
        "online_retail": "60,000,000.50",
        "retail_sales": "70,000,000",
        "wholesale_sales": "0",
        "operating_revenue": "90000000",
        "crossborder_exports": "7,200,000",
        "limit_above": "true",
    },
    {
        "uscc": B,
        "year": "2025",
        "online_retail": "1234.56",
        "retail_sales": "5000",
        "wholesale_sales": "",
        "operating_revenue": "9000",
        "crossborder_exports": "0",
        "limit_above": "0",
    },
    {
        "uscc": C,
        "year": "2025",
        "online_retail": "100",
        "retail_sales": "100",
        "wholesale_sales": "0",
        "operating_revenue": "100",
        "crossborder_exports": "0",
        "limit_above": "N",
    },
]


def columns(name: str, chinese: bool, rows: list[dict]) -> list[str]:
    spec = FILES_BY_NAME[name]
    codes = [c.code for c in spec.columns if c.required or any(c.code in r for r in rows)]
    return [
        next(c.label for c in spec.columns if c.code == code) if chinese else code for code in codes
    ], codes


def csv_bytes(
    name: str,
    rows: list[dict],
    encoding: str = "utf-8",
    chinese: bool = False,
    order: list[str] | None = None,
) -> bytes:
    headers, codes = columns(name, chinese, rows)
    if order:
        pairs = sorted(
            zip(headers, codes, strict=True), key=lambda hc: order.index(hc[1]) if hc[1] in order else 99
        )
        headers, codes = [h for h, _ in pairs], [c for _, c in pairs]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(c, "") for c in codes])
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def write_landing(root: Path, year: int = 2025, **overrides) -> Path:
    """enterprises + annual_stats (UTF-8, English codes) unless overridden with bytes or rows."""
    folder = root / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "enterprises.csv": csv_bytes("enterprises", ENTERPRISES),
        "annual_stats.csv": csv_bytes("annual_stats", STATS),
    }
    for name, data in overrides.items():
        fname = name.replace("__", ".")
        if data is None:
            files.pop(fname, None)
        else:
            files[fname] = data
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return root


def write_xlsx(path: Path, name: str, rows: list[dict], chinese: bool = True, numbers: bool = True) -> None:
    from openpyxl import Workbook

    headers, codes = columns(name, chinese, rows)
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        values = []
        for c in codes:
            v = r.get(c, "")
            if (
                numbers
                and isinstance(v, str)
                and v.replace(",", "").replace(".", "", 1).isdigit()
                and c not in ("uscc", "bank_account", "region_code")
            ):
                v = float(v.replace(",", "")) if "." in v else int(v.replace(",", ""))
            values.append(v)
        ws.append(values)
    wb.save(path)


def drop_column(data: bytes, header: str, encoding: str = "utf-8") -> bytes:
    """The same CSV without one column (properly parsed, quotes and all)."""
    rows = list(csv.reader(io.StringIO(data.decode(encoding))))
    idx = rows[0].index(header)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[c for i, c in enumerate(r) if i != idx] for r in rows])
    return buf.getvalue().encode(encoding)
