"""Bank batch-transfer files (批量转账文件): one CSV per funding source, the columns a bank's
corporate online banking imports for 批量转账 — 户名, 账号, 开户行, 联行号, 金额, 用途 — one row
per transfer of the source's 拨付 sheet, in the same order and with the same total.

Encoding is a setting (``bank_file_encoding``): UTF-8 with BOM, or GBK for banks whose import
reads only GBK. A name GBK cannot hold stops the writing with the payee named, rather than
writing a file the bank would read wrongly. Amounts are 元 with two decimals and no thousands
separators; lines end with CRLF (the files are opened on Windows).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..config import Settings
from .disbursement import bank_rows
from .files import write_bytes_atomic
from .payments import Payments
from .runinfo import RunInfo


class BankFileError(Exception):
    """A bank file cannot be written as the bank needs it; the message names the row."""


def bank_file_name(year: int, run: RunInfo, source_name: str) -> str:
    return f"bank_transfer_{year}{run.suffix}_{source_name}.csv"


def bank_file_bytes(money: Payments, source, encoding: str) -> bytes:
    rows = bank_rows(money, source)
    buf = io.StringIO()
    rows.to_csv(buf, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    try:
        return text.encode("gbk")
    except UnicodeEncodeError:
        for k, row in enumerate(rows.itertuples(index=False), start=2):
            for column, value in zip(rows.columns, row, strict=True):
                try:
                    str(value).encode("gbk")
                except UnicodeEncodeError as exc:
                    bad = str(value)[exc.start : exc.end]
                    raise BankFileError(
                        f"{source.name}的银行批量转账文件第{k}行“{column}”（{value}）含有GBK编码无法表示的字符“{bad}”。"
                        "请与开户行确认户名的写法，或在 settlement.yaml 中设置 bank_file_encoding: utf-8-sig"
                        " 后重新定稿。"
                    ) from None
        raise


def write_bank_files(
    out_dir: Path, year: int, money: Payments, settings: Settings, run: RunInfo
) -> dict[str, str]:
    """One file per funding source that pays anything; returns file name -> SHA-256. Files of
    this run's kind left from an earlier attempt for sources that no longer pay are removed."""
    out_dir = Path(out_dir)
    contents = {}
    for source in money.sources:
        if (money.source_transfers(source)["amount"] > 0).any():
            contents[bank_file_name(year, run, source.name)] = bank_file_bytes(
                money, source, settings.bank_file_encoding
            )
    for stale in out_dir.glob(f"bank_transfer_{year}{run.suffix}_*.csv"):
        if stale.name not in contents and (run.suffix or "_correction" not in stale.name):
            stale.unlink()
    return {name: write_bytes_atomic(out_dir / name, data) for name, data in contents.items()}
