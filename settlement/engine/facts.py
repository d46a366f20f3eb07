"""Derived facts: computed once per settlement year, for all enterprises at once, as columns.

:func:`enterprise_facts` turns the ledger's frames (enterprises, every year's stats, fx rates)
into a :class:`FactTable` with one row per enterprise: this year's figures, growth (reported
or computed from last year's row), two-year average growth (geometric and arithmetic), USD
amounts, years since registration, first limit-above year, and the region's average growth.
Application and park facts are added on the rows that need them (:func:`application_facts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..ingest.contract import NUMBER_SCALE, RATIO_SCALE
from .exact import Rational, as_int_array, mul
from .grouping import any_per, min_per

MONEY_METRICS = (
    "online_retail", "retail_sales", "wholesale_sales", "operating_revenue", "online_sales",
    "crossborder_exports", "independent_site_sales", "local_contribution",
)
GROWTH = {"retail_growth": "retail_sales", "online_retail_growth": "online_retail"}


class FactError(Exception):
    """A fact a clause needs cannot be computed for the whole run (e.g. no fx rate for the year)."""


@dataclass
class FactTable:
    """Columns of facts for a set of rows. Numeric facts are :class:`Rational`; others are arrays.

    A table taken from another (:meth:`take`) takes each fact when it is first asked for: a
    clause reads a handful of the ~50 facts, on its applicants or candidates only."""

    n: int
    year: int
    rationals: dict[str, Rational] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # fact -> why it is unavailable
    years: dict[str, int] = field(default_factory=dict)  # fact -> year of the figure it shows
    source: FactTable | None = None  # rows of ``source`` at ``indexer`` (taken on first use)
    indexer: np.ndarray | None = None
    deferred: dict[str, Callable[[], Rational]] = field(default_factory=dict)  # fact -> function computing it when first used

    def rational(self, name: str) -> Rational:
        if name in self.errors:
            raise FactError(self.errors[name])
        if name not in self.rationals:
            if name in self.deferred:
                self.rationals[name] = self.deferred.pop(name)()
            elif self.source is not None and name in self.source.rational_names():
                self.rationals[name] = self.source.rational(name).take(self.indexer)
        return self.rationals[name]

    def value(self, name: str) -> np.ndarray:
        if name in self.errors:
            raise FactError(self.errors[name])
        if name not in self.values and self.source is not None and name in self.source.value_names():
            self.values[name] = _take_values(self.source.value(name), self.indexer)
        return self.values[name]

    def rational_names(self) -> set[str]:
        return set(self.rationals) | set(self.deferred) | (self.source.rational_names() if self.source is not None else set())

    def value_names(self) -> set[str]:
        return set(self.values) | (self.source.value_names() if self.source is not None else set())

    def take(self, indexer: np.ndarray) -> FactTable:
        """Rows by position (-1: no such row -> unknown / False / None)."""
        return FactTable(len(indexer), self.year, errors=dict(self.errors), years=dict(self.years), source=self, indexer=np.asarray(indexer))

    def merge(self, other: FactTable) -> None:
        """Every fact of ``other`` (same rows) joins these."""
        for name in other.rational_names():
            self.rationals[name] = other.rational(name)
        for name in other.value_names():
            self.values[name] = other.value(name)
        self.errors.update(other.errors)


def _take_values(v: np.ndarray, indexer: np.ndarray) -> np.ndarray:
    missing = indexer < 0
    taken = np.zeros(len(indexer), dtype=v.dtype) if len(v) == 0 else v[np.where(missing, 0, indexer)]
    if taken.dtype == bool:
        return taken & ~missing
    if taken.dtype == object:
        return np.where(missing, None, taken)
    return taken


def _year_rows(stats: pd.DataFrame, positions: np.ndarray, years: np.ndarray, year: int, n: int) -> pd.DataFrame:
    """One row per enterprise (``n`` rows in the enterprises' order) with its stats of ``year``:
    the figures (nullable integers, missing where it has no row), ``limit_above`` (False where
    no row) and ``year``. ``positions`` is each stats row's enterprise (-1: not an enterprise of
    the run); where an enterprise has two rows for a year the first counts."""
    sel = np.flatnonzero(years == year)
    first, found = min_per(positions[sel], sel, n)
    indexer = np.where(found, first, -1)
    flags = stats["limit_above"].fillna(False).to_numpy(dtype=bool)
    columns = {"limit_above": flags[np.where(found, indexer, 0)] & found if len(flags) else np.zeros(n, dtype=bool)}
    for column in ("year", *MONEY_METRICS, *GROWTH):
        if column in stats:
            columns[column] = stats[column].astype("Int64").array.take(indexer, allow_fill=True)
    return pd.DataFrame(columns)


def _growth(reported: pd.Series, cur: pd.Series, prev: pd.Series) -> Rational:
    """Reported rate where given (nano-units), else cur / prev - 1; unknown when prev <= 0."""
    rep_known = reported.notna().to_numpy()
    rep = as_int_array(reported)
    c = as_int_array(cur)
    p = as_int_array(prev)
    computable = cur.notna().to_numpy() & prev.notna().to_numpy() & (p > 0)
    num = np.where(rep_known, rep, c - p)
    den = np.where(rep_known, RATIO_SCALE, np.where(computable, p, 1))
    return Rational(num.astype(np.int64), den.astype(np.int64), rep_known | computable)


def _two_year(g1: Rational, g0: Rational, reported_any: np.ndarray, cur, prev2) -> tuple[Rational, Callable[[], Rational]]:
    """Geometric factor (1+g1)(1+g0) (from levels v(Y)/v(Y-2) when no rate is reported) and
    (computed when first asked for) the arithmetic mean (g1+g0)/2, both exact. Products are
    taken only on the rows with a reported rate; elsewhere the factor is two integer levels."""
    d1 = np.asarray(g1.den, dtype=np.int64)
    d0 = np.asarray(g0.den, dtype=np.int64)
    c = as_int_array(cur)
    p2 = as_int_array(prev2)
    levels_known = cur.notna().to_numpy() & prev2.notna().to_numpy() & (p2 > 0)
    f_num, f_den = c, np.where(levels_known, p2, 1)
    rates = np.flatnonzero(reported_any)
    if len(rates):
        f_num = _put(f_num, rates, mul(g1.num[rates] + d1[rates], g0.num[rates] + d0[rates]))
        f_den = _put(f_den, rates, mul(d1[rates], d0[rates]))
    f_known = np.where(reported_any, g1.known & g0.known, levels_known)
    geometric = Rational(f_num, f_den, f_known)

    def arithmetic() -> Rational:
        a_num = mul(g1.num, d0) + mul(g0.num, d1)
        a_den = mul(mul(d1, d0), 2)
        return Rational(np.asarray(a_num, dtype=object), np.asarray(a_den, dtype=object), g1.known & g0.known)

    return geometric, arithmetic


def _put(base: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``base`` with ``values`` at ``rows`` (Python integers for all when either needs them)."""
    values = np.asarray(values)
    out = base.astype(object) if values.dtype == object or base.dtype == object else base.copy()
    out[rows] = values
    return out


