"""Exact products in 128 bits: the sign of a x b - c x d equals Python's for every int64 edge."""

import random

import numpy as np

from settlement.engine.exact import compare_products

EDGES = [
    0,
    1,
    -1,
    2**31,
    2**32 - 1,
    2**32,
    2**32 + 1,
    2**62,
    2**63 - 1,
    -(2**63),
    -(2**63) + 1,
    10**18,
    -(10**15) - 7,
]


def _sign(a, b, c, d):
    return (a * b > c * d) - (a * b < c * d)


def test_the_sign_of_two_products_is_exact_at_every_edge_and_at_random():
    rng = random.Random(7)
    rows = [
        [a, b, c, d]
        for a in EDGES
        for b in EDGES
        for c, d in ((b, a), (a, b), (a, b + (1 if b < 2**63 - 1 else -1)))
    ]
    rows += [
        [rng.choice(EDGES) if rng.random() < 0.3 else rng.randint(-(2**63), 2**63 - 1) for _ in range(4)]
        for _ in range(5000)
    ]
    cols = np.array(rows, dtype=np.int64).T
    assert list(compare_products(*cols)) == [_sign(*r) for r in rows]


def test_python_integers_beyond_int64_are_compared_as_they_are():
    big = np.array([2**70, -(2**70)], dtype=object)
    assert list(
        compare_products(big, np.array([1, 1]), np.array([2**69, 2**69], dtype=object), np.array([2, 2]))
    ) == [0, -1]


def test_products_stay_in_int64_when_every_row_fits_and_are_exact_either_way():
    from settlement.engine.exact import mul

    # the largest of each column would overflow together, but never on the same row
    a = np.array([3 * 10**10, 7, -5], dtype=np.int64)
    b = np.array([11, 4 * 10**10, 2**40], dtype=np.int64)
    out = mul(a, b)
    assert out.dtype == np.int64 and list(out) == [int(x) * int(y) for x, y in zip(a, b, strict=True)]
    # a row that does not fit: Python integers, exact
    a[0] = 2**40
    out = mul(a, np.array([2**30, 1, 1], dtype=np.int64))
    assert out.dtype == object and list(out) == [2**70, 7, -5]


def test_nearly_equal_large_products_are_decided_exactly():
    """Products that floating point cannot tell apart (equal, or a few units apart at 2**100)
    are decided by the 128-bit products."""
    rng = random.Random(3)
    rows = []
    for _ in range(3000):
        a, b = rng.randint(2**40, 2**62), rng.randint(2**30, 2**40)
        g = rng.choice([1, 2, 3, 7, 2**10])
        c, d = a // g, b * g  # equal when g divides a
        c += rng.choice([0, 0, 1, -1])
        sign = rng.choice([1, -1])
        rows.append([sign * a, b, sign * c, d])
    cols = np.array(rows, dtype=np.int64).T
    assert list(compare_products(*cols)) == [_sign(*r) for r in rows]
