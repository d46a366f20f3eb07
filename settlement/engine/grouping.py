"""Grouping on plain columns (numpy arrays), shared by the facts, the engine and allocation.

Rows are tied to an owner by position (a stats row to its enterprise, a member to its park;
-1: no owner). These helpers replace pandas group-bys and sorts of text columns in hot paths.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


def any_per(owners: np.ndarray, n: int) -> np.ndarray:
    """For each of ``n`` owners: does one of the rows belong to it? (rows of owner -1 count for none)"""
    hit = np.zeros(n, dtype=bool)
    hit[owners[owners >= 0]] = True
    return hit


def min_per(owners: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``n`` owners: the least of its rows' integer ``values`` (0 where it has no
    row), and whether it has one."""
    mine = owners >= 0
    owners, values = owners[mine], np.asarray(values, dtype=np.int64)[mine]
    if not len(owners) or bool(
        np.all(owners[1:] > owners[:-1])
    ):  # one row per owner, in order (a year's statistics)
        least, found = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        least[owners], found[owners] = values, True
        return least, found
    none = np.iinfo(np.int64).max
    least = np.full(n, none, dtype=np.int64)
    np.minimum.at(least, owners, values)
    found = least != none
    return np.where(found, least, 0), found


def compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Positions ``inner`` (-1: none) of rows at positions ``outer`` (-1: none), as positions in
    the table ``outer`` points into (a subset's rows as rows of the whole)."""
    inner = np.asarray(inner, dtype=np.int64)
    if not len(outer):
        return np.full(len(inner), -1, dtype=np.int64)
    return np.where(inner < 0, -1, outer[np.maximum(inner, 0)])


def codes_of(values: np.ndarray) -> np.ndarray:
    """A code for each distinct value (for grouping only: the codes do not sort like the values)."""
    return pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)[0]


def text_rank(values: np.ndarray) -> np.ndarray:
    """Codes that sort like the texts (ascending); a missing value sorts last."""
    codes, _ = pd.factorize(np.asarray(values, dtype=object), sort=True)
    return np.where(codes < 0, codes.max(initial=0) + 1, codes)


def in_order(*keys: np.ndarray) -> bool:
    """Are the rows already in ascending order of ``keys`` (the first key decides, then the
    next)? Texts compare as Python compares them, like :func:`text_rank`; a missing text makes
    the answer False (the caller sorts)."""
    n = len(keys[0])
    if n < 2:
        return True
    tied = np.ones(n - 1, dtype=bool)  # rows equal to the one before on the keys so far
    try:
        for key in keys:
            before, after = key[:-1], key[1:]
            if np.any(tied & np.asarray(after < before, dtype=bool)):
                return False
            tied &= np.asarray(after == before, dtype=bool)
            if not tied.any():
                break
    except TypeError:  # None or NaN among texts
        return False
    return True


def group_starts(*keys: np.ndarray) -> np.ndarray:
    """For rows sorted by ``keys``: True where a row starts a new group."""
    n = len(keys[0])
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    return new


def positions_in(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Position in ``index`` of each of ``values`` (-1: not there), looking up each run of equal
    values once: statistics come from the ledger in USCC order, five years per enterprise,
    so this hashes a fifth of the texts; when the runs are exactly the index's entries in its
    order (every enterprise has statistics, none other has), nothing is hashed. Any order gives
    the same answer."""
    values = np.asarray(values, dtype=object)
    if not len(values) or not len(index):
        return np.full(len(values), -1, dtype=np.int64)
    starts = np.flatnonzero(group_starts(values))
    runs = values[starts]
    if len(runs) == len(index) and np.array_equal(runs, index.to_numpy(dtype=object)):
        found = np.arange(len(index))  # one run per entry of the index, in its order: no lookup
    else:
        found = index.get_indexer(runs)
    return np.repeat(found, np.diff(np.append(starts, len(values))))


class Pairs(NamedTuple):
    """Each row's code of its (a, b) pair, and the distinct pairs (in order of appearance): what
    depends on the pair only is decided once per pair, then spread to the rows."""

    codes: np.ndarray
    distinct: list[tuple]

    def per_row(self, values: list, dtype=object) -> np.ndarray:
        """One value per pair (in the order of ``distinct``) spread to the rows."""
        return np.array(values, dtype=dtype)[self.codes]


def pairs(a: np.ndarray, b: np.ndarray) -> Pairs:
    """The distinct (a, b) pairs of two columns and each row's code (see :class:`Pairs`)."""
    a_codes, a_values = pd.factorize(np.asarray(a))
    b_codes, b_values = pd.factorize(np.asarray(b))
    width = max(len(b_values), 1)
    codes, combined = pd.factorize(a_codes.astype(np.int64) * width + b_codes)
    return Pairs(codes, [(a_values[c // width], b_values[c % width]) for c in combined])