def enterprise_facts(
    year: int, enterprises: pd.DataFrame, stats: pd.DataFrame, fx_rates: pd.DataFrame | None, positions: np.ndarray | None = None
) -> FactTable:
    """Facts of every enterprise (rows in the order of ``enterprises``) for ``year``.
    ``positions``: each stats row's enterprise (-1: none), when the caller has it already."""
    index = pd.Index(enterprises["uscc"])
    n = len(index)
    ft = FactTable(n, year)
    if positions is None:
        positions = index.get_indexer(stats["uscc"])
    years = stats["year"].to_numpy(dtype=np.int64, na_value=-1)
    cur, prev, prev2 = (_year_rows(stats, positions, years, y, n) for y in (year, year - 1, year - 2))
    for frame in (cur, prev, prev2):
        if "online_sales" in frame:
            frame["online_sales"] = frame["online_sales"].fillna(frame["online_retail"])
    for metric in MONEY_METRICS:
        ft.rationals[metric] = Rational.of_ints(cur[metric].astype("Int64"))
        ft.rationals[f"{metric}@prev"] = Rational.of_ints(prev[metric].astype("Int64"))
        ft.years[metric] = year
    ft.values["limit_above"] = cur["limit_above"].fillna(False).to_numpy(dtype=bool)
    ft.values["limit_above@prev"] = prev["limit_above"].fillna(False).to_numpy(dtype=bool)
    ft.values["has_stats"] = cur["year"].notna().to_numpy()

    for growth_name, metric in GROWTH.items():
        g1 = _growth(cur[growth_name].astype("Int64"), cur[metric].astype("Int64"), prev[metric].astype("Int64"))
        g0 = _growth(prev[growth_name].astype("Int64"), prev[metric].astype("Int64"), prev2[metric].astype("Int64"))
        ft.rationals[growth_name] = g1
        reported_any = cur[growth_name].notna().to_numpy() | prev[growth_name].notna().to_numpy()
        geo, ari = _two_year(g1, g0, reported_any, cur[metric].astype("Int64"), prev2[metric].astype("Int64"))
        ft.rationals[f"{growth_name}_2y"] = geo
        ft.deferred[f"{growth_name}_2y:arithmetic"] = ari

    # USD: 元 / usd_cny. In cents: fen * 10^9 / rate_nano.
    rate = None
    if fx_rates is not None and len(fx_rates):
        match = fx_rates[fx_rates["year"] == year]
        if len(match):
            rate = int(match["usd_cny"].iloc[0])
    exports = ft.rationals["crossborder_exports"]
    if rate and rate > 0:
        ft.rationals["crossborder_exports_usd"] = Rational(mul(exports.num, RATIO_SCALE), rate, exports.known)
    else:
        ft.errors["crossborder_exports_usd"] = f"fx_rates 中没有 {year} 年的美元汇率，而有条款按美元计算（请在 fx_rates.csv 中补充 {year} 年的 usd_cny）"

    registered = pd.to_datetime(enterprises["registered_on"]).reset_index(drop=True)
    reg_year = registered.dt.year.astype("Int64")
    ft.rationals["years_since_registration"] = Rational.of_ints(year - reg_year)
    ft.values["registered_this_year"] = (reg_year == year).fillna(False).to_numpy(dtype=bool)

    limit_before = any_per(positions[(years < year) & stats["limit_above"].fillna(False).to_numpy(dtype=bool)], n)
    ft.values["first_limit_above_this_year"] = ft.values["limit_above"] & ~limit_before

    if "park_entry_on" in enterprises:
        ft.values["park_entry_on"] = pd.to_datetime(enterprises["park_entry_on"]).to_numpy()
    ft.values["park_id"] = enterprises.get("park_id", pd.Series([""] * n)).fillna("").to_numpy(dtype=object)
    ft.values["region_code"] = enterprises["region_code"].to_numpy(dtype=object)

    # region average retail growth: sum(retail Y) / sum(retail Y-1) - 1 over the enterprises of
    # the region with both years' figures; compared exactly with each enterprise's growth.
    both = cur["retail_sales"].notna().to_numpy() & prev["retail_sales"].notna().to_numpy()
    regions = enterprises["region_code"].to_numpy(dtype=object)
    sums = pd.DataFrame(
        {
            "region": regions[both],
            "cur": as_int_array(cur["retail_sales"].astype("Int64"))[both].astype(object),
            "prev": as_int_array(prev["retail_sales"].astype("Int64"))[both].astype(object),
        }
    ).groupby("region")[["cur", "prev"]].sum()
    r_cur = pd.Series(regions).map(sums["cur"]).to_numpy(dtype=object)
    r_prev = pd.Series(regions).map(sums["prev"]).to_numpy(dtype=object)
    region_known = pd.notna(r_prev) & (np.where(pd.isna(r_prev), 0, r_prev) > 0)
    r_cur = np.where(region_known, r_cur, 0)
    r_prev = np.where(region_known, r_prev, 1)
    g = ft.rationals["retail_growth"]
    g_den = np.asarray(g.den, dtype=object) if not np.isscalar(g.den) else g.den
    # g > R/P - 1  <=>  (num + den) * P > R * den
    lhs = mul(np.asarray(g.num, dtype=object) + g_den, r_prev)
    rhs = mul(r_cur, g_den)
    ft.values["retail_growth_above_region_average"] = np.asarray(lhs > rhs, dtype=bool) & g.known & region_known
    ft.values["region_average_growth"] = np.where(
        region_known, np.asarray(r_cur, dtype=float) / np.asarray(r_prev, dtype=float) - 1, np.nan
    )
    return ft


