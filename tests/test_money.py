from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from settlement.money import (
    AmountError,
    div_half_up,
    fen_column_to_yuan_text,
    fen_to_wan_text,
    fen_to_yuan_text,
    largest_remainder,
    mul_ratio_half_up,
    yuan_to_fen,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.50", 123450),
        ("1234", 123400),
        ("0.01", 1),
        ("5万", 5_000_000),
        ("0.5亿", 5_000_000_000),
        ("1.5万", 1_500_000),
        ("1,000,000", 100_000_000),
    ],
)
def test_yuan_to_fen_exact(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["1.234", "abc", "1,23", "", "1e5"])
def test_yuan_to_fen_refuses(text):
    with pytest.raises(AmountError):
        yuan_to_fen(text)


def test_float_is_not_money():
    with pytest.raises(TypeError):
        from settlement.money import to_fraction

        to_fraction(0.1)


def test_formatting():
    assert fen_to_yuan_text(123456) == "1234.56"
    assert fen_to_yuan_text(5) == "0.05"
    assert fen_to_wan_text(123456) == "0.1235"  # 1234.56 元 = 0.123456 万, half up
    assert fen_to_wan_text(50) == "0.0001"  # 0.00005 万 rounds half up


def test_a_column_of_amounts_reads_as_each_amount_alone():
    fen = [0, 5, -5, 100, -12345, 123456, 10**15 + 7, -(10**15)]
    assert list(fen_column_to_yuan_text(np.array(fen))) == [fen_to_yuan_text(f) for f in fen]
    assert list(fen_column_to_yuan_text([])) == []


def test_half_up():
    assert div_half_up(5, 10) == 1
    assert div_half_up(4, 10) == 0
    assert list(mul_ratio_half_up(np.array([5, 15, 25]), Fraction(1, 10))) == [1, 2, 3]


def test_largest_remainder_exact_total_and_ties():
    out = largest_remainder([100, 100, 100], 200)
    assert out.sum() == 200
    assert list(out) == [67, 67, 66]  # ties go to the earlier position
    out = largest_remainder([1, 1, 1], 2, [np.array(["c", "a", "b"])])
    assert list(out) == [0, 1, 1]  # ties by the first key: "a" and "b" before "c"


def test_largest_remainder_big_numbers_do_not_overflow():
    amounts = [10**16, 3 * 10**16, 7 * 10**15]
    out = largest_remainder(amounts, 10**16 + 1)
    assert int(out.sum()) == 10**16 + 1
    assert all(0 <= o <= a for o, a in zip(out, amounts, strict=True))


def test_decimal_input():
    assert yuan_to_fen(Decimal("12.30")) == 1230
