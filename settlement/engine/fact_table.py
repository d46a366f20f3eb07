"""The tables facts live in: columns of facts for a set of rows (:class:`FactTable`, taken lazily
from another), and the statistics as arrays by enterprise and year (:class:`StatsArrays`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .exact import Rational, masked_parts
from .grouping import compose, min_per


class FactError(Exception):
    """A fact a clause needs cannot be computed for the whole run (e.g. no fx rate for the year)."""


@dataclass
class FactTable:
    """Columns of facts for a set of rows. Numeric facts are :class:`Rational`; others are arrays.

    A table taken from another (:meth:`take`) takes each fact when it is first asked for: a
    clause reads a handful of the ~50 facts, on its applicants or candidates only. A fact the
    year has not worked out yet (``deferred``) is worked out on the rows asked for alone when
    they are few (a clause's applications), for every row otherwise (then kept)."""

    n: int
    year: int
    rationals: dict[str, Rational] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # fact -> why it is unavailable
    years: dict[str, int] = field(default_factory=dict)  # fact -> year of the figure it shows
    source: FactTable | None = None  # rows of ``source`` at ``indexer`` (taken on first use)
    indexer: np.ndarray | None = None
    # fact -> function working it out when first used, on some rows (positions, -1: none) or on all (None)
    deferred: dict[str, Callable[[np.ndarray | None], Rational]] = field(default_factory=dict)

    def rational(self, name: str) -> Rational:
        if name in self.errors:
            raise FactError(self.errors[name])
        if name not in self.rationals:
            if name in self.deferred:
                self.rationals[name] = self.deferred.pop(name)(None)
            elif self.source is not None and name in self.source.rational_names():
                self.rationals[name] = self.source.rational_at(name, self.indexer)
        return self.rationals[name]

    def rational_at(self, name: str, indexer: np.ndarray) -> Rational:
        """Rows ``indexer`` (positions, -1: none, unknown) of a numeric fact: taken from the
        whole column, or worked out on those rows alone when the fact is deferred here (or in
        the table these rows come from) and they are fewer than an eighth of the rows."""
        if name in self.errors:
            raise FactError(self.errors[name])
        if name not in self.rationals and len(indexer) * 8 < self.n:
            if name in self.deferred:
                return self.deferred[name](indexer)
            if self.source is not None and name in self.source.rational_names():
                return self.source.rational_at(name, compose(self.indexer, indexer))
        return self.rational(name).take(indexer)

    def value(self, name: str) -> np.ndarray:
        if name in self.errors:
            raise FactError(self.errors[name])
        if name not in self.values and self.source is not None and name in self.source.value_names():
            self.values[name] = _take_values(self.source.value(name), self.indexer)
        return self.values[name]

    def rational_names(self) -> set[str]:
        return (
            set(self.rationals)
            | set(self.deferred)
            | (self.source.rational_names() if self.source is not None else set())
        )

    def value_names(self) -> set[str]:
        return set(self.values) | (self.source.value_names() if self.source is not None else set())

    def take(self, indexer: np.ndarray) -> FactTable:
        """Rows by position (-1: no such row -> unknown / False / None)."""
        return FactTable(
            len(indexer),
            self.year,
            errors=dict(self.errors),
            years=dict(self.years),
            source=self,
            indexer=np.asarray(indexer),
        )

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


class StatsArrays:
    """The statistics rows (every year) as plain arrays shared by the year's facts, the park
    sums and the history: (values as int64 with 0 where missing, known mask), of every row
    (:meth:`column`, converted once) or of some rows (:meth:`rows`, converted on those only).
    ``online_sales`` falls back to ``online_retail`` where it is not reported."""

    def __init__(self, stats: pd.DataFrame):
        self.frame = stats
        self.n = len(stats)
        self.years = stats["year"].to_numpy(dtype=np.int64, na_value=-1)
        self.limit_above = (
            stats["limit_above"].fillna(False).to_numpy(dtype=bool)
            if "limit_above" in stats
            else np.zeros(self.n, dtype=bool)
        )
        self._columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._parts: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._columns:
            self._columns[name] = self._convert(name, None)
        return self._columns[name]

    def rows(self, name: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(figure, known) of the rows at positions ``rows``."""
        if name in self._columns:
            figures, known = self._columns[name]
            return figures[rows], known[rows]
        return self._convert(name, rows)

    def _convert(self, name: str, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._parts:
            self._parts[name] = masked_parts(self.frame[name]) if name in self.frame else None
        parts = self._parts[name]
        if parts is None:
            size = self.n if rows is None else len(rows)
            figures, known = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=bool)
        else:
            data, missing = parts if rows is None else (parts[0][rows], parts[1][rows])
            figures, known = np.where(missing, 0, data), ~missing
        if name == "online_sales":
            retail, retail_known = (
                self.column("online_retail") if rows is None else self.rows("online_retail", rows)
            )
            figures, known = np.where(known, figures, retail), known | retail_known
        return figures, known


class YearRows:
    """One row per enterprise (``n`` of them, in the enterprises' order) with its statistics of
    ``year``; ``positions`` is each stats row's enterprise (-1: not an enterprise of the run);
    where an enterprise has two rows for a year the first counts."""

    def __init__(self, stats: StatsArrays, positions: np.ndarray, year: int, n: int):
        sel = np.flatnonzero(stats.years == year)
        first, self.found = min_per(positions[sel], sel, n)
        self.at = np.where(self.found, first, 0)
        self.stats = stats
        self.limit_above = stats.limit_above[self.at] & self.found if stats.n else np.zeros(n, dtype=bool)
        self._columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(figure, known) of each enterprise; unknown where it has no row this year."""
        if name not in self._columns:
            if not self.stats.n:
                self._columns[name] = (
                    np.zeros(len(self.at), dtype=np.int64),
                    np.zeros(len(self.at), dtype=bool),
                )
            else:
                figures, known = self.stats.rows(name, self.at)
                self._columns[name] = figures, known & self.found
        return self._columns[name]

    def at_rows(self, rows: np.ndarray | None) -> YearRows | SomeRows:
        """These figures for every enterprise (None), or for the enterprises at positions ``rows``
        (-1: none)."""
        return self if rows is None else SomeRows(self, rows)


class SomeRows:
    """The figures of a year (:class:`YearRows`) of some enterprises only (positions, -1: none):
    from the whole column where it is converted already, else converted on these rows."""

    def __init__(self, year_rows: YearRows, rows: np.ndarray):
        self.year_rows = year_rows
        self.valid = np.asarray(rows) >= 0
        self.safe = np.where(self.valid, rows, 0)
        self._columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._columns:
            whole = self.year_rows
            if name in whole._columns or not whole.stats.n or not len(whole.at):
                figures, known = whole.column(name)
                self._columns[name] = figures[self.safe], known[self.safe] & self.valid
            else:
                figures, known = whole.stats.rows(name, whole.at[self.safe])
                self._columns[name] = figures, known & whole.found[self.safe] & self.valid
        return self._columns[name]
