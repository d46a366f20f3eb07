"""The audit trace of a line: one JSON object per line, written for all lines at once.

The text is exactly what ``DataFrame.to_json(orient="records", lines=True, force_ascii=False)``
writes for the same columns (the ledger has always stored it that way), built by joining
column texts instead of encoding a frame and splitting it into lines again, which cost more
than everything else in the wording of a year. ``tests/test_trace.py`` holds it to pandas'
output, character by character over every code point.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np

from .text import distinct_words, join_columns

# pandas' JSON writer escapes what the standard library's C encoder escapes (quote, backslash,
# control characters, with the same short forms and lower-case hex) and also "/" (as "\/");
# everything else, non-ASCII included, is written as it is.
_encode = json.encoder.encode_basestring


def json_string(value) -> str:
    """A text as a JSON string literal, quotes included."""
    return _encode(value if type(value) is str else str(value)).replace("/", "\\/")


def json_int(value) -> str:
    return str(int(value))


def json_strings(values: np.ndarray) -> np.ndarray:
    """Each text as a JSON string literal (:func:`json_string` of each): the C encoder on every
    text, and "/" replaced only in the texts that have one."""
    try:
        texts = list(map(_encode, values))
    except TypeError:  # a value that is not a text
        texts = list(map(json_string, values))
    else:
        texts = [s.replace("/", "\\/") if "/" in s else s for s in texts]
    return np.array(texts, dtype=object)


def json_ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


class Coded(NamedTuple):
    """A column given as one encoded text per distinct value and each row's code: the key
    texts around it are joined to the few distinct texts once, not to every row."""

    codes: np.ndarray
    texts: np.ndarray


def coded(values: np.ndarray, encode) -> Coded:
    """``values`` encoded once per distinct value."""
    return Coded(*distinct_words(values, encode))


def _side_by_side(a: Coded, key: str, b: Coded) -> Coded | None:
    """Two coded columns as one, every pair of their texts (with ``key`` between) written once:
    fewer pieces to join on every row. None where the pairs would be many (an eighth of the rows
    or more), as for two amounts."""
    width = len(b.texts)
    if len(a.texts) * width > len(a.codes) // 8:
        return None
    return Coded(
        np.asarray(a.codes, dtype=np.int64) * width + b.codes,
        (a.texts[:, None] + key + b.texts[None, :]).ravel(),
    )


def records(columns: dict[str, np.ndarray | Coded]) -> np.ndarray:
    """One JSON object per row from ``columns`` (name -> values already encoded as JSON, as a
    column or :class:`Coded`)."""
    pieces: list = []  # constant texts, columns, and Coded columns (texts still to be spread)

    def constant(text: str) -> None:
        if pieces and isinstance(pieces[-1], Coded):  # after the previous coded column's texts
            pieces[-1] = Coded(pieces[-1].codes, pieces[-1].texts + text)
        else:
            pieces.append(text)

    for i, (name, values) in enumerate(columns.items()):
        key = ("{" if i == 0 else ",") + json_string(name) + ":"
        if (
            isinstance(values, Coded)
            and pieces
            and isinstance(pieces[-1], Coded)
            and (both := _side_by_side(pieces[-1], key, values))
        ):
            pieces[-1] = both
        elif isinstance(values, Coded):  # before its own texts
            pieces.append(Coded(values.codes, key + values.texts))
        else:
            constant(key)
            pieces.append(values)
    constant("}")
    return join_columns(*(p.texts[p.codes] if isinstance(p, Coded) else p for p in pieces))
