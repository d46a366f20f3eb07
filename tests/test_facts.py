"""Derived facts: two-year growth (levels, reported rates, arithmetic mean) and tables taken
from other tables (facts taken on first use must equal the source's rows)."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from settlement.engine.facts import GROWTH, MONEY_METRICS, enterprise_facts

YEAR = 2025
A, B, C = "91330108MA0000000A", "91330108MA0000000B", "91330108MA0000000C"


def _facts():
    enterprises = pd.DataFrame(
        {
            "uscc": [A, B, C],
            "region_code": ["330108"] * 3,
            "registered_on": ["2015-01-01"] * 3,
            "park_id": [""] * 3,
        }
    )

    def row(uscc, year, retail, growth=None):
        return {
            "uscc": uscc,
            "year": year,
            "online_retail": retail,
            "retail_sales": retail,
            "online_retail_growth": growth,
            "limit_above": True,
        }

    stats = pd.DataFrame(
        [
            # A: levels only: 100 -> 121 over two years
            row(A, 2023, 10_000),
            row(A, 2024, 11_000),
            row(A, 2025, 12_100),
            # B: reported rates, 10% then 20% (nano-units)
            row(B, 2023, 5_000),
            row(B, 2024, 9_999, 200_000_000),
            row(B, 2025, 1, 100_000_000),
            # C: no figure two years back
            row(C, 2024, 100),
            row(C, 2025, 200),
        ]
    )
    for column in ("year", *MONEY_METRICS, *GROWTH):
        stats[column] = (stats[column] if column in stats else pd.Series([pd.NA] * len(stats))).astype(
            "Int64"
        )
    return enterprise_facts(YEAR, enterprises, stats, None)


def _fractions(r):
    return [
        Fraction(int(n), int(d)) if k else None
        for n, d, k in zip(r.num, np.broadcast_to(r.den, r.known.shape), r.known, strict=True)
    ]


def test_two_year_growth_from_levels_and_from_reported_rates():
    ft = _facts()
    geo = _fractions(ft.rational("online_retail_growth_2y"))  # the factor (1+g1)(1+g0)
    assert geo == [Fraction(121, 100), Fraction(11, 10) * Fraction(12, 10), None]


def test_the_arithmetic_mean_is_computed_when_asked_for():
    ft = _facts()
    assert "online_retail_growth_2y:arithmetic" in ft.rational_names()
    mean = _fractions(ft.rational("online_retail_growth_2y:arithmetic"))
    assert mean == [(Fraction(1, 10) + Fraction(1, 10)) / 2, (Fraction(1, 10) + Fraction(2, 10)) / 2, None]


def test_a_taken_table_equals_the_rows_of_its_source():
    ft = _facts()
    indexer = np.array([2, -1, 0, 0])
    taken = ft.take(indexer).take(np.array([3, 0, 1]))  # rows 0, 2, -1 of the source
    for name in ("online_retail", "online_retail_growth_2y", "online_retail_growth_2y:arithmetic"):
        src, got = _fractions(ft.rational(name)), _fractions(taken.rational(name))
        assert got == [src[0], src[2], None], name
    assert list(taken.value("limit_above")) == [True, True, False]
    assert list(taken.value("region_code")) == ["330108", "330108", None]


def test_growth_above_the_region_average_is_decided_exactly():
    # region X: 100 -> 121 in sum, A and B grow exactly as much: not above (a strict rise counts);
    # region Y has no figure last year (unknown); in Z the products need 128 bits, in W Python
    # integers (the sums pass int64): D grows 3 fen, E 1 fen, the mean 2 fen: D above, E not.
    D, E, F, G, H = (f"91330108MA000000{c}" for c in ("0D", "0E", "0F", "0G", "0H"))
    z, w = 10**12, 4 * 10**18
    enterprises = pd.DataFrame(
        {
            "uscc": [A, B, C, D, E, F, G, H],
            "region_code": ["X", "X", "Y", "Z", "Z", None, "W", "W"],
            "registered_on": ["2015-01-01"] * 8,
            "park_id": [""] * 8,
        }
    )
    rows = [
        (A, 2024, 10_000),
        (A, 2025, 12_100),
        (B, 2024, 90_000),
        (B, 2025, 108_900),
        (C, 2025, 5),
        (D, 2024, z),
        (D, 2025, z + 3),
        (E, 2024, z),
        (E, 2025, z + 1),
        (F, 2024, 1),
        (F, 2025, 9),
        (G, 2024, w),
        (G, 2025, w + 3),
        (H, 2024, w),
        (H, 2025, w + 1),
    ]
    stats = pd.DataFrame(
        [{"uscc": u, "year": y, "retail_sales": v, "limit_above": False} for u, y, v in rows]
    )
    for column in ("year", *MONEY_METRICS, *GROWTH):
        stats[column] = (stats[column] if column in stats else pd.Series([pd.NA] * len(stats))).astype(
            "Int64"
        )
    ft = enterprise_facts(YEAR, enterprises, stats, None)
    assert list(ft.value("retail_growth_above_region_average")) == [
        False,
        False,
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    mean = ft.value("region_average_growth")
    assert mean[0] == mean[1] == pytest.approx(0.21) and np.isnan(mean[2]) and np.isnan(mean[5])


def _context(stats_rows: list[tuple[str, int]]):
    """A year's context of A, B and C with statistics rows (uscc, year), every figure 1."""
    from settlement.engine.context import YearContext
    from settlement.policies import load_catalog

    enterprises = pd.DataFrame(
        {
            "uscc": [A, B, C],
            "region_code": ["330108", "330109", "330108"],
            "registered_on": ["2015-01-01"] * 3,
            "park_id": [""] * 3,
            "park_entry_on": [pd.NaT] * 3,
            "credit_blacklisted": [False, True, False],
        }
    )
    stats = pd.DataFrame(
        {
            "uscc": [u for u, _ in stats_rows],
            "year": [y for _, y in stats_rows],
            "limit_above": [True] * len(stats_rows),
            **{m: [1] * len(stats_rows) for m in (*MONEY_METRICS, *GROWTH)},
        }
    )
    for column in ("year", *MONEY_METRICS, *GROWTH):
        stats[column] = stats[column].astype("Int64")
    empty = pd.DataFrame()
    return YearContext(
        year=YEAR,
        catalog=load_catalog(),
        enterprises=enterprises,
        stats=stats,
        applications=pd.DataFrame(
            columns=[
                "application_id",
                "uscc",
                "policy_id",
                "clause_id",
                "status",
                "level",
                "base_amount",
                "approved_amount",
                "quantity",
                "months",
            ]
        ),
        parks=pd.DataFrame(
            columns=[
                "park_id",
                "kind",
                "operator_uscc",
                "building_area_m2",
                "occupancy_rate",
                "online_shops",
                "established_on",
            ]
        ),
        fx_rates=empty,
        budgets=pd.DataFrame(columns=["policy_id", "year", "budget"]),
        paid=pd.DataFrame(columns=["payee_uscc", "subject_uscc", "policy_id", "clause_id", "year", "amount"]),
    )


