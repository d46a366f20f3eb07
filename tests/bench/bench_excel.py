"""Benchmark: writing a large publicity list and disbursement list (write-only openpyxl + lxml).

``python tests/bench/bench_excel.py [lines]``; prints rows per second (target: 10,000+)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def lines_frame(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from settlement.uscc import make_uscc

    payees = np.array([make_uscc("9", "1", "330282", f"MA{i:07d}") for i in range(n)], dtype=object)
    rng = np.random.default_rng(3)
    amount = rng.integers(100, 10**8, n)
    lines = pd.DataFrame(
        {
            "payee_uscc": payees,
            "subject_uscc": payees,
            "park_id": "",
            "policy_id": "cixi-2024-8",
            "clause_id": rng.choice(["2.1", "4.1", "9.1"], n),
            "status": "paid",
            "final_amount": amount,
            "city_share": amount,
            "district_share": 0,
            "previously_paid": 0,
            "name": "慈溪某某电子商务有限公司",
            "township": "浒山街道",
            "remark": "",
            "matter": "scale_support",
            "standard_amount": amount,
            "capped_amount": amount,
            "scale_factor": "1",
        }
    )
    ents = pd.DataFrame(
        {
            "uscc": payees,
            "name": "慈溪某某电子商务有限公司",
            "region_code": "330282",
            "township": "浒山街道",
            "bank_name": "宁波银行慈溪浒山支行",
            "bank_account": "6222021234567890123",
            "account_name": "",
            "bank_code": "313332012345",
        }
    )
    return lines, ents


def main(n: int = 100_000) -> dict:
    from settlement.config import Settings
    from settlement.policies import load_catalog
    from settlement.reports.disbursement import write_disbursement
    from settlement.reports.publicity import write_publicity
    from settlement.reports.runinfo import RunInfo

    catalog = load_catalog()
    lines, ents = lines_frame(n)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        run = RunInfo(2025, "bench", "final", "bench", ("2026-03-02", "2026-03-06"), "2026-03-16")
        write_publicity(Path(tmp) / "p.xlsx", 2025, lines, catalog, Settings(), run, "2026-01-01T00:00:00Z")
        pub = time.perf_counter() - t
        t = time.perf_counter()
        write_disbursement(
            Path(tmp) / "d.xlsx", 2025, lines, ents, catalog, Settings(), run, "2026-01-01T00:00:00Z"
        )
        dis = time.perf_counter() - t
    figures = {
        "lines": n,
        "publicity_s": round(pub, 2),
        "publicity_rows_per_s": int(n / pub),
        "disbursement_s": round(dis, 2),
        "disbursement_rows_per_s": int(n / dis),
    }
    print(
        f"excel: publicity list {n:,} rows in {pub:.2f} s ({figures['publicity_rows_per_s']:,} rows/s);"
        f" disbursement list in {dis:.2f} s ({figures['disbursement_rows_per_s']:,} rows/s); target 10,000+"
        " rows/s"
    )
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
