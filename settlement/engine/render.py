"""The explanation and the audit trace of every line, worded once for the whole year."""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from . import text as tx
from . import trace
from .frames import lines_frame
from .grouping import pairs

LINE_COLUMNS = [
    "payee_uscc",
    "subject_uscc",
    "park_id",
    "policy_id",
    "clause_id",
    "matter",
    "status",
    "standard_amount",
    "capped_amount",
    "application_ids",
    "explanation",
    "trace",
]


def empty_lines() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})
    frame["standard_amount"] = frame["standard_amount"].astype(np.int64)
    frame["capped_amount"] = frame["capped_amount"].astype(np.int64)
    return frame


def render(raw: dict[str, np.ndarray], catalog) -> pd.DataFrame:
    """The explanation and the audit trace of every line, worded in one pass over the lines of
    all clauses (the columns :func:`finish` left: facts, notes and reason). The explanation
    carries the words (the facts and years used, notes, the reason); the trace the figures
    behind them (kind and mode of the clause, tier, amounts before and after the clause's caps,
    the caps, what was paid before and in which years, the reason), not the words again."""
    if not len(raw["payee_uscc"]):
        return empty_lines()
    by_clause = pairs(raw["policy_id"], raw["clause_id"])
    clauses = [(catalog.policy(p), catalog.policy(p).clause(c)) for p, c in by_clause.distinct]

    status, capped, facts, reason, notes = (
        raw["status"],
        raw["capped_amount"],
        raw["facts"],
        raw["reason"],
        raw["notes"],
    )
    header = by_clause.per_row([f"《{p.short_name}》（{p.number_words}）第{c.id}条：" for p, c in clauses])
    candidate = status == "candidate"
    tail = "；" + reason
    rows = np.flatnonzero(candidate)
    tail[rows] = tx.fen_column_words(capped[rows], "；计")
    # a reason the application notes already give is not said twice
    rows = np.flatnonzero(~candidate & (reason != ""))
    said = np.fromiter(map(operator.contains, facts[rows], reason[rows]), dtype=bool, count=len(rows))
    tail[rows[said]] = ""
    noted = np.full(len(notes), "", dtype=object)
    rows = np.flatnonzero(notes != "")
    stripped = [s[1:] if s.startswith("；") else s for s in notes[rows]]
    noted[rows] = ["；" + s if s else "" for s in stripped]
    out = {c: raw[c] for c in LINE_COLUMNS if c in raw}
    out["explanation"] = tx.join_columns(header, facts, noted, tail)

    def per_clause_coded(values: list, encode) -> trace.Coded:
        return trace.Coded(by_clause.codes, np.array([encode(v) for v in values], dtype=object))

    out["trace"] = trace.records(
        {
            "kind": per_clause_coded([c.kind for _, c in clauses], trace.json_string),
            "mode": per_clause_coded([getattr(c, "mode", None) or "" for _, c in clauses], trace.json_string),
            "tier": trace.coded(raw["tier"] + 1, trace.json_int),
            "paid_before": trace.coded(raw["paid_before"], trace.json_int),
            "paid_years": trace.coded(raw["paid_years"], trace.json_string),
            "standard_fen": trace.coded(raw["standard_amount"], trace.json_int),
            "capped_fen": trace.coded(capped, trace.json_int),
            "annual_cap_fen": per_clause_coded(
                [int(c.cap) if c.cap is not None else -1 for _, c in clauses], trace.json_int
            ),
            "cumulative_cap_fen": per_clause_coded(
                [int(c.cumulative_cap) if c.cumulative_cap is not None else -1 for _, c in clauses],
                trace.json_int,
            ),
            "reason": trace.coded(reason, trace.json_string),
        }
    )
    return lines_frame({c: out[c] for c in LINE_COLUMNS})
