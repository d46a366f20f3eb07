"""What the engine reads for one settlement year, gathered once from the ledger."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..policies import Catalog
from .facts import (
    FactTable,
    StatsArrays,
    application_facts,
    enterprise_facts,
    factorize_regions,
    history_facts,
    park_facts,
)
from .grouping import any_per, compose, group_starts, in_order, min_per, positions_in, text_rank

# The enterprise columns a clause reads from a subset of the year's enterprises (names, banks
# and the rest are for the lists, not for the clauses).
SUBSET_COLUMNS = ("uscc", "region_code", "registered_on", "park_id", "park_entry_on", "credit_blacklisted")


@dataclass
class YearContext:
    year: int
    catalog: Catalog
    enterprises: pd.DataFrame  # one row per enterprise, sorted by uscc
    stats: pd.DataFrame  # every year up to ``year``
    applications: pd.DataFrame  # year ``year``, every status
    parks: pd.DataFrame
    fx_rates: pd.DataFrame
    budgets: pd.DataFrame
    paid: pd.DataFrame  # earlier years: payee_uscc, subject_uscc, policy_id, clause_id, year, amount
    facts: FactTable = field(init=False)
    index: pd.Index = field(init=False)

    def __post_init__(self) -> None:
        if not in_order(
            self.enterprises["uscc"].to_numpy(dtype=object)
        ):  # the ledger gives them in USCC order
            self.enterprises = self.enterprises.sort_values("uscc", kind="stable")
        self.enterprises = self.enterprises.reset_index(drop=True)
        self.index = _uscc_index(self.enterprises["uscc"])
        self.enterprise_count = len(self.index)  # of the whole year, also in a subset
        self.positions = np.arange(self.enterprise_count)  # of these enterprises in the whole year's table
        # each stats row's enterprise (position; -1: not an enterprise of the run) and year
        self.stats_positions = positions_in(self.index, self.stats["uscc"].to_numpy(dtype=object))
        self.stats_arrays = StatsArrays(self.stats)  # each column converted once
        self.stats_years = self.stats_arrays.years
        regions = factorize_regions(self.enterprises["region_code"].to_numpy(dtype=object))
        self.facts = enterprise_facts(
            self.year, self.enterprises, self.stats_arrays, self.fx_rates, self.stats_positions, regions
        )
        self.parks = self.parks.sort_values("park_id", kind="stable").reset_index(drop=True)
        self.park_facts = park_facts(
            self.year,
            self.parks,
            self.enterprises,
            self.stats_arrays,
            self.stats_positions,
            self.facts.value("park_id"),
        )
        self._shared: dict = {"region_codes": regions}  # derived once, shared with subsets
        self.whole_year = True  # these are all the year's enterprises (a subset: some of them)
        # derived for these enterprises (a subset its own): blacklist flags, history rows and facts
        self._columns: dict = {}
        paid = self.paid[self.paid["year"] < self.year]
        self.paid_summary = (
            (
                paid.assign(years=paid["year"].astype(str), amount=paid["amount"].astype(np.int64))
                .groupby(["payee_uscc", "subject_uscc", "policy_id", "clause_id"], sort=True)
                .agg(
                    paid_total=("amount", "sum"),
                    paid_max=("amount", "max"),
                    paid_years=("years", lambda s: "、".join(sorted(set(s)))),
                )
                .reset_index()
            )
            if len(paid)
            else pd.DataFrame(
                columns=[
                    "payee_uscc",
                    "subject_uscc",
                    "policy_id",
                    "clause_id",
                    "paid_total",
                    "paid_max",
                    "paid_years",
                ]
            )
        )

    def subset(self, positions: np.ndarray) -> YearContext:
        """The same year restricted to some enterprises (by position): their rows (the columns
        the clauses read, :data:`SUBSET_COLUMNS`), facts and index; stats, parks, park facts,
        applications and history stay whole (they are looked up by USCC). Facts that depend on
        other enterprises (region averages, park sums) were computed on the whole population and
        are kept as they are."""
        out = copy.copy(self)  # the same year: its frames, shared derivations and facts
        out.whole_year = False
        positions = np.asarray(positions, dtype=np.int64)
        columns = [c for c in SUBSET_COLUMNS if c in self.enterprises]
        out.enterprises = self.enterprises[columns].iloc[positions].reset_index(drop=True)
        out.index = _uscc_index(out.enterprises["uscc"])
        out.positions = self.positions[positions]
        out._columns = {}
        out.facts = self.facts.take(positions)
        return out

    @property
    def history_rows(self) -> np.ndarray:
        """Positions in ``stats`` of the rows of earlier years of these enterprises (of the whole
        year's computed once and shared; a subset's, its own)."""
        if self.whole_year:
            return self._year_history_rows()
        if "history_rows" not in self._columns:
            rows = self.own_stats_rows()
            self._columns["history_rows"] = rows[self.stats_years[rows] < self.year]
        return self._columns["history_rows"]

    def own_stats_rows(self) -> np.ndarray:
        """Positions in ``stats`` of every row of these enterprises, in stats order (of a subset:
        found by binary search, each enterprise's rows being one run when the statistics are in
        enterprise order, as the ledger gives them; sorted once otherwise)."""
        if self.whole_year:
            return np.flatnonzero(self.stats_positions >= 0)
        if "own_rows" not in self._columns:
            if "stats_by_owner" not in self._shared:
                owners = self.stats_positions
                order = None if in_order(owners) else np.argsort(owners, kind="stable")
                self._shared["stats_by_owner"] = (owners, None) if order is None else (owners[order], order)
            owners, order = self._shared["stats_by_owner"]
            starts = np.searchsorted(owners, self.positions, "left")
            lengths = np.searchsorted(owners, self.positions, "right") - starts
            rows = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
            if order is not None:
                rows = order[rows]
            if order is not None or not in_order(self.positions):
                rows = np.sort(rows)
            self._columns["own_rows"] = rows
        return self._columns["own_rows"]

    def _year_history_rows(self) -> np.ndarray:
        """Positions in ``stats`` of every row of an earlier year (computed once, shared by subsets)."""
        if "history_rows" not in self._shared:
            self._shared["history_rows"] = np.flatnonzero(self.stats_years < self.year)
        return self._shared["history_rows"]

    def history(self, metric: str):
        """``metric`` (a money fact) and limit_above of the earlier stats rows of these
        enterprises, in the order of :attr:`history_rows` (computed once per metric)."""
        key = ("history", metric)
        if key not in self._columns:
            self._columns[key] = history_facts(self.stats_arrays, self.history_rows, self.year, (metric,))
        return self._columns[key]

    def per_enterprise(self, rows: np.ndarray) -> np.ndarray:
        """For each of these enterprises: does one of the stats rows ``rows`` (positions) belong to it?"""
        return any_per(self.stats_positions[rows], self.enterprise_count)[self.positions]

    def first_history_year(self) -> tuple[np.ndarray, np.ndarray]:
        """For each of these enterprises: the first year of its statistics before this year
        (0 where none), and whether it has one."""
        if "first_year" not in self._columns:
            rows = self.history_rows
            first, known = min_per(self.stats_positions[rows], self.stats_years[rows], self.enterprise_count)
            self._columns["first_year"] = first[self.positions], known[self.positions]
        return self._columns["first_year"]

    def applications_for(self, policy_id: str, clause_id: str) -> ApplicationRows:
        """The year's applications under one clause (every status), in USCC then application-id
        order, with their facts. All applications are put in that order, looked up and given
        their facts once per year; a clause gets its slice."""
        if "applications" not in self._shared:
            if self.enterprise_count != len(self.index):
                raise ValueError("applications are read from the whole year's context, not a subset")
            self._shared["applications"] = _ApplicationsOfYear(self.applications, self.index, self.facts)
        return self._shared["applications"].of(policy_id, clause_id)

    def paid_under(self, policy_id: str, clause_id: str) -> pd.DataFrame | None:
        """:attr:`paid_summary` rows of one clause (None when nothing was paid under it; grouped
        once per year, not filtered again for each of the ~100 clauses)."""
        if "paid_by_clause" not in self._shared:
            frame = self.paid_summary
            self._shared["paid_by_clause"] = (
                frame.groupby(["policy_id", "clause_id"], sort=False).indices if len(frame) else {}
            )
        positions = self._shared["paid_by_clause"].get((policy_id, clause_id))
        return self.paid_summary.iloc[positions] if positions is not None else None

    def _region_codes(self) -> tuple[np.ndarray, list]:
        """Each of the year's enterprises' code of its region, and the region of each code
        (None for a blank one); factorized once for the whole year, with its facts."""
        return self._shared["region_codes"]

    def _year_positions(self, rows: np.ndarray) -> np.ndarray:
        """Positions ``rows`` of these enterprises as positions in the whole year (-1 stays -1)."""
        rows = np.asarray(rows)
        if self.whole_year:  # the whole year: positions are its own
            return rows
        return compose(self.positions, rows)

    def in_regions_at(self, regions, rows: np.ndarray) -> np.ndarray:
        """Whether the enterprises at positions ``rows`` (-1: none, False) are in one of
        ``regions``: decided once per distinct region code of the year, then looked up."""
        key = ("in_regions", frozenset(regions))
        if key not in self._shared:
            codes, values = self._region_codes()
            self._shared[key] = np.append(np.array([v in key[1] for v in values], dtype=bool)[codes], False)
        return _at(self._shared[key], self._year_positions(rows))

    def regions_at(self, rows: np.ndarray) -> tuple[np.ndarray, list]:
        """The region of the enterprises at positions ``rows`` as codes, and the region of each
        code (None for a blank region and for a row of -1)."""
        codes, values = self._region_codes()
        return _at(np.append(codes, len(values)), self._year_positions(rows)), [*values, None]

    def blacklisted_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether the enterprises at positions ``rows`` are on the serious-dishonesty list
        (False for a row of -1 or a blank flag)."""
        if "blacklisted" not in self._columns:  # then False for "no such enterprise"
            flags = self.enterprises["credit_blacklisted"].fillna(False).to_numpy(dtype=bool)
            self._columns["blacklisted"] = np.append(flags, False)
        return _at(self._columns["blacklisted"], rows)

    def budget_for(self, policy_id: str) -> int | None:
        rows = self.budgets[(self.budgets["policy_id"] == policy_id) & (self.budgets["year"] == self.year)]
        if len(rows):
            return int(rows["budget"].iloc[0])
        return None