def test_regions_are_those_of_the_whole_year_when_a_subset_asks_first():
    ctx = _context([(A, YEAR)])
    sub = ctx.subset(np.array([2, 1]))  # C, B
    assert list(sub.in_regions_at({"330109"}, np.array([0, 1, -1]))) == [False, True, False]
    assert list(ctx.in_regions_at({"330108"}, np.array([0, 1, 2]))) == [True, False, True]
    assert list(sub.blacklisted_at(np.array([0, 1, -1]))) == [False, True, False]


def test_some_rows_of_the_statistics_equal_those_rows_of_the_whole_columns():
    """A column is converted on the rows asked for only (the year's rows of the facts, the history
    of a clause's candidates), or on every row once; both give the same figures, with
    online_sales falling back to online_retail where it is not reported."""
    from settlement.engine.facts import StatsArrays

    stats = pd.DataFrame(
        {
            "year": pd.array([2024, 2025, 2025, 2023], dtype="Int64"),
            "online_retail": pd.array([5, None, 7, 9], dtype="Int64"),
            "online_sales": pd.array([None, None, 70, 1], dtype="Int64"),
            "local_contribution": pd.Series([1.0, None, 3.0, 4.0]),  # not a nullable integer column
        }
    )
    rows = np.array([3, 0, 2, 1, 0])
    for name in ("online_retail", "online_sales", "local_contribution", "retail_sales"):
        some = StatsArrays(stats).rows(name, rows)
        whole = StatsArrays(stats).column(name)
        assert [list(a) for a in some] == [list(whole[0][rows]), list(whole[1][rows])], name
    figures, known = StatsArrays(stats).column("online_sales")
    assert list(figures) == [5, 0, 70, 1] and list(known) == [True, False, True, True]
    figures, known = StatsArrays(stats).column("local_contribution")
    assert list(figures) == [1, 0, 3, 4] and list(known) == [True, False, True, True]
    figures, known = StatsArrays(stats).column("retail_sales")  # not in the file: unknown
    assert list(figures) == [0, 0, 0, 0] and not known.any()


