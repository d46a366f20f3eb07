"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V,
Z); character 1 is the registering authority (1-9, A, N, Y), positions 3-8 the region code
(digits), character 18 the check character: 31 - (sum of value x weight mod 31), mod 31.
:func:`uscc_valid` checks a whole column at once with numpy; :func:`make_uscc` builds valid
codes (demo data, tests).
"""

from __future__ import annotations

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
AUTHORITIES = set("123456789ANY")

_VALUE = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(ALPHABET):
    _VALUE[ord(_c)] = _i
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_AUTH = np.zeros(256, dtype=bool)
for _c in AUTHORITIES:
    _AUTH[ord(_c)] = True


def check_character(first17: str) -> str:
    values = [ALPHABET.index(c) for c in first17]
    total = sum(v * int(w) for v, w in zip(values, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def make_uscc(authority: str, kind: str, region: str, body: str) -> str:
    """A valid USCC from its parts: authority (1 char), kind (1), region (6 digits), body (9)."""
    first17 = f"{authority}{kind}{region}{body}"
    if len(first17) != 17:
        raise ValueError("authority + kind + region + body must be 17 characters")
    return first17 + check_character(first17)


def uscc_valid(codes) -> np.ndarray:
    """Boolean array: which codes are valid USCCs. Vectorized over the whole column."""
    codes = (
        ["" if c is None else str(c) for c in codes]
        if not isinstance(codes, np.ndarray)
        else codes.astype(str)
    )
    arr = np.asarray(codes, dtype="U18")
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=bool)
    lengths = np.char.str_len(np.asarray(codes, dtype=str))
    # code points of the (up to) 18 characters; shorter strings are padded with 0
    points = arr.view(np.uint32).reshape(n, 18).astype(np.int64)
    ascii_ok = (points < 256).all(axis=1)
    points = np.where(points < 256, points, 0)
    values = _VALUE[points]
    ok = (lengths == 18) & ascii_ok & (values >= 0).all(axis=1)
    ok &= _AUTH[points[:, 0]]
    ok &= _DIGIT[points[:, 2:8]].all(axis=1)
    total = (np.where(values[:, :17] >= 0, values[:, :17], 0) * WEIGHTS).sum(axis=1)
    expected = (31 - total % 31) % 31
    ok &= values[:, 17] == expected
    return ok
