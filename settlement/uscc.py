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

# by character code (ASCII; anything else is not in a code): its value in the alphabet, or -1
_VALUE = np.full(128, -1, dtype=np.int8)
for _i, _c in enumerate(ALPHABET):
    _VALUE[ord(_c)] = _i
_DIGIT = np.zeros(128, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_AUTH = np.zeros(128, dtype=bool)
for _c in AUTHORITIES:
    _AUTH[ord(_c)] = True
_WEIGHTS32 = WEIGHTS.astype(np.int32)  # 17 weights x values below 31: far from int32's bound


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
    """Boolean array: which codes are valid USCCs. Vectorized over the whole column, in one-byte
    arrays (a province's 880,000 codes in about 0.3 s)."""
    codes = (
        np.array(["" if c is None else str(c) for c in codes], dtype=str)
        if not isinstance(codes, np.ndarray)
        else codes.astype(str)
    )
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=bool)
    lengths = np.char.str_len(codes)
    # code points of the (up to) 18 characters; shorter strings are padded with 0
    points = np.asarray(codes, dtype="U18").view(np.uint32).reshape(n, 18)
    ascii_ok = (points < 128).all(axis=1)
    chars = np.where(ascii_ok[:, None], points, 0).astype(np.uint8)
    values = _VALUE[chars]
    ok = (lengths == 18) & ascii_ok & (values >= 0).all(axis=1)
    ok &= _AUTH[chars[:, 0]]
    ok &= _DIGIT[chars[:, 2:8]].all(axis=1)
    total = np.maximum(values[:, :17], 0).astype(np.int32) @ _WEIGHTS32
    ok &= values[:, 17] == (31 - total % 31) % 31
    return ok