def test_a_subset_reads_the_history_of_its_own_enterprises_only():
    ctx = _context([(A, 2022), (A, 2024), (A, YEAR), (B, 2023), (B, YEAR), (C, 2021), (C, 2024)])
    sub = ctx.subset(np.array([2, 0]))  # C, A
    assert sorted(ctx.stats["uscc"].to_numpy()[sub.history_rows]) == [A, A, C, C]
    assert len(ctx.history_rows) == 5
    first, known = sub.first_history_year()
    assert list(first) == [2021, 2022] and list(known) == [True, True]
    whole_first, _ = ctx.first_history_year()
    assert list(whole_first) == [2022, 2023, 2021]
    assert list(sub.history("online_retail").rational("online_retail").num) == [1, 1, 1, 1]


def _population(n: int = 400, seed: int = 3):
    """Enterprises with three years of random figures: blanks, reported rates (a few of them
    large), and some enterprises without statistics this year."""
    rng = np.random.default_rng(seed)
    uscc = [f"91330108MA{k:08d}" for k in range(n)]
    enterprises = pd.DataFrame(
        {
            "uscc": uscc,
            "region_code": ["330108"] * n,
            "registered_on": ["2015-01-01"] * n,
            "park_id": [""] * n,
        }
    )
    rows = []
    for k, code in enumerate(uscc):
        for year in (YEAR - 2, YEAR - 1, YEAR):
            if year == YEAR and k % 17 == 0:
                continue
            figure = lambda: None if rng.random() < 0.1 else int(rng.integers(0, 10**11))  # noqa: E731
            rate = (
                None
                if rng.random() < 0.5
                else int(
                    rng.choice([rng.integers(-(10**9), 10**9) // 10**5 * 10**5, rng.integers(0, 6 * 10**9)])
                )
            )
            rows.append(
                {
                    "uscc": code,
                    "year": year,
                    "limit_above": True,
                    "online_retail_growth": rate,
                    "retail_growth": rate,
                    **{m: figure() for m in MONEY_METRICS},
                }
            )
    stats = pd.DataFrame(rows)
    for column in ("year", *MONEY_METRICS, *GROWTH):
        stats[column] = stats[column].astype("Int64")
    fx = pd.DataFrame({"year": [YEAR], "usd_cny": [7_188_400_000]})
    return enterprises, stats, fx


def test_facts_worked_out_on_a_few_rows_equal_those_rows_of_the_whole_columns():
    """A clause's applications ask for a fact on their enterprises only (fewer than an eighth of
    the rows: worked out on those rows); the same rows of the whole column must come out."""
    enterprises, stats, fx = _population()
    names = [
        *MONEY_METRICS,
        *(f"{m}@prev" for m in MONEY_METRICS),
        *GROWTH,
        *(f"{g}_2y" for g in GROWTH),
        *(f"{g}_2y:arithmetic" for g in GROWTH),
        "crossborder_exports_usd",
    ]
    whole = enterprise_facts(YEAR, enterprises, stats, fx)
    few = enterprise_facts(YEAR, enterprises, stats, fx)
    applications = few.take(
        np.array([5, -1, 17, 399, 5, 0, 34, 250] * 2)
    )  # 16 rows of 400, one with no enterprise
    clause = applications.take(np.array([0, 1, 2, 3, 6, 7, 9, 15]))
    rows = np.array([5, -1, 17, 399, 34, 250, -1, 250])
    for name in names:
        got, expected = clause.rational(name), whole.rational(name).take(rows)
        assert _fractions(got) == _fractions(expected), name
        assert list(got.known) == list(expected.known), name
    # worked out on the rows asked for, not on every row (but retail growth, which the region
    # averages need for every enterprise)
    assert set(names) & set(few.rationals) == {"retail_growth"}


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_subset_finds_its_history_rows_in_any_order_of_the_statistics(shuffled):
    """The ledger gives statistics in USCC order (each enterprise's rows one run, found by binary
    search); in any other order, with rows of enterprises not in the run among them, a subset
    finds the same rows, in the statistics' order."""
    X = "91330108MA0000000X"  # not an enterprise of the run
    rows = [(A, 2022), (A, 2024), (A, YEAR), (B, 2023), (B, YEAR), (C, 2021), (C, 2024), (X, 2023)]
    if shuffled:
        rows = [rows[k] for k in (7, 5, 2, 0, 6, 3, 1, 4)]
    ctx = _context(rows)
    for positions in ([2, 0], [0, 2], [1], [0, 1, 2]):
        wanted = {u for u, k in ((A, 0), (B, 1), (C, 2)) if k in positions}
        expected = [i for i, (u, y) in enumerate(rows) if u in wanted and y < YEAR]
        assert list(ctx.subset(np.array(positions)).history_rows) == expected, positions
