"""The audit trace of a line: one JSON object per line, written for all lines at once.

The text is exactly what ``DataFrame.to_json(orient="records", lines=True, force_ascii=False)``
writes for the same columns (the ledger has always stored it that way), built by joining
column texts instead of encoding a frame and splitting it into lines again, which cost more
than everything else in the wording of a year. ``tests/test_trace.py`` holds it to pandas'
output, character by character over every code point.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# what pandas' JSON writer escapes (everything else, non-ASCII included, is written as it is)
_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x20)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x2F: "\\/", 0x5C: "\\\\",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"/\\]')


def _escape(match: re.Match) -> str:
    return _ESCAPES[ord(match.group())]


def json_strings(values: np.ndarray) -> np.ndarray:
    """Each text as a JSON string literal, quotes included."""
    sub = _NEEDS_ESCAPE.sub
    return np.array(['"' + sub(_escape, str(v)) + '"' for v in values], dtype=object)


def json_ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


def each_distinct(encode, values: np.ndarray) -> np.ndarray:
    """``encode`` applied once per distinct value (reasons, years and tiers repeat a lot)."""
    codes, uniques = pd.factorize(np.asarray(values), use_na_sentinel=False)
    return encode(np.asarray(uniques))[codes] if len(codes) else np.array([], dtype=object)


def records(columns: dict[str, np.ndarray]) -> np.ndarray:
    """One JSON object per row from ``columns`` (name -> values already encoded as JSON)."""
    keys = json_strings(np.array(list(columns), dtype=object))
    pieces = []
    for i, values in enumerate(columns.values()):
        pieces += [("{" if i == 0 else ",") + keys[i] + ":", values]
    return join_columns(*pieces, "}")


def join_columns(*parts) -> np.ndarray:
    """Row by row, the texts of ``parts`` (columns, or one text for every row) joined."""
    n = max(len(p) for p in parts if not isinstance(p, str))
    columns = [[p] * n if isinstance(p, str) else p for p in parts]
    return np.array(["".join(row) for row in zip(*columns, strict=True)], dtype=object)
