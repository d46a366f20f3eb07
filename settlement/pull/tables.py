"""A pulled table and how it becomes a landing file: canonical CSV (UTF-8, the landing
contract's English column codes, ``\\n`` line ends), every value written by one rule, rows in
a stable order. The same data pulled twice gives byte-identical files, whatever order the
source returned it in, so the settlement's draft run id is reused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal

from ..ingest.contract import FILES_BY_NAME


class PullError(Exception):
    """A pull that cannot complete. ``code`` is the exit status: 2 when the source answered
    with something wrong (refused, malformed, incomplete), 1 when it could not be reached."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass
class Table:
    name: str  # the landing file's stem: annual_stats
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def cell_text(value, where: str) -> str:
    """One value as the landing file's text. Exact decimals stay exact (``Decimal`` is written
    in positional notation, never ``1E+3``); floats by their shortest round-trip digits; dates
    as ``YYYY-MM-DD``; booleans as true/false; NULL as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PullError(f"{where}：数据源给出了非数值 {value}，请修正数据源后重新拉取")
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PullError(f"{where}：数据源给出了非数值 {value}，请修正数据源后重新拉取")
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview, dict, list)):
        raise PullError(
            f"{where}：数据源给出了{type(value).__name__}类型的值，落地文件只接受文字、数字、日期和是否；请在查询中转换该列"
        )
    return str(value)


def ordered(table: Table) -> list[list[str]]:
    """The table's rows as text, sorted by the landing file's key columns, then by the whole
    row: a stable order that does not depend on how the source returned them."""
    spec = FILES_BY_NAME[table.name]
    lower = [c.lower() for c in table.columns]
    key_at = [lower.index(k) for k in spec.key if k in lower]
    texts = []
    for number, row in enumerate(table.rows, start=1):
        texts.append(
            [cell_text(v, f"{table.name} 第 {number} 行 {table.columns[i]} 列") for i, v in enumerate(row)]
        )
    texts.sort(key=lambda r: ([r[i] for i in key_at], r))
    return texts


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(ordered(table))
    return buffer.getvalue().encode("utf-8")