def park_facts(year: int, parks: pd.DataFrame, enterprises: pd.DataFrame, stats: pd.DataFrame, positions: np.ndarray | None = None) -> FactTable:
    """Facts of every park (rows in the order of ``parks``): its own figures and the sums over
    today's member enterprises (``park_id``) of this year and last year, blacklisted members
    included (settlement-semantics, detail 8). A sum is unknown when no member has a figure.
    ``positions``: each stats row's enterprise in ``enterprises`` (-1: none), when known."""
    n = len(parks)
    ft = FactTable(n, year)
    ft.values["park.kind"] = parks["kind"].to_numpy(dtype=object)
    area = parks["building_area_m2"].astype("Int64")
    ft.rationals["park.building_area_m2"] = Rational(as_int_array(area), NUMBER_SCALE, area.notna().to_numpy())
    occ = parks["occupancy_rate"].astype("Int64")
    ft.rationals["park.occupancy_rate"] = Rational(as_int_array(occ), RATIO_SCALE, occ.notna().to_numpy())
    ft.rationals["park.online_shops"] = Rational.of_ints(parks["online_shops"].astype("Int64"))
    ft.values["park.established_on"] = pd.to_datetime(parks["established_on"]).to_numpy()
    if positions is None:
        positions = pd.Index(enterprises["uscc"]).get_indexer(stats["uscc"])
    # each enterprise's park (position in ``parks``; -1: none), then each stats row's
    park_of = pd.Index(parks["park_id"]).get_indexer(enterprises["park_id"].fillna("").to_numpy(dtype=object)) if n else np.full(len(enterprises), -1)
    row_park = np.where(positions >= 0, park_of[np.maximum(positions, 0)] if len(park_of) else -1, -1)
    years = stats["year"].to_numpy(dtype=np.int64, na_value=-1)
    limit_above = stats["limit_above"].fillna(False).to_numpy(dtype=bool)
    figures = {m: stats[m].astype("Int64") for m in ("online_retail", "crossborder_exports")}
    given = {m: f.notna().to_numpy() for m, f in figures.items()}
    amounts = {m: f.to_numpy(dtype=np.int64, na_value=0) for m, f in figures.items()}
    for suffix, y in (("", year), ("@prev", year - 1)):
        rows = np.flatnonzero((years == y) & (row_park >= 0))
        park = row_park[rows]
        has_members = any_per(park, n)
        for name, metric, only_limit_above in (
            ("park.online_retail", "online_retail", False),
            ("park.limit_above_online_retail", "online_retail", True),
            ("park.crossborder_exports", "crossborder_exports", False),
        ):
            counted = given[metric][rows] & (limit_above[rows] if only_limit_above else True)
            sums = np.zeros(n, dtype=np.int64)
            np.add.at(sums, park[counted], amounts[metric][rows][counted])
            known = any_per(park[counted], n)
            # a park whose members reported but none was limit-above has a known sum of 0
            ft.rationals[name + suffix] = Rational(np.where(known, sums, 0), 1, known | has_members)
        reported = any_per(positions[rows], len(park_of))  # members with a stats row this year
        ft.values["park.members" + suffix] = np.bincount(park_of[reported], minlength=n).astype(np.int64)
    return ft


def application_facts(apps: pd.DataFrame, ent_facts: FactTable, indexer: np.ndarray) -> FactTable:
    """Facts for application rows: the enterprise's facts (its row in ``ent_facts`` at
    ``indexer``, -1: none) plus ``application.*``."""
    ft = ent_facts.take(indexer)
    ft.rationals["application.base_amount"] = Rational.of_ints(apps["base_amount"].astype("Int64"))
    ft.rationals["application.approved_amount"] = Rational.of_ints(apps["approved_amount"].astype("Int64"))
    qty = apps["quantity"].astype("Int64")
    ft.rationals["application.quantity"] = Rational(as_int_array(qty), NUMBER_SCALE, qty.notna().to_numpy())
    months = apps["months"].astype("Int64").fillna(12) if "months" in apps else pd.Series(12, index=apps.index)
    ft.rationals["application.months"] = Rational.of_ints(months)
    ft.values["application.level"] = apps["level"].to_numpy(dtype=object)
    return ft
