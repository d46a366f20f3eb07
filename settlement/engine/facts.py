"""Derived facts: computed once per settlement year, for all enterprises at once, as columns.

:func:`enterprise_facts` turns the ledger's frames (enterprises, every year's stats, fx rates)
into a :class:`FactTable` with one row per enterprise: this year's figures, growth (reported
or computed from last year's row), two-year average growth (geometric and arithmetic), USD
amounts, years since registration, first limit-above year, and the region's average growth.
Application and park facts are added on the rows that need them (:func:`application_facts`).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import partial

import numpy as np
import pandas as pd

from ..fact_registry import GROWTH, MONEY_STATISTICS
from ..ingest.contract import NUMBER_SCALE, RATIO_SCALE
from .exact import Rational, add_at, as_int_array, compare_products, mul
from .fact_table import (
    FactError,  # noqa: F401 (re-exported)
    FactTable,
    SomeRows,
    StatsArrays,
    YearRows,
)
from .grouping import any_per, group_starts

MONEY_METRICS = MONEY_STATISTICS


Column = tuple[np.ndarray, np.ndarray]  # (int64 values, 0 where unknown; known mask)


def _growth(reported: Column, cur: Column, prev: Column) -> Rational:
    """Reported rate where given (nano-units), else cur / prev - 1; unknown when prev <= 0."""
    rep, rep_known = reported
    (c, c_known), (p, p_known) = cur, prev
    computable = c_known & p_known & (p > 0)
    num = np.where(rep_known, rep, c - p)
    den = np.where(rep_known, RATIO_SCALE, np.where(computable, p, 1))
    return Rational(num.astype(np.int64), den.astype(np.int64), rep_known | computable)


def _two_year(
    g1: Rational, g0: Rational, reported_any: np.ndarray, cur: Column, prev2: Column
) -> tuple[Rational, Callable[[], Rational]]:
    """Geometric factor (1+g1)(1+g0) (from levels v(Y)/v(Y-2) when no rate is reported) and
    (computed when first asked for) the arithmetic mean (g1+g0)/2, both exact. Products are
    taken only on the rows with a reported rate; elsewhere the factor is two integer levels."""
    d1 = np.asarray(g1.den, dtype=np.int64)
    d0 = np.asarray(g0.den, dtype=np.int64)
    (c, c_known), (p2, p2_known) = cur, prev2
    levels_known = c_known & p2_known & (p2 > 0)
    f_num, f_den = c, np.where(levels_known, p2, 1)
    rates = np.flatnonzero(reported_any)
    if len(rates):
        # each year's factor in lowest terms first: a reported rate has few decimals (1.1271 is
        # 11271/10000, not 1127100000/10^9), so the products stay in int64
        n1, e1 = _lowest_terms(g1.num[rates] + d1[rates], d1[rates])
        n0, e0 = _lowest_terms(g0.num[rates] + d0[rates], d0[rates])
        f_num = _put(f_num, rates, mul(n1, n0))
        f_den = _put(f_den, rates, mul(e1, e0))
    f_known = np.where(reported_any, g1.known & g0.known, levels_known)
    geometric = Rational(f_num, f_den, f_known)

    def arithmetic() -> Rational:
        a_num = mul(g1.num, d0) + mul(g0.num, d1)
        a_den = mul(mul(d1, d0), 2)
        return Rational(np.asarray(a_num, dtype=object), np.asarray(a_den, dtype=object), g1.known & g0.known)

    return geometric, arithmetic


def _lowest_terms(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The fractions num / den (den > 0) in lowest terms (int64 columns; others as they are)."""
    if num.dtype == object or den.dtype == object:
        return num, den
    common = np.gcd(num, den)
    return num // common, den // common


