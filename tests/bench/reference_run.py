"""The end-to-end per-row reference: what a plain script would do to settle a landing folder,
timed beside the whole ``settlement run`` in ``make bench``.

It reads the year's files with the ``csv`` module (UTF-8 with or without BOM, else GB18030)
and openpyxl for ``.xlsx``, converts every cell one by one (amounts with ``Decimal`` to fen,
ratios and quantities to their integer units, dates, flags and the contract's enumerations),
leaves out the rows the product quarantines on the bench's data (a statistics row whose online
retail exceeds its retail sales; an application naming a clause that does not exist is never
looked at), settles with ``tests/reference_engine.py`` and writes ``awards.csv`` (one line per
award with status and amounts). No pandas, no ledger, no Excel lists, no validation report, no
explanations: the least a per-row script must do to get the same money.

    usage: python tests/bench/reference_run.py LANDING_YEAR_FOLDER YEAR OUT_CSV
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference_engine import Reference  # noqa: E402

from settlement.ingest.contract import BOOL_TRUE, FILES, LEVELS, NUMBER_SCALE, PARK_KINDS, RATIO_SCALE, STATUS  # noqa: E402
from settlement.policies import load_catalog  # noqa: E402


class Rows(list):
    """A list of dicts that answers ``to_dict("records")`` as the reference asks of its inputs."""

    def to_dict(self, _orient: str) -> list[dict]:
        return list(self)


def read_rows(path: Path) -> tuple[list[str], list[list]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return [str(h or "").strip() for h in rows[0]], rows[1:]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(text.splitlines()))
    return [h.strip() for h in rows[0]], rows[1:]


def scaled(text: str, scale: int) -> int:
    text = text.replace(",", "").strip()
    percent = text.endswith("%")
    value = Decimal(text.rstrip("%")) * scale
    return int(value / 100 if percent else value)


def cell(kind: str, value):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value).strip().replace("/", "-")[:10])
    text = str(value).strip()
    if kind == "money":
        return scaled(text, 100)
    if kind == "ratio":
        return scaled(text, RATIO_SCALE)
    if kind == "number":
        return scaled(text, NUMBER_SCALE)
    if kind == "int":
        return int(Decimal(text.replace(",", "")))
    if kind == "bool":
        return text.lower() in BOOL_TRUE
    if kind in ("status", "level", "park_kind"):
        table = {"status": STATUS, "level": LEVELS, "park_kind": PARK_KINDS}[kind]
        return table.get(text.lower(), table.get(text, text))
    return text


def read_table(folder: Path, spec) -> Rows:
    path = next(
        (
            p
            for p in folder.iterdir()
            if p.stem.lower() == spec.name and p.suffix.lower() in (".csv", ".xlsx")
        ),
        None,
    )
    if path is None:
        return Rows()
    header, rows = read_rows(path)
    by_name = {}
    for c in spec.columns:
        by_name[c.code] = c
        by_name[c.label] = c
    columns = [by_name.get(h) for h in header]
    out = Rows()
    for row in rows:
        record = {c.code: None for c in spec.columns}
        for column, value in zip(columns, row, strict=False):
            if column is not None:
                record[column.code] = cell(column.type, value)
        if spec.name == "enterprises":
            record["park_id"] = record.get("park_id") or ""
        out.append(record)
    return out


def settle_folder(folder: Path, year: int) -> dict:
    tables = {spec.name: read_table(folder, spec) for spec in FILES}
    stats = Rows(
        s
        for s in tables["annual_stats"]
        if s["year"] <= year
        and not (
            s["online_retail"] is not None
            and s["retail_sales"] is not None
            and s["online_retail"] > s["retail_sales"]
        )
    )
    paid = Rows(
        {
            "payee_uscc": p["uscc"],
            "subject_uscc": p.get("subject_uscc") or p["uscc"],
            "policy_id": p["policy_id"],
            "clause_id": p["clause_id"],
            "year": p["year"],
            "amount": p["amount"],
        }
        for p in tables["prior_awards"]
        if p["year"] < year and (p["amount"] or 0) > 0
    )
    ctx = SimpleNamespace(
        year=year,
        catalog=load_catalog(),
        enterprises=tables["enterprises"],
        stats=stats,
        applications=Rows(a for a in tables["applications"] if a["year"] == year),
        parks=tables["parks"],
        fx_rates=tables["fx_rates"],
        budgets=Rows(b for b in tables["budgets"] if b["year"] == year),
        paid=paid,
    )
    return Reference(ctx).settle()


def write_awards(path: Path, result: dict) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "payee_uscc",
                "subject_uscc",
                "park_id",
                "policy_id",
                "clause_id",
                "status",
                "capped_fen",
                "final_fen",
                "city_fen",
                "district_fen",
            ]
        )
        for key in sorted(result):
            r = result[key]
            writer.writerow([*key, r["status"], r["capped"], r["final"], r["city"], r["district"]])


def run(folder: Path, year: int, out_csv: Path) -> tuple[dict, float]:
    t = time.perf_counter()
    result = settle_folder(folder, year)
    write_awards(out_csv, result)
    return result, time.perf_counter() - t


if __name__ == "__main__":
    _, seconds = run(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
    print(f"reference run: {seconds:.2f} s")
