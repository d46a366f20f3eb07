"""Grouping helpers on plain columns (owners by position, -1: no owner)."""

import numpy as np

from settlement.engine.grouping import any_per, group_starts, min_per, pairs, text_rank


def test_owners_marks_and_least_values():
    owners = np.array([2, -1, 0, 2, 2])
    assert list(any_per(owners, 4)) == [True, False, True, False]
    least, found = min_per(owners, np.array([2024, 1999, 2023, 2022, 2025]), 4)
    assert list(least) == [2023, 0, 2022, 0] and list(found) == [True, False, True, False]
    # one row per owner in owner order (a year's statistics in the ledger's order): the same answer
    least, found = min_per(np.array([-1, 0, 2, -1, 3]), np.array([7, 2023, 2024, 9, 2021]), 4)
    assert list(least) == [2023, 0, 2024, 2021] and list(found) == [True, False, True, True]
    least, found = min_per(np.array([-1]), np.array([7]), 2)
    assert list(least) == [0, 0] and not found.any()


def test_ranks_groups_and_pairs():
    assert list(text_rank(np.array(["b", "a", None, "b"], dtype=object))) == [1, 0, 2, 1]
    assert list(group_starts(np.array(["a", "a", "b", "b"]), np.array(["", "x", "x", "x"]))) == [
        True,
        True,
        True,
        False,
    ]
    codes, distinct = pairs(np.array(["p", "p", "q", "p"]), np.array(["1", "2", "1", "1"]))
    assert list(codes) == [0, 1, 2, 0] and distinct == [("p", "1"), ("p", "2"), ("q", "1")]


def test_positions_are_looked_up_once_per_run_and_agree_with_any_order():
    import pandas as pd

    from settlement.engine.grouping import positions_in

    index = pd.Index(["a", "b", "c"], dtype=object)
    values = np.array(["b", "b", "x", "a", "a", "b", "c"], dtype=object)
    assert list(positions_in(index, values)) == [1, 1, -1, 0, 0, 1, 2]
    assert list(positions_in(index, values[::-1])) == [2, 1, 0, 0, -1, 1, 1]
    assert len(positions_in(index, np.array([], dtype=object))) == 0
    assert list(positions_in(pd.Index([], dtype=object), values[:2])) == [-1, -1]
    runs = np.array(["a", "a", "b", "c", "c"], dtype=object)  # every entry, in the index's order
    assert list(positions_in(index, runs)) == [0, 0, 1, 2, 2]
    assert list(positions_in(index, np.array(["a", "b", "d"], dtype=object))) == [
        0,
        1,
        -1,
    ]  # same length, not the same


def test_rows_in_order_on_several_keys():
    from settlement.engine.grouping import codes_of, in_order

    first = np.array([0, 0, 1, 1])
    assert in_order(first, np.array(["b", "c", "a", "a"], dtype=object))
    assert not in_order(first, np.array(["c", "b", "a", "a"], dtype=object))
    assert not in_order(np.array([1, 0]), np.array(["a", "b"], dtype=object))
    assert not in_order(
        first, np.array(["a", None, "b", "c"], dtype=object)
    )  # a missing text: sort to be sure
    assert in_order(np.array([], dtype=np.int64)) and in_order(np.array([3]))
    codes = codes_of(np.array(["x", "y", "x", ""], dtype=object))
    assert codes[0] == codes[2] and len(set(codes)) == 3
