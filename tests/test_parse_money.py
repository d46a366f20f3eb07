"""Amounts read column-wise (Arrow) equal amounts read cell by cell, for every cell: the
same fen, the same unknowns, the same reasons for bad cells."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from settlement.ingest.numbers import parse_money, parse_money_cells, plain_money
from settlement.ingest.problems import _Problems

CELLS = st.one_of(
    st.text(alphabet="0123456789.,-+ e%１２", max_size=22),
    st.from_regex(r"[0-9]{1,17}(\.[0-9]{0,4})?", fullmatch=True),
    st.sampled_from(
        [
            "",
            "0",
            "00.50",
            "999999999999999.99",
            "1000000000000000",
            "1,234.5",
            "-0",
            "-0.00",
            "7.",
            ".5",
            "nan",
            "Inf",
        ]
    ),
)


def both(values: list[str]):
    text = pd.Series(values, dtype=object, index=range(2, len(values) + 2))
    fast_problems, slow_problems = _Problems("f.csv"), _Problems("f.csv")
    fast = parse_money(text, fast_problems, "amount")
    slow = parse_money_cells(text, slow_problems, "amount")
    return fast, slow, fast_problems.frame(), slow_problems.frame()


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=40))
@example(["", "0200000000000000.1"])  # a blank beside an amount read cell by cell: never through a float
def test_column_wise_equals_cell_by_cell(values):
    fast, slow, fast_problems, slow_problems = both(values)
    assert (
        fast.astype("object").where(fast.notna(), None).tolist()
        == slow.astype("object").where(slow.notna(), None).tolist()
    )
    key = ["row", "column", "reason"]
    assert (
        fast_problems.sort_values(key)[key + ["value"]].values.tolist()
        == slow_problems.sort_values(key)[key + ["value"]].values.tolist()
    )


def test_plain_amounts_are_exact():
    plain, fen = plain_money(
        pd.Series(["476638558.80", "999999999999999.99", "0.5", "12", "1,000", ""], dtype=object)
    )
    assert plain.tolist() == [True, True, True, True, False, False]
    assert fen[:4].tolist() == [47663855880, 99999999999999999, 50, 1200]


RATIO_CELLS = st.one_of(
    st.text(alphabet="0123456789.,-+ e%１", max_size=16),
    st.from_regex(r"-?[0-9]{1,11}(\.[0-9]{0,11})?%?", fullmatch=True),
    st.sampled_from(
        ["", "0", "-0", "-0.0", "007.5", "0.125", "12.5%", "999999999.999999999", "1000000000", "7.", ".5"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(RATIO_CELLS, min_size=1, max_size=40),
    st.sampled_from([10**9, 10**6]),
    st.booleans(),
)
@example(["", "0.1234567891", "-0", "0001.5"], 10**9, False)
def test_ratios_column_wise_equal_cell_by_cell(values, scale, allow_negative):
    from settlement.ingest.numbers import _scaled_cells, parse_scaled

    text = pd.Series(values, dtype=object, index=range(2, len(values) + 2))
    fast_problems, slow_problems = _Problems("f.csv"), _Problems("f.csv")
    fast = parse_scaled(text, fast_problems, "ratio", scale, allow_negative)
    cells = text[text != ""]
    slow = pd.Series(pd.NA, index=text.index, dtype="Int64")
    if len(cells):
        slow[text != ""] = _scaled_cells(cells, slow_problems, "ratio", scale, allow_negative).array
    assert (
        fast.astype("object").where(fast.notna(), None).tolist()
        == slow.astype("object").where(slow.notna(), None).tolist()
    )
    key = ["row", "column", "reason"]
    assert (
        fast_problems.frame().sort_values(key)[key + ["value"]].values.tolist()
        == slow_problems.frame().sort_values(key)[key + ["value"]].values.tolist()
    )