def _at(values: np.ndarray, rows) -> np.ndarray:
    """``values`` at positions ``rows``; a row of -1 gets the last entry (the answer for "no such
    enterprise", appended to the column)."""
    rows = np.asarray(rows)
    return values[np.where(rows < 0, len(values) - 1, rows)]


@dataclass
class ApplicationRows:
    """Applications (of one clause) as arrays: ``columns`` by name, the position of each one's
    enterprise in the year (-1: not an enterprise of the run) and their facts."""

    columns: dict[str, np.ndarray]
    positions: np.ndarray
    facts: FactTable

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]


STATUS_LABELS = {"approved": "审核通过", "rejected": "未通过", "pending": "待审核"}


def _status_labels(status: np.ndarray) -> np.ndarray:
    codes, values = pd.factorize(status, use_na_sentinel=False)
    return (
        np.array([STATUS_LABELS.get(s, "未知") for s in values], dtype=object)[codes]
        if len(status)
        else status
    )


class _ApplicationsOfYear:
    """Every application of the year sorted by policy, clause, USCC and application id, and the
    rows of each clause (a clause's rows are one slice)."""

    COLUMNS = ("application_id", "uscc", "level")

    def __init__(self, applications: pd.DataFrame, index: pd.Index, facts: FactTable):
        keys = [
            applications[c].to_numpy(dtype=object)
            for c in ("policy_id", "clause_id", "uscc", "application_id")
        ]
        if in_order(*keys):  # as the ledger gives them
            apps = applications.reset_index(drop=True)
        else:
            apps = applications.iloc[np.lexsort([text_rank(k) for k in reversed(keys)])].reset_index(
                drop=True
            )
        status = apps["status"].fillna("").to_numpy(dtype=object)
        self.rows = ApplicationRows(
            {c: apps[c].to_numpy(dtype=object) for c in self.COLUMNS}
            | {"status": status, "status_label": _status_labels(status)},
            positions := positions_in(index, apps["uscc"].to_numpy(dtype=object)),
            application_facts(apps, facts, positions),
        )
        policy, clause = apps["policy_id"].to_numpy(dtype=object), apps["clause_id"].to_numpy(dtype=object)
        starts = np.flatnonzero(group_starts(policy, clause))
        ends = np.append(starts[1:], len(apps)) if len(starts) else starts
        self.slices = {(policy[a], clause[a]): (int(a), int(b)) for a, b in zip(starts, ends, strict=True)}

    def of(self, policy_id: str, clause_id: str) -> ApplicationRows:
        a, b = self.slices.get((policy_id, clause_id), (0, 0))
        rows = self.rows
        return ApplicationRows(
            {c: v[a:b] for c, v in rows.columns.items()},
            rows.positions[a:b],
            rows.facts.take(np.arange(a, b)),
        )


def _uscc_index(uscc: pd.Series) -> pd.Index:
    """An index of USCCs as plain Python strings (looked up faster than pandas' string dtype)."""
    return pd.Index(uscc.to_numpy(dtype=object), dtype=object)
