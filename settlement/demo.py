"""Synthetic but realistic landing folders (``settlement demo-data``), deterministic per seed.

Enterprises of the five jurisdictions with valid USCCs, townships, parks with operators,
several years of statistics with growth, an fx rate per year, budgets, prior awards and
applications for every clause that needs one (read from the policy files, so a new policy
gets its applications without code). Files come in the formats the bureau really receives:
GBK with Chinese headers, UTF-8 with BOM, UTF-8 with English codes, and one .xlsx.
A folder per year holds that year's files; annual_stats carries the history back to the
first year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .demo_applications import WAN, make_applications
from .demo_files import (
    FORMATS,
    csv_bytes,
    write_xlsx,
)
from .demo_names import BANKS, NAME_TRADES, NAME_WORDS, branch_names, uscc_codes
from .demo_planted import inject_errors, plant, plant_prior_awards
from .fact_registry import MONEY_STATISTICS
from .money import fen_column_to_yuan_text, fen_to_yuan_grouped
from .policies import Catalog, load_catalog

REGIONS = {
    # code: (name, weight, townships)
    "330108": ("滨江区", 0.22, ["西兴街道", "长河街道", "浦沿街道"]),
    "330106": ("西湖区", 0.06, ["文新街道", "蒋村街道"]),
    "330110": ("余杭区", 0.06, ["仓前街道", "五常街道"]),
    "330109": ("萧山区", 0.05, ["北干街道", "宁围街道"]),
    "331122": ("缙云县", 0.20, ["五云街道", "壶镇镇", "新建镇"]),
    "330282": ("慈溪市", 0.24, ["浒山街道", "白沙路街道", "观海卫镇", "周巷镇"]),
    "331102": ("莲都区", 0.17, ["紫金街道", "岩泉街道", "南明山街道"]),
}
FX = {
    2020: "6.8976",
    2021: "6.4515",
    2022: "6.7261",
    2023: "7.0467",
    2024: "7.1217",
    2025: "7.1884",
    2026: "7.1500",
}


@dataclass
class DemoSpec:
    out: Path
    years: tuple[int, int] = (2022, 2025)
    enterprises: int = 300
    seed: int = 20250101
    with_errors: bool = True
    history: int = 2  # years of statistics before the first folder's year
    application_share: float = (
        0.0  # share of a policy's enterprises applying under each clause (0: a few per clause)
    )
    only_last_year: bool = False  # write the last year's folder only (benchmarks)


def build(spec: DemoSpec, catalog: Catalog | None = None) -> dict[int, dict[str, pd.DataFrame]]:
    """The landing frames per year (text cells, as they will be written)."""
    catalog = catalog or load_catalog()
    rng = np.random.default_rng(spec.seed)
    first, last = spec.years
    n = spec.enterprises
    codes = np.array(list(REGIONS))
    weights = np.array([REGIONS[c][1] for c in codes])
    region = rng.choice(codes, n, p=weights / weights.sum())
    uscc = uscc_codes(rng, region)
    township = np.array([rng.choice(REGIONS[r][2]) for r in region])
    names = [f"{REGIONS[r][0][:2]}{rng.choice(NAME_WORDS)}{rng.choice(NAME_TRADES)}有限公司" for r in region]
    # make names unique the way registries do: add a place word when taken
    seen: dict[str, int] = {}
    for i, nm in enumerate(names):
        if nm in seen:
            seen[nm] += 1
            names[i] = (
                nm.replace("有限公司", f"（{township[i]}）有限公司")
                if seen[nm] == 1
                else nm.replace("有限公司", f"{seen[nm]}号有限公司")
            )
        else:
            seen[nm] = 0
    reg_days = rng.integers(0, (date(last, 6, 30) - date(2012, 1, 1)).days, n)
    registered = np.array([date(2012, 1, 1) + timedelta(days=int(d)) for d in reg_days])
    # new registrations in the last year (binjiang 5.3, lishui 4): a few large newcomers
    newcomers = np.flatnonzero((region == "330108") | (region == "331102"))[:4]
    registered[newcomers] = date(last, 2, 1)
    blacklisted = rng.random(n) < 0.015
    accounts = ["62" + "".join(rng.choice(list("0123456789"), 17)) for _ in range(n)]
    bank = rng.choice(BANKS, n)
    branch, bank_code = branch_names(bank, region, township)

    # scale: lognormal online retail in the last year, median ~ 2000万元
    size = rng.lognormal(mean=np.log(2.0e7), sigma=1.3, size=n)
    size[: max(3, n // 40)] *= 8  # a few large players per run
    rng.shuffle(size)
    size[newcomers] = rng.uniform(6e7, 1.5e8, len(newcomers))
    crossborder = rng.random(n) < 0.35
    independent = crossborder & (rng.random(n) < 0.4)
    contribution_rate = rng.uniform(0.002, 0.006, n)  # local contribution per 元 of revenue

    # parks: two per jurisdiction with parks in the policies (jinyun, lishui) and one in cixi
    parks = []
    members = np.full(n, "", dtype=object)
    entry = np.full(n, None, dtype=object)
    park_specs = [
        ("331122", "ecommerce", "缙云电商产业园"),
        ("331122", "crossborder", "缙云跨境电商园"),
        ("331102", "ecommerce", "丽水电商小微园"),
        ("331102", "crossborder", "丽水跨境电商小微园"),
        ("330282", "ecommerce", "慈溪新电商小镇"),
    ]
    for k, (reg, kind, pname) in enumerate(park_specs):
        local = np.flatnonzero((region == reg) & ~blacklisted)
        if len(local) < 4:
            continue
        local = np.array([i for i in local if uscc[i] not in {p["operator_uscc"] for p in parks}])
        operator = local[np.argmin(size[local])]  # operators are service companies, small retail
        candidates = [i for i in local if i != operator]
        picked = rng.choice(candidates, min(len(candidates), max(3, len(candidates) // 3)), replace=False)
        pid = f"P{reg}{k + 1:02d}"
        members[picked] = pid
        for i in picked:
            entry[i] = (
                date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
                if rng.random() < 0.5
                else date(2021, 3, 1) + timedelta(days=int(rng.integers(0, 900)))
            )
        parks.append(
            {
                "park_id": pid,
                "name": pname,
                "operator_uscc": uscc[operator],
                "kind": kind,
                "building_area_m2": str(int(rng.integers(12, 30)) * 1000),
                "occupancy_rate": f"{rng.integers(62, 96) / 100:.2f}",
                "online_shops": str(int(rng.integers(35, 160))),
                "established_on": date(2025, 3, 1).isoformat()
                if reg == "331102"
                else date(2019, 5, 1).isoformat(),
            }
        )
        size[picked] *= 3.0  # park members are active sellers
        if reg == "331102":
            # new parks (2025) must reach their milestones: concentrate volume in members
            size[picked[: min(3, len(picked))]] = np.maximum(size[picked[: min(3, len(picked))]], 2.2e8)
            if kind == "crossborder":
                crossborder[picked] = True

    years = list(range(first - spec.history, last + 1))  # history before the first year
    growth = rng.normal(0.10, 0.15, size=(len(years), n)).clip(-0.5, 1.5)
    level = np.empty((len(years), n))
    level[-1] = size
    for y in range(len(years) - 2, -1, -1):
        level[y] = level[y + 1] / (1 + growth[y + 1])
    # each enterprise keeps its shape from year to year (retail vs online, wholesale, exports)
    retail_ratio = rng.uniform(1.05, 1.8, n)
    wholesale_ratio = rng.uniform(0, 1.5, n)
    revenue_extra = rng.uniform(0.1, 0.5, n)
    export_ratio = np.where(crossborder, rng.uniform(0.3, 1.2, n), 0.0)
    site_ratio = np.where(independent, rng.uniform(0.05, 0.3, n), 0.0)
    limit_forced = np.zeros(n, dtype=bool)
    reports = rng.random(n) < 0.9  # qualifying enterprises that report as 限上 (stable over years)
    first_limit_last = np.zeros(n, dtype=bool)  # never limit-above before the last year
    overrides: dict[tuple[int, str], dict[int, int]] = {}
    preferred: dict[tuple[str, str], list[int]] = {}
    showcase = plant(
        rng,
        years,
        region,
        blacklisted,
        members,
        entry,
        parks,
        uscc,
        level,
        retail_ratio,
        wholesale_ratio,
        export_ratio,
        site_ratio,
        crossborder,
        independent,
        limit_forced,
        first_limit_last,
        overrides,
        registered,
        last,
    )
    preferred.update(showcase)
    stats_rows = []
    for yi, y in enumerate(years):
        exists = np.array([registered[i].year <= y for i in range(n)])
        noise = rng.uniform(0.97, 1.03, (5, n))
        online = np.round(level[yi] * 100).astype(np.int64)  # fen
        retail = np.maximum(online, np.round(online * retail_ratio * noise[0]).astype(np.int64))
        wholesale = np.round(online * wholesale_ratio * noise[1]).astype(np.int64)
        revenue = retail + wholesale + np.round(online * revenue_extra * noise[2]).astype(np.int64)
        online_sales = online + np.round(wholesale * 0.3).astype(np.int64)
        exports = np.round(online * export_ratio * noise[3]).astype(np.int64)
        site = np.round(exports * site_ratio * noise[4]).astype(np.int64)
        contribution = np.round(revenue * contribution_rate * rng.uniform(0.95, 1.05, n)).astype(np.int64)
        limit_above = (retail >= 500 * WAN) & (reports | limit_forced)
        if y < last:
            limit_above &= ~first_limit_last
        values = {"exports": exports, "site": site}
        for (i, metric), by_year in overrides.items():
            if y in by_year:
                values[metric][i] = by_year[y]
        prev = level[yi - 1] if yi > 0 else None
        for i in np.flatnonzero(exists):
            row = {
                "uscc": uscc[i],
                "year": str(y),
                "online_retail": online[i],
                "retail_sales": retail[i],
                "wholesale_sales": wholesale[i],
                "operating_revenue": revenue[i],
                "online_sales": online_sales[i] if rng.random() < 0.6 else None,
                "crossborder_exports": exports[i],
                "independent_site_sales": site[i] if independent[i] else None,
                "local_contribution": contribution[i] if rng.random() < 0.95 else None,
                "limit_above": "1" if limit_above[i] else "0",
                "retail_growth": None,
                "online_retail_growth": None,
            }
            if prev is not None and rng.random() < 0.3:
                row["online_retail_growth"] = f"{level[yi][i] / prev[i] - 1:.4f}"
            stats_rows.append(row)
    stats = pd.DataFrame(stats_rows)
    for col in MONEY_STATISTICS:
        vals = stats[col]
        known = vals.notna()
        text = pd.Series("", index=stats.index, dtype=object)
        text[known] = fen_column_to_yuan_text(vals[known].astype(np.int64))
        stats[col] = text
    stats["retail_growth"] = stats["retail_growth"].fillna("")
    stats["online_retail_growth"] = stats["online_retail_growth"].fillna("")

    enterprises = pd.DataFrame(
        {
            "uscc": uscc,
            "name": names,
            "region_code": region,
            "township": township,
            "registered_on": [d.isoformat() for d in registered],
            "park_id": members,
            "park_entry_on": [d.isoformat() if d else "" for d in entry],
            "credit_blacklisted": np.where(blacklisted, "是", "否"),
            "bank_name": branch,
            "bank_account": accounts,
            "account_name": names,
            "bank_code": bank_code,
        }
    )
    frames_by_year: dict[int, dict[str, pd.DataFrame]] = {}
    ent_index = pd.Series(range(n), index=uscc)
    stats_num = stats.copy()
    for y in range(first, last + 1):
        frames: dict[str, pd.DataFrame] = {}
        frames["enterprises"] = enterprises
        frames["annual_stats"] = stats[stats["year"].astype(int) <= y].reset_index(drop=True)
        frames["parks"] = pd.DataFrame(parks)
        frames["fx_rates"] = pd.DataFrame(
            [
                {"year": str(k), "usd_cny": v, "source": "国家外汇管理局公布的年平均汇率（演示数据）"}
                for k, v in FX.items()
                if first - spec.history <= k <= y
            ]
        )
        frames["applications"] = make_applications(
            rng,
            catalog,
            y,
            enterprises,
            stats_num,
            ent_index,
            pd.DataFrame(parks),
            preferred if y == last else {},
            spec.application_share,
        )
        budgets = []
        for p in catalog.policies:
            if p.budget.scale_down and p.in_force(y):
                budget = 1000 * WAN
                budgets.append({"policy_id": p.id, "year": str(y), "budget": fen_to_yuan_grouped(budget)})
        frames["budgets"] = pd.DataFrame(budgets, columns=["policy_id", "year", "budget"])
        frames_by_year[y] = frames
    plant_prior_awards(frames_by_year, catalog, first, last, stats_num, enterprises)
    if spec.with_errors:
        inject_errors(frames_by_year[last], rng)
    return frames_by_year


# ------------------------------------------------------------------------- writing


def write(spec: DemoSpec, catalog: Catalog | None = None) -> dict[int, list[Path]]:
    frames_by_year = build(spec, catalog)
    written: dict[int, list[Path]] = {}
    from .reports.files import write_bytes_atomic

    for year, frames in frames_by_year.items():
        if spec.only_last_year and year != spec.years[1]:
            continue
        folder = Path(spec.out) / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*"):
            if stale.is_file() and stale.stem in FORMATS:
                stale.unlink()
        paths = []
        for name, frame in frames.items():
            fmt, chinese = FORMATS[name]
            if fmt == "xlsx":
                path = folder / f"{name}.xlsx"
                write_xlsx(path, frame, chinese, name, year)
            else:
                path = folder / f"{name}.csv"
                write_bytes_atomic(path, csv_bytes(frame, fmt, chinese, name))
            paths.append(path)
        written[year] = paths
    return written