def _put(base: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``base`` with ``values`` at ``rows`` (Python integers for all when either needs them)."""
    values = np.asarray(values)
    out = base.astype(object) if values.dtype == object or base.dtype == object else base.copy()
    out[rows] = values
    return out


def _sums_per(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact sums of int64 ``values`` per code (0..n-1): int64 when they cannot overflow, else
    Python integers."""
    safe = len(values) * int(np.abs(values).max(initial=0)) < 2**62
    sums = np.zeros(n, dtype=np.int64 if safe else object)
    if not len(codes):
        return sums
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(group_starts(codes[order]))
    sums[codes[order][starts]] = np.add.reduceat((values if safe else values.astype(object))[order], starts)
    return sums


def factorize_regions(regions: np.ndarray) -> tuple[np.ndarray, list]:
    """Each enterprise's code of its region, and the region of each code (None for a blank one)."""
    codes, values = pd.factorize(np.asarray(regions, dtype=object), use_na_sentinel=False)
    return codes, [None if pd.isna(v) else v for v in values]


def _region_average(ft: FactTable, regions: tuple[np.ndarray, list], cur: Column, prev: Column) -> None:
    """Region average retail growth: sum(retail Y) / sum(retail Y-1) - 1 over the enterprises of
    the region with both years' figures, compared exactly with each enterprise's growth."""
    codes, values = regions
    blank = np.array([v is None for v in values] + [False], dtype=bool)
    codes = np.where(blank[codes], -1, codes)  # a missing region code: -1, no region
    k = len(values)
    both = np.flatnonzero(cur[1] & prev[1] & (codes >= 0))
    r_cur, r_prev = _sums_per(codes[both], cur[0][both], k), _sums_per(codes[both], prev[0][both], k)
    region_known = any_per(codes[both], k) & (r_prev > 0)
    mean = np.full(k + 1, np.nan)  # for display only; the last entry is "no region"
    mean[:k][region_known] = (
        np.asarray(r_cur[region_known], dtype=float) / np.asarray(r_prev[region_known], dtype=float) - 1
    )
    # per row: g > R/P - 1  <=>  (num + den) x P > R x den   (den, P > 0)
    known = np.append(region_known, False)[codes]
    r_cur = np.append(np.where(region_known, r_cur, 0), 0)[codes]
    r_prev = np.append(np.where(region_known, r_prev, 1), 1)[codes]
    g = ft.rational("retail_growth")
    g_den = np.broadcast_to(np.asarray(g.den), (len(codes),))
    g_num = np.asarray(g.num)
    big = (
        g_num.dtype == object
        or g_den.dtype == object
        or int(np.abs(g_num).max(initial=0)) + int(np.abs(g_den).max(initial=0)) >= 2**62
    )
    level = g_num.astype(object) + g_den.astype(object) if big else g_num + g_den
    ft.values["retail_growth_above_region_average"] = (
        (compare_products(level, r_prev, r_cur, g_den) > 0) & g.known & known
    )
    ft.values["region_average_growth"] = mean[codes]


def _figures(year_rows: YearRows, metric: str, rows: np.ndarray | None) -> Rational:
    figures, known = year_rows.at_rows(rows).column(metric)
    return Rational(figures, 1, known)


def _usd(ft: FactTable, cents_per_fen: Fraction, rows: np.ndarray | None) -> Rational:
    """Cross-border exports in US cents (``cents_per_fen`` in lowest terms: 10^9 / rate)."""
    exports = (
        ft.rational("crossborder_exports") if rows is None else ft.rational_at("crossborder_exports", rows)
    )
    return Rational(mul(exports.num, cents_per_fen.numerator), cents_per_fen.denominator, exports.known)


class _Growth:
    """One growth rate of the enterprises: this year's, and the two-year geometric and
    arithmetic forms (sharing last year's rate), each worked out when first asked for (of every
    enterprise, shared; of some, on those alone)."""

    def __init__(
        self,
        name: str,
        metric: str,
        cur: YearRows | SomeRows,
        prev: YearRows | SomeRows,
        prev2: YearRows | SomeRows,
    ):
        self.name, self.metric, self.cur, self.prev, self.prev2 = name, metric, cur, prev, prev2
        self._this_year: Rational | None = None
        self._two_year: tuple[Rational, Callable[[], Rational]] | None = None

    def at_rows(self, rows: np.ndarray | None) -> _Growth:
        if rows is None:
            return self
        return _Growth(self.name, self.metric, *(y.at_rows(rows) for y in (self.cur, self.prev, self.prev2)))

    def this_year(self) -> Rational:
        if self._this_year is None:
            cur, prev = self.cur, self.prev
            self._this_year = _growth(
                cur.column(self.name), cur.column(self.metric), prev.column(self.metric)
            )
        return self._this_year

    def _both(self) -> tuple[Rational, Callable[[], Rational]]:
        if self._two_year is None:
            cur, prev, prev2 = self.cur, self.prev, self.prev2
            last_year = _growth(prev.column(self.name), prev.column(self.metric), prev2.column(self.metric))
            reported_any = cur.column(self.name)[1] | prev.column(self.name)[1]
            self._two_year = _two_year(
                self.this_year(), last_year, reported_any, cur.column(self.metric), prev2.column(self.metric)
            )
        return self._two_year

    def this_year_at(self, rows: np.ndarray | None) -> Rational:
        return self.at_rows(rows).this_year()

    def geometric_at(self, rows: np.ndarray | None) -> Rational:
        return self.at_rows(rows)._both()[0]

    def arithmetic_at(self, rows: np.ndarray | None) -> Rational:
        return self.at_rows(rows)._both()[1]()


def park_ids_of(enterprises: pd.DataFrame) -> np.ndarray:
    """Each enterprise's park id ('' where none)."""
    if "park_id" not in enterprises:
        return np.full(len(enterprises), "", dtype=object)
    return enterprises["park_id"].fillna("").to_numpy(dtype=object)


def enterprise_facts(
    year: int,
    enterprises: pd.DataFrame,
    stats: pd.DataFrame | StatsArrays,
    fx_rates: pd.DataFrame | None,
    positions: np.ndarray | None = None,
    regions: tuple[np.ndarray, list] | None = None,
) -> FactTable:
    """Facts of every enterprise (rows in the order of ``enterprises``) for ``year``.
    ``positions``: each stats row's enterprise (-1: none), and ``regions``: the enterprises'
    regions factorized (:func:`factorize_regions`), when the caller has them already."""
    stats = stats if isinstance(stats, StatsArrays) else StatsArrays(stats)
    n = len(enterprises)
    ft = FactTable(n, year)
    if positions is None:
        positions = pd.Index(enterprises["uscc"]).get_indexer(stats.frame["uscc"])
    cur, prev, prev2 = (YearRows(stats, positions, y, n) for y in (year, year - 1, year - 2))
    # the figures, growth rates and USD exports are worked out when a clause first asks for
    # them (a year's clauses read about two thirds of them)
    for metric in MONEY_METRICS:
        ft.deferred[metric] = partial(_figures, cur, metric)
        ft.deferred[f"{metric}@prev"] = partial(_figures, prev, metric)
        ft.years[metric] = year
    ft.values["limit_above"] = cur.limit_above
    ft.values["limit_above@prev"] = prev.limit_above
    ft.values["has_stats"] = cur.found
    for growth_name, metric in GROWTH.items():
        growth = _Growth(growth_name, metric, cur, prev, prev2)
        ft.deferred[growth_name] = growth.this_year_at
        ft.deferred[f"{growth_name}_2y"] = growth.geometric_at
        ft.deferred[f"{growth_name}_2y:arithmetic"] = growth.arithmetic_at

    # USD: 元 / usd_cny. In cents: fen * 10^9 / rate_nano.
    rate = None
    if fx_rates is not None and len(fx_rates):
        match = fx_rates[fx_rates["year"] == year]
        if len(match):
            rate = int(match["usd_cny"].iloc[0])
    if rate and rate > 0:
        ft.deferred["crossborder_exports_usd"] = partial(_usd, ft, Fraction(RATIO_SCALE, rate))
    else:
        ft.errors["crossborder_exports_usd"] = (
            f"fx_rates 中没有 {year} 年的美元汇率，而有条款按美元计算（请在 "
            f"fx_rates.csv 中补充 {year} 年的 usd_cny）"
        )

    registered = pd.to_datetime(enterprises["registered_on"]).reset_index(drop=True)
    reg_year = registered.dt.year.astype("Int64")
    ft.rationals["years_since_registration"] = Rational.of_ints(year - reg_year)
    ft.values["registered_this_year"] = (reg_year == year).fillna(False).to_numpy(dtype=bool)

    limit_before = any_per(positions[(stats.years < year) & stats.limit_above], n)
    ft.values["first_limit_above_this_year"] = ft.values["limit_above"] & ~limit_before

    if "park_entry_on" in enterprises:
        ft.values["park_entry_on"] = pd.to_datetime(enterprises["park_entry_on"]).to_numpy()
    ft.values["park_id"] = park_ids_of(enterprises)
    ft.values["region_code"] = enterprises["region_code"].to_numpy(dtype=object)
    regions = regions if regions is not None else factorize_regions(ft.values["region_code"])
    _region_average(ft, regions, cur.column("retail_sales"), prev.column("retail_sales"))
    return ft


def park_facts(
    year: int,
    parks: pd.DataFrame,
    enterprises: pd.DataFrame,
    stats: pd.DataFrame | StatsArrays,
    positions: np.ndarray | None = None,
    park_ids: np.ndarray | None = None,
) -> FactTable:
    """Facts of every park (rows in the order of ``parks``): its own figures and the sums over
    today's member enterprises (``park_id``) of this year and last year, blacklisted members
    included (settlement-semantics, detail 8). A sum is unknown when no member has a figure.
    ``positions``: each stats row's enterprise in ``enterprises`` (-1: none), and ``park_ids``:
    each enterprise's park id ('' where none), when known."""
    n = len(parks)
    ft = FactTable(n, year)
    ft.values["park.kind"] = parks["kind"].to_numpy(dtype=object)
    area = parks["building_area_m2"].astype("Int64")
    ft.rationals["park.building_area_m2"] = Rational(
        as_int_array(area), NUMBER_SCALE, area.notna().to_numpy()
    )
    occ = parks["occupancy_rate"].astype("Int64")
    ft.rationals["park.occupancy_rate"] = Rational(as_int_array(occ), RATIO_SCALE, occ.notna().to_numpy())
    ft.rationals["park.online_shops"] = Rational.of_ints(parks["online_shops"].astype("Int64"))
    ft.values["park.established_on"] = pd.to_datetime(parks["established_on"]).to_numpy()
    stats = stats if isinstance(stats, StatsArrays) else StatsArrays(stats)
    if positions is None:
        positions = pd.Index(enterprises["uscc"]).get_indexer(stats.frame["uscc"])
    # each enterprise's park (position in ``parks``; -1: none), then each stats row's
    if park_ids is None:
        park_ids = park_ids_of(enterprises)
    park_of = np.full(len(park_ids), -1, dtype=np.int64)
    members = np.flatnonzero(park_ids != "")  # looked up alone: most enterprises are in no park
    if n and len(members):
        park_of[members] = pd.Index(parks["park_id"]).get_indexer(park_ids[members])
    member_row = np.append(park_of >= 0, False)[
        positions
    ]  # a stats row of a park member (-1: of no enterprise)
    years, limit_above = stats.years, stats.limit_above
    for suffix, y in (("", year), ("@prev", year - 1)):
        rows = np.flatnonzero(member_row & (years == y))
        park = park_of[positions[rows]]
        has_members = any_per(park, n)
        figures = {
            m: stats.rows(m, rows) for m in ("online_retail", "crossborder_exports")
        }  # the members' rows only
        for name, metric, only_limit_above in (
            ("park.online_retail", "online_retail", False),
            ("park.limit_above_online_retail", "online_retail", True),
            ("park.crossborder_exports", "crossborder_exports", False),
        ):
            amounts, given = figures[metric]
            counted = given & (limit_above[rows] if only_limit_above else True)
            sums = add_at(n, park[counted], amounts[counted], parks["park_id"].to_numpy(dtype=object))
            known = any_per(park[counted], n)
            # a park whose members reported but none was limit-above has a known sum of 0
            ft.rationals[name + suffix] = Rational(np.where(known, sums, 0), 1, known | has_members)
        reported = any_per(positions[rows], len(park_of))  # members with a stats row this year
        ft.values["park.members" + suffix] = np.bincount(park_of[reported], minlength=n).astype(np.int64)
    return ft


def history_facts(stats: StatsArrays, rows: np.ndarray, year: int, metrics: tuple[str, ...]) -> FactTable:
    """Money facts ``metrics`` and limit_above of individual stats rows (positions ``rows``, any years)."""
    ft = FactTable(len(rows), year)
    for metric in metrics:
        figures, known = stats.rows(metric, rows)
        ft.rationals[metric] = Rational(figures, 1, known)
    ft.values["limit_above"] = stats.limit_above[rows]
    return ft


def application_facts(apps: pd.DataFrame, ent_facts: FactTable, indexer: np.ndarray) -> FactTable:
    """Facts for application rows: the enterprise's facts (its row in ``ent_facts`` at
    ``indexer``, -1: none) plus ``application.*``."""
    ft = ent_facts.take(indexer)
    ft.rationals["application.base_amount"] = Rational.of_ints(apps["base_amount"].astype("Int64"))
    ft.rationals["application.approved_amount"] = Rational.of_ints(apps["approved_amount"].astype("Int64"))
    qty = apps["quantity"].astype("Int64")
    ft.rationals["application.quantity"] = Rational(as_int_array(qty), NUMBER_SCALE, qty.notna().to_numpy())
    months = (
        apps["months"].astype("Int64").fillna(12) if "months" in apps else pd.Series(12, index=apps.index)
    )
    ft.rationals["application.months"] = Rational.of_ints(months)
    ft.values["application.level"] = apps["level"].to_numpy(dtype=object)
    return ft
