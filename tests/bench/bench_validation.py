"""Benchmark: validating 1,000,000 annual_stats rows (contracts + references + warnings).

Run with ``make bench`` (or ``python tests/bench/bench_validation.py [rows]``); prints the figures.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd


def stats_frame(rows: int, years: int = 5, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    from settlement.uscc import make_uscc

    rng = np.random.default_rng(seed)
    n_ent = rows // years
    codes = np.array([make_uscc("9", "1", "330108", f"MA{i:07d}") for i in range(n_ent)], dtype=object)
    uscc = np.repeat(codes, years)
    year = np.tile(np.arange(2025 - years + 1, 2026), n_ent)
    online = rng.integers(0, 10**10, n_ent * years)

    def money(values):
        return pd.array(values, dtype="Int64")

    stats = pd.DataFrame(
        {
            "uscc": uscc,
            "year": pd.array(year, dtype="Int64"),
            "online_retail": money(online),
            "retail_sales": money(online * 2),
            "wholesale_sales": money(online // 2),
            "operating_revenue": money(online * 3),
            "online_sales": pd.array([None] * len(uscc), dtype="Int64"),
            "crossborder_exports": money(online // 4),
            "independent_site_sales": pd.array([None] * len(uscc), dtype="Int64"),
            "retail_growth": pd.array([None] * len(uscc), dtype="Int64"),
            "online_retail_growth": pd.array([None] * len(uscc), dtype="Int64"),
            "local_contribution": money(online // 100),
            "limit_above": True,
            "_extra": "",
            "_row": np.arange(2, len(uscc) + 2),
        }
    )
    enterprises = pd.DataFrame(
        {
            "uscc": codes,
            "name": "企业",
            "region_code": "330108",
            "township": "",
            "registered_on": pd.Timestamp("2015-01-01"),
            "park_id": "",
            "park_entry_on": pd.NaT,
            "credit_blacklisted": False,
            "bank_name": "",
            "bank_account": "",
            "_extra": "",
            "_row": np.arange(2, n_ent + 2),
        }
    )
    return stats, enterprises


def main(rows: int = 1_000_000) -> dict:
    from pathlib import Path

    from settlement.ingest import Landing
    from settlement.ingest.contract import ANNUAL_STATS, ENTERPRISES
    from settlement.ingest.parse import ParsedTable
    from settlement.ingest.problems import PROBLEM_COLUMNS
    from settlement.policies import load_catalog
    from settlement.validation import validate_landing

    stats, enterprises = stats_frame(rows)
    empty = pd.DataFrame(columns=PROBLEM_COLUMNS)
    landing = Landing(
        2025,
        Path("."),
        {
            "enterprises": ParsedTable(ENTERPRISES, Path("enterprises.csv"), "", "utf-8", enterprises, empty),
            "annual_stats": ParsedTable(ANNUAL_STATS, Path("annual_stats.csv"), "", "utf-8", stats, empty),
        },
    )
    catalog = load_catalog()
    t = time.perf_counter()
    from settlement.validation.contracts import _gx

    _gx()
    gx_import = time.perf_counter() - t
    t = time.perf_counter()
    result = validate_landing(landing, catalog)
    seconds = time.perf_counter() - t
    figures = {
        "stats_rows": rows,
        "enterprises": len(enterprises),
        "gx_import_s": round(gx_import, 2),
        "validate_s": round(seconds, 2),
        "rows_per_s": int(rows / seconds),
        "quarantined": int(sum(result.quarantined_rows.values())),
        "checks": len(result.checks),
    }
    print(
        f"validation: {rows:,} stats rows + {len(enterprises):,} enterprises in {seconds:.2f} s"
        f" ({figures['rows_per_s']:,} rows/s; GX import {gx_import:.2f} s; {len(result.checks)} checks;"
        " target < 10 s)"
    )
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
