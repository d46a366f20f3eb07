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

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .fact_registry import MONEY_STATISTICS
from .ingest.contract import FILES_BY_NAME, LEVEL_LABELS
from .money import fen_column_to_yuan_text, fen_to_yuan_grouped
from .policies import Catalog, load_catalog
from .policies.schema import Clause, Policy
from .uscc import ALPHABET, make_uscc

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
NAME_WORDS = [
    "云帆",
    "星河",
    "绿源",
    "恒达",
    "凯越",
    "锦程",
    "博远",
    "瑞丰",
    "华茂",
    "晨光",
    "青禾",
    "泓达",
    "正和",
    "众诚",
    "嘉润",
    "鼎新",
    "铭泰",
    "悦享",
    "优品",
    "匠心",
]
NAME_TRADES = ["电子商务", "网络科技", "供应链管理", "贸易", "跨境电商", "数字科技", "直播科技", "品牌管理"]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "浙江农商银行", "宁波银行", "杭州银行"]
# CNAPS bank codes (联行号) start with the bank's 3-digit code, then the city's 4-digit code
BANK_CODES = {
    "中国工商银行": "102",
    "中国农业银行": "103",
    "中国银行": "104",
    "中国建设银行": "105",
    "浙江农商银行": "402",
    "宁波银行": "313",
    "杭州银行": "313",
}
BRANCH_CITY = {
    "330108": ("杭州", "3310"),
    "330106": ("杭州", "3310"),
    "330110": ("杭州", "3310"),
    "330109": ("杭州", "3310"),
    "331122": ("丽水", "3430"),
    "330282": ("宁波", "3320"),
    "331102": ("丽水", "3430"),
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
WAN = 10_000 * 100  # fen


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


def _yuan(fen) -> np.ndarray:
    """fen -> '1234.56' text (exact), in the shape given."""
    arr = np.asarray(fen, dtype=np.int64)
    return fen_column_to_yuan_text(arr).reshape(arr.shape)


def _branches(bank: np.ndarray, region: np.ndarray, township: np.ndarray) -> tuple[list[str], list[str]]:
    """The branch (开户银行) and its CNAPS code (联行号) of each account: the bank's branch in the
    enterprise's township. Derived from the data already drawn (no draw from the random stream,
    so the rest of the demo stays as it was)."""
    names, codes = [], []
    for b, r, t in zip(bank, region, township, strict=True):
        city, city_code = BRANCH_CITY[str(r)]
        place = str(t).removesuffix("街道").removesuffix("镇")
        names.append(f"{b}{city}{place}支行")
        digits = int(hashlib.sha256(f"{b}{t}".encode()).hexdigest()[:8], 16) % 10**5
        codes.append(f"{BANK_CODES[str(b)]}{city_code}{digits:05d}")
    return names, codes


def _uscc_codes(rng: np.random.Generator, regions: np.ndarray) -> list[str]:
    seen: set[str] = set()
    out = []
    letters = np.array(list(ALPHABET))
    for region in regions:
        while True:
            body = "MA" + "".join(rng.choice(letters, 7))
            code = make_uscc("9", "1", str(region), body)
            if code not in seen:
                seen.add(code)
                out.append(code)
                break
    return out


def build(spec: DemoSpec, catalog: Catalog | None = None) -> dict[int, dict[str, pd.DataFrame]]:
    """The landing frames per year (text cells, as they will be written)."""
    catalog = catalog or load_catalog()
    rng = np.random.default_rng(spec.seed)
    first, last = spec.years
    n = spec.enterprises
    codes = np.array(list(REGIONS))
    weights = np.array([REGIONS[c][1] for c in codes])
    region = rng.choice(codes, n, p=weights / weights.sum())
    uscc = _uscc_codes(rng, region)
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
    branch, bank_code = _branches(bank, region, township)

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
    showcase = _plant(
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
        text[known] = _yuan(vals[known].astype(np.int64))
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
        frames["applications"] = _applications(
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
    _prior_awards(frames_by_year, catalog, first, last, stats_num, enterprises)
    if spec.with_errors:
        _inject_errors(frames_by_year[last], rng)
    return frames_by_year


def _policy_regions(policy: Policy) -> set[str]:
    return set(policy.regions)


def _applications(
    rng,
    catalog: Catalog,
    year: int,
    enterprises: pd.DataFrame,
    stats: pd.DataFrame,
    ent_index,
    parks: pd.DataFrame,
    preferred: dict,
    share: float = 0.0,
) -> pd.DataFrame:
    rows = []
    cur = stats[stats["year"].astype(int) == year].set_index("uscc")
    online = (
        pd.to_numeric(cur["online_retail"], errors="coerce").reindex(enterprises["uscc"]).fillna(0).to_numpy()
    )
    exports = (
        pd.to_numeric(cur["crossborder_exports"], errors="coerce")
        .reindex(enterprises["uscc"])
        .fillna(0)
        .to_numpy()
    )
    counter = 0
    for policy in catalog.policies:
        if not policy.in_force(year):
            continue
        regions = _policy_regions(policy)
        local = np.flatnonzero(
            enterprises["region_code"].isin(regions).to_numpy()
            & (enterprises["credit_blacklisted"] == "否").to_numpy()
        )
        if not len(local):
            continue
        for clause in policy.clauses:
            if not clause.application:
                continue
            k = min(len(local), max(int(rng.integers(2, 5)), int(len(local) * share)))
            if clause.payee == "park":
                ops = (
                    parks[parks["operator_uscc"].isin(enterprises.loc[local, "uscc"])]
                    if len(parks)
                    else parks
                )
                if clause.park_kind and len(ops):
                    ops = ops[ops["kind"] == clause.park_kind]
                chosen = [int(ent_index[u]) for u in ops["operator_uscc"]][:k] if len(ops) else []
            else:
                key = (
                    exports
                    if "usd" in str(getattr(clause, "units", None) and clause.units.fact or "")
                    or "cbec" in (clause.matter or "")
                    else online
                )
                order = local[np.argsort(-key[local], kind="stable")]
                top = order[: max(k, len(order) // 3)]
                first = [i for i in preferred.get((policy.id, clause.id), []) if i in set(local)]
                rest = [i for i in rng.choice(top, k, replace=False) if i not in first]
                chosen = (first + rest)[:k]
            for i in chosen:
                counter += 1
                rows.append(
                    _application_row(
                        rng, policy, clause, year, enterprises.loc[i, "uscc"], counter, "approved"
                    )
                )
            if rng.random() < 0.3:
                counter += 1
                i = int(rng.choice(local))
                rows.append(
                    _application_row(
                        rng,
                        policy,
                        clause,
                        year,
                        enterprises.loc[i, "uscc"],
                        counter,
                        str(rng.choice(["rejected", "pending"])),
                    )
                )
    columns = [c.code for c in FILES_BY_NAME["applications"].columns]
    return pd.DataFrame(rows, columns=columns)


def _needs(clause: Clause, rng) -> dict[str, object]:
    """Values of application fields that satisfy the clause's conditions on the application
    (``all`` branches; the first branch of an ``any``), and reach one of its tiers."""
    from .policies.schema import check_value

    needs: dict[str, object] = {}
    stack = [clause.conditions] if clause.conditions else []
    while stack:
        c = stack.pop()
        if c.all:
            stack += c.all
        elif c.any:
            stack.append(c.any[0])
        elif c.fact and c.fact.startswith("application."):
            field = c.fact.split(".", 1)[1]
            value = check_value(c.fact, c.value)
            if field == "level":
                needs["level"] = value
            elif c.op in (">=", ">"):
                bump = Fraction(int(rng.integers(100, 160)), 100)
                needs[field] = max(needs.get(field, 0), Fraction(value) * bump + (1 if c.op == ">" else 0))
    tiers, metric = getattr(clause, "tiers", None), getattr(clause, "metric", None)
    if tiers and metric and metric.startswith("application.") and tiers[0].level is None:
        tier = clause.tiers[int(rng.integers(0, len(clause.tiers)))]
        field = clause.metric.split(".", 1)[1]
        value = Fraction(check_value(clause.metric, tier.threshold)) * Fraction(
            int(rng.integers(100, 130)), 100
        )
        needs[field] = max(needs.get(field, 0), value + (1 if tier.op == ">" else 0))
    return needs


def _application_row(
    rng, policy: Policy, clause: Clause, year: int, uscc: str, counter: int, status: str
) -> dict:
    base = approved = quantity = level = None
    months = None
    needs = _needs(clause, rng)
    need_base = int(needs.get("base_amount", 0))  # fen
    if clause.kind == "rate":
        base = max(need_base, int(rng.integers(5, 400)) * WAN // 10) + int(rng.integers(0, 100)) * 100
    elif clause.kind == "approved":
        cap = int(clause.cap or clause.item_cap or clause.item_cap_per_unit or 100 * WAN)
        shares = [0.3, 0.6, 1.0, 1.2] if cap <= 100 * WAN else [0.02, 0.05, 0.1, 0.2]
        approved = int(cap * float(rng.choice(shares))) // 100 * 100
        base = max(need_base, approved) if need_base else None
        quantity = int(rng.integers(1, 4))
    elif clause.kind == "unit":
        quantity = int(rng.integers(1, 4))
        if clause.units.times_months:
            quantity = int(rng.integers(300, 3000))
            months = int(rng.choice([6, 12, 12, 12]))
    elif clause.kind in ("fixed", "tiered", "step"):
        quantity = 1
        if need_base:
            base = need_base
    if "quantity" in needs:
        quantity = int(Fraction(needs["quantity"]))
    if "base_amount" in needs and base is None:
        base = need_base
    by_level = getattr(clause, "unit_amount_by_level", None) or getattr(clause, "step_by_level", None)
    levels = list(by_level or clause.item_cap_by_level or {})
    tiers = getattr(clause, "tiers", None)
    if tiers and tiers[0].level is not None:
        levels = [t.level for t in tiers]
    if levels:
        level = str(rng.choice(levels))
    if getattr(clause, "step_by_level", None) and "retail" in clause.step_by_level and rng.random() < 0.8:
        level = "retail"
    if "level" in needs:
        level = str(needs["level"])
    return {
        "application_id": f"{policy.id.split('-')[0].upper()}-{year}-{counter:05d}",
        "uscc": uscc,
        "year": str(year),
        "policy_id": policy.id,
        "clause_id": clause.id,
        "base_amount": "" if base is None else fen_to_yuan_grouped(base),
        "approved_amount": "" if approved is None else fen_to_yuan_grouped(approved),
        "quantity": "" if quantity is None else str(quantity),
        "months": "" if months is None else str(months),
        "level": "" if level is None else LEVEL_LABELS.get(level, level),
        "status": {"approved": "approved", "rejected": "rejected", "pending": "pending"}[status],
    }


def _plant(
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
) -> dict[tuple[str, str], list[int]]:
    """Shape a few enterprises so that every data-driven clause has a real case in the demo,
    and return the enterprises that should apply for the clauses that need such figures."""
    n = len(region)
    yi_last = len(years) - 1
    operators = {p["operator_uscc"] for p in parks}
    free = np.array([not blacklisted[i] and uscc[i] not in operators for i in range(n)])

    def pick(mask) -> int | None:
        idx = np.flatnonzero(mask & free)
        return int(idx[0]) if len(idx) else None

    def series(i: int, last_value: float, prev_value: float, growth: float = 0.12) -> None:
        level[yi_last, i] = last_value
        level[yi_last - 1, i] = prev_value
        for yi in range(yi_last - 2, -1, -1):
            level[yi, i] = level[yi + 1, i] / (1 + growth)

    chosen: dict[tuple[str, str], list[int]] = {}
    # binjiang 6.1 / 6.2: a 腰部 enterprise crossing 10亿 retail sales this year, growing fast
    g = pick((region == "330108") & (members == ""))
    if g is not None:
        series(g, 11.0e8, 7.5e8)
        retail_ratio[g], wholesale_ratio[g] = 1.1, 0.2
        limit_forced[g] = True
        registered[g] = min(registered[g], date(2015, 1, 1))
        chosen[("binjiang-2024-14", "6.1")] = [g]
        free[g] = False
    # jinyun 1.1: a member of the e-commerce park adds 1.3亿 of limit-above online retail
    jpark = next(
        (p["park_id"] for p in parks if p["park_id"].startswith("P331122") and p["kind"] == "ecommerce"), None
    )
    if jpark:
        m = pick(members == jpark)
        if m is not None:
            series(m, 4.0e8, 1.5e8)
            limit_forced[m] = True
            free[m] = False
        # jinyun 2: an enterprise brought into the park this year, limit-above for the first time
        j = pick(members == jpark)
        if j is not None:
            series(j, 0.6e8, 0.1e8, growth=0.05)
            retail_ratio[j] = 1.2
            entry[j] = date(last, 3, 1) if last >= 2025 else entry[j]
            limit_forced[j] = True
            first_limit_last[j] = True
            free[j] = False
    # binjiang 5.3: registered this year, 7000万 retail sales, limit-above
    r = pick((region == "330108") & (members == ""))
    if r is not None:
        registered[r] = date(last, 2, 1)
        series(r, 0.7e8, 0.6e8)
        retail_ratio[r] = 1.1
        limit_forced[r] = True
        free[r] = False
    # binjiang 5.2: retail sales pass 500万 for the first time
    q = pick((region == "330108") & (members == ""))
    if q is not None:
        series(q, 0.4e7, 0.3e7, growth=0.1)
        retail_ratio[q] = 1.5
        limit_forced[q] = True
        registered[q] = min(registered[q], date(2016, 1, 1))
        free[q] = False
    # jinyun 12: independent-site sales pass 200万 for the first time
    s = pick((region == "331122") & (members == ""))
    if s is not None:
        crossborder[s] = independent[s] = True
        export_ratio[s] = max(export_ratio[s], 0.5)
        site_ratio[s] = 0.1
        for k, y in enumerate(years):
            overrides[(s, "site")] = {**overrides.get((s, "site"), {}), y: int((120 + 10 * k) * WAN)}
        overrides[(s, "site")][last] = 260 * WAN
        overrides[(s, "site")][last - 1] = 150 * WAN
        chosen[("jinyun-2025", "12")] = [s]
        chosen[("jinyun-2025", "9")] = [s]
        free[s] = False
    # cixi 4.2: an own-brand exporter of 3000万元 this year
    c = pick((region == "330282") & (members == ""))
    if c is not None:
        crossborder[c] = True
        export_ratio[c] = max(export_ratio[c], 0.4)
        overrides[(c, "exports")] = {last: 3000 * WAN}
        chosen[("cixi-2024-8", "4.2")] = [c]
        free[c] = False
    # lishui 4: a newcomer registered last year that already sells 6000万 online
    nl = pick((region == "331102") & (members == ""))
    if nl is not None:
        registered[nl] = date(last - 1, 9, 1)
        series(nl, 0.6e8, 0.1e8)
        chosen[("lishui-2024-64", "4")] = [nl]
        free[nl] = False
    # jinyun 3 / 5: an own-platform retailer growing 15% a year, limit-above
    jr = pick((region == "331122") & (members == ""))
    if jr is not None:
        series(jr, 0.8e8, 0.8e8 / 1.15, growth=0.15)
        limit_forced[jr] = True
        registered[jr] = min(registered[jr], date(2016, 1, 1))
        chosen[("jinyun-2025", "3")] = [jr]
        chosen[("jinyun-2025", "5")] = [jr]
        free[jr] = False
    # cixi 3: online sales pass 1亿 in the policy's period
    cc = pick((region == "330282") & (members == ""))
    if cc is not None:
        series(cc, 1.6e8, 1.3e8, growth=0.1)
        registered[cc] = min(registered[cc], date(2016, 1, 1))
        free[cc] = False
    # lishui 6.1 / 6.2: the new parks' anchor tenants
    for park in parks:
        if not park["park_id"].startswith("P331102"):
            continue
        t = pick(members == park["park_id"])
        if t is None:
            continue
        if park["kind"] == "ecommerce":
            series(t, 6.0e8, 4.0e8)
        else:
            crossborder[t] = True
            export_ratio[t] = max(export_ratio[t], 0.8)
            overrides[(t, "exports")] = {last: 4 * 10**8 * 100}
        free[t] = False
    # binjiang 5.1: wholesale passes 2000万 for the first time (limit-above)
    w = pick((region == "330108") & (members == ""))
    if w is not None:
        series(w, 0.18e8, 0.15e8)
        wholesale_ratio[w] = 1.22
        limit_forced[w] = True
        registered[w] = min(registered[w], date(2016, 1, 1))
        free[w] = False
    # binjiang 12.2: a 国潮 brand growing 30% a year
    b = pick((region == "330108") & (members == ""))
    if b is not None:
        series(b, 0.3e8, 0.3e8 / 1.3, growth=0.3)
        registered[b] = min(registered[b], date(2016, 1, 1))
        chosen[("binjiang-2024-14", "12.2")] = [b]
        free[b] = False
    # lishui 9 / 10: an own-brand exporter with an independent site
    x = pick((region == "331102") & (members == ""))
    if x is not None:
        crossborder[x] = independent[x] = True
        export_ratio[x], site_ratio[x] = max(export_ratio[x], 0.5), 0.2
        overrides[(x, "exports")] = {last: 500 * WAN}
        overrides[(x, "site")] = {last: 180 * WAN}
        chosen[("lishui-2024-64", "10")] = [x]
        chosen[("lishui-2024-64", "9")] = [x]
        free[x] = False
    return chosen


def _prior_awards(frames_by_year, catalog: Catalog, first: int, last: int, stats, enterprises) -> None:
    """Awards paid before the ledger existed: one cixi 4.1 tier for an enterprise that grows."""
    rows = []
    cixi = [p for p in catalog.policies if p.id == "cixi-2024-8"]
    if cixi:
        apps = frames_by_year[last]["applications"]
        own_brand = apps[
            (apps["policy_id"] == "cixi-2024-8")
            & (apps["clause_id"] == "4.1")
            & (apps["status"] == "approved")
        ]
        for u in own_brand["uscc"].head(1):
            rows.append(
                {
                    "uscc": u,
                    "year": str(last - 1),
                    "policy_id": "cixi-2024-8",
                    "clause_id": "4.1",
                    "amount": fen_to_yuan_grouped(5 * WAN),
                    "subject_uscc": "",
                }
            )
    frame = pd.DataFrame(rows, columns=["uscc", "year", "policy_id", "clause_id", "amount", "subject_uscc"])
    frames_by_year[last]["prior_awards"] = frame


def _inject_errors(frames: dict[str, pd.DataFrame], rng) -> None:
    """Two realistic mistakes, to show quarantine at work: a stats row whose online retail
    exceeds its retail sales, and an application naming a clause the policy does not have."""
    st = frames["annual_stats"]
    last_year = st["year"].astype(int).max()
    idx = st.index[st["year"].astype(int) == last_year][-1]
    st.loc[idx, "online_retail"] = _yuan([int(round(float(st.loc[idx, "retail_sales"]) * 100)) + 100])[0]
    apps = frames["applications"]
    if len(apps):
        bad = apps.iloc[[0]].copy()
        bad["application_id"] = bad["application_id"] + "-X"
        bad["clause_id"] = "99"
        frames["applications"] = pd.concat([apps, bad], ignore_index=True)


# ------------------------------------------------------------------------- writing

LABELS = {f.name: {c.code: c.label for c in f.columns} for f in FILES_BY_NAME.values()}


def _csv_bytes(frame: pd.DataFrame, encoding: str, chinese: bool, name: str) -> bytes:
    out = frame.rename(columns=LABELS[name]) if chinese else frame
    buf = io.StringIO()
    out.to_csv(
        buf, index=False, lineterminator="\r\n" if encoding != "utf-8" else "\n", quoting=csv.QUOTE_MINIMAL
    )
    text = buf.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def _write_xlsx(path: Path, frame: pd.DataFrame, chinese: bool, name: str, year: int) -> None:
    """An .xlsx as a desk officer would save it: numbers typed as numbers, dates as text."""
    from openpyxl import Workbook

    from .reports.excel import save_deterministic

    wb = Workbook()
    ws = wb.active
    ws.title = "申报事项" if name == "applications" else name
    ws.append([LABELS[name][c] if chinese else c for c in frame.columns])
    numeric = {"base_amount", "approved_amount", "quantity", "months", "year"}
    for row in frame.itertuples(index=False):
        values = []
        for col, v in zip(frame.columns, row, strict=True):
            if col in numeric and v not in ("", None):
                text = str(v).replace(",", "")
                values.append(int(text) if text.isdigit() else float(text))
            else:
                values.append(v)
        ws.append(values)
    save_deterministic(wb, path, f"{year}-12-31T00:00:00Z")


# file -> (format, chinese headers)
FORMATS = {
    "enterprises": ("gb18030", True),
    "annual_stats": ("utf-8", False),
    "applications": ("xlsx", True),
    "parks": ("utf-8-sig", True),
    "fx_rates": ("utf-8", False),
    "budgets": ("utf-8", False),
    "prior_awards": ("utf-8", False),
}


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
                _write_xlsx(path, frame, chinese, name, year)
            else:
                path = folder / f"{name}.csv"
                write_bytes_atomic(path, _csv_bytes(frame, fmt, chinese, name))
            paths.append(path)
        written[year] = paths
    return written
