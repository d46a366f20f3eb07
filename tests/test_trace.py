"""The audit trace is written by joining column texts; it must be exactly what pandas' JSON
writer gives for the same columns (the text the ledger has always stored)."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from settlement.engine import trace
from settlement.engine.text import each_distinct


def _pandas(frame: pd.DataFrame) -> list[str]:
    return frame.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n").split("\n")


def _ours(frame: pd.DataFrame, coded: tuple[str, ...] = ()) -> list[str]:
    """``coded``: the columns given as distinct texts and codes."""
    columns = {}
    for name in frame.columns:
        values = frame[name].to_numpy()
        if name in coded:
            columns[name] = trace.coded(
                values, trace.json_int if values.dtype.kind == "i" else trace.json_string
            )
        else:
            columns[name] = (
                trace.json_ints(values) if values.dtype.kind == "i" else trace.json_strings(values)
            )
    return list(trace.records(columns))


def test_every_code_point_is_written_as_pandas_writes_it():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    frame = pd.DataFrame({"facts": chars, "tier": np.arange(len(chars), dtype=np.int64) - 5})
    assert _ours(frame) == _pandas(frame)
    assert _ours(frame, ("tier",)) == _pandas(frame)


def test_line_separators_inside_a_text_stay_in_their_line():
    frame = pd.DataFrame(
        {
            "reason": ["a\u2028b", "c\x85d", "e\nf", "名称/“引号”\\"],
            "n": np.array([1, 2, 3, 4], dtype=np.int64),
        }
    )
    ours = _ours(frame)
    assert len(ours) == 4 and ours == _pandas(frame)


def test_distinct_values_are_encoded_once_and_spread():
    values = np.array(["b", "a", "b", ""], dtype=object)
    assert list(each_distinct(values, trace.json_string)) == ['"b"', '"a"', '"b"', '""']


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(), st.integers(-(2**62), 2**62), st.text(alphabet="0123456789、年")),
        min_size=1,
        max_size=20,
    )
)
def test_random_rows(rows):
    frame = pd.DataFrame(rows, columns=["facts", "capped_fen", "paid_years"]).astype(
        {"capped_fen": np.int64, "facts": object, "paid_years": object}
    )
    assert _ours(frame) == _pandas(frame)
    for coded in (
        ("facts",),
        ("capped_fen", "paid_years"),
        ("facts", "capped_fen", "paid_years"),
        ("paid_years",),
    ):
        assert _ours(frame, coded) == _pandas(frame), coded


def test_coded_columns_with_few_pairs_are_written_side_by_side_as_pandas_writes_them():
    """Adjacent coded columns with few pairs of values (clause kind and mode, tier, caps) are
    joined as one before the rows are: the text stays pandas' text."""
    n = 400
    i = np.arange(n)
    frame = pd.DataFrame(
        {
            "kind": np.array(["rate", "fixed", "tiered", "有/“引号”\\"], dtype=object)[i % 4],
            "mode": np.array(["", "first_crossing"], dtype=object)[i % 2],
            "tier": (i % 3).astype(np.int64),
            "capped_fen": i.astype(np.int64) * 7 - 50,
            "annual_cap_fen": np.array([-1, 5_000_000], dtype=np.int64)[i % 2],
            "reason": np.array(["", "计算金额为0", "a\nb"], dtype=object)[i % 3],
            "facts": np.array([f"事实{k}" for k in i], dtype=object),
        }
    )
    coded = ("kind", "mode", "tier", "capped_fen", "annual_cap_fen", "reason")
    assert _ours(frame, coded) == _pandas(frame)
    kind, mode = (trace.coded(frame[c].to_numpy(), trace.json_string) for c in ("kind", "mode"))
    assert trace._side_by_side(kind, ',"mode":', mode) is not None  # 4 x 2 pairs for 400 rows
    amounts = trace.coded(frame["capped_fen"].to_numpy(), trace.json_int)
    assert trace._side_by_side(kind, ',"capped_fen":', amounts) is None  # 4 x 400 pairs: not worth it
