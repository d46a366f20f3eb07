"""Column wording (settlement/engine/text.py): each way of building many texts at once gives
the text of one value worded alone."""

import numpy as np
import pytest

from settlement.engine import text as tx


def _one_by_one(fen, prefix=""):
    return [f"{prefix}{v // 100:,}.{v % 100:02d}元" for v in (int(x) for x in fen)]


@pytest.mark.parametrize("prefix", ["", "2025年网络零售额", "；计"])
def test_many_amounts_read_as_each_amount_worded_alone(prefix):
    rng = np.random.default_rng(11)
    edges = [
        0,
        1,
        9,
        10,
        99,
        100,
        101,
        99_999,
        100_000,
        99_999_999,
        100_000_000,
        10**15,
        10**17 - 1,
        2**63 - 1,
    ]
    fen = np.concatenate(
        [
            rng.integers(0, 10**12, 6000),
            rng.integers(0, 10**5, 3000),
            np.array(edges, dtype=np.int64),
            rng.integers(0, 10**12, 50),
        ]
    )
    rng.shuffle(fen)
    assert list(tx.fen_column_words(fen, prefix)) == _one_by_one(fen, prefix)
    few = fen[:20]
    assert list(tx.fen_column_words(few, prefix)) == _one_by_one(few, prefix)


def test_negative_amounts_and_python_integers_are_worded_one_by_one():
    fen = np.array([-5, -100, 250, 7] * 400 + list(range(1000)), dtype=np.int64)
    assert list(tx.fen_column_words(fen)) == _one_by_one(fen)
    big = np.array([2**70, 5, 2**70], dtype=object)
    assert list(tx.fen_column_words(big)) == _one_by_one(big)


def test_scaled_quantities_read_as_plain_decimals():
    values = np.array([0, 1, 2_500_000, 3_000_000, 10**6 - 1, -500_000, 2_500_000], dtype=np.int64)
    assert list(tx.scaled_column_words(values, 10**6)) == [
        "0",
        "0.000001",
        "2.5",
        "3",
        "0.999999",
        "-1.5",
        "2.5",
    ]


def test_columns_and_single_texts_are_joined_row_by_row():
    a = np.array(["甲", "乙"], dtype=object)
    assert list(tx.join_columns(a, "：", np.array(["1", ""], dtype=object), "元")) == ["甲：1元", "乙：元"]
    assert len(tx.join_columns(np.zeros(0, dtype=object), "x")) == 0
    with pytest.raises(ValueError):
        tx.join_columns(a, np.array(["1"], dtype=object))
