"""The audit trace of a line: one JSON object per line, written for all lines at once.

The text is exactly what ``DataFrame.to_json(orient="records", lines=True, force_ascii=False)``
writes for the same columns (the ledger has always stored it that way), built by joining
column texts instead of encoding a frame and splitting it into lines again, which cost more
than everything else in the wording of a year. ``tests/test_trace.py`` holds it to pandas'
output, character by character over every code point.
"""

from __future__ import annotations

import json

import numpy as np

from .text import join_columns

# pandas' JSON writer escapes what the standard library's C encoder escapes (quote, backslash,
# control characters, with the same short forms and lower-case hex) and also "/" (as "\/");
# everything else, non-ASCII included, is written as it is.
_encode = json.encoder.encode_basestring


def json_string(value) -> str:
    """A text as a JSON string literal, quotes included."""
    return _encode(str(value)).replace("/", "\\/")


def json_int(value) -> str:
    return str(int(value))


def json_strings(values: np.ndarray) -> np.ndarray:
    return np.array([_encode(v if type(v) is str else str(v)).replace("/", "\\/") for v in values], dtype=object)


def json_ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


def records(columns: dict[str, np.ndarray]) -> np.ndarray:
    """One JSON object per row from ``columns`` (name -> values already encoded as JSON)."""
    keys = json_strings(np.array(list(columns), dtype=object))
    pieces = []
    for i, values in enumerate(columns.values()):
        pieces += [("{" if i == 0 else ",") + keys[i] + ":", values]
    return join_columns(*pieces, "}")
