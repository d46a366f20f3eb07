"""Finishing the lines of all clauses at once: once, differential (进档补差), the clause's annual
and cumulative caps, and each line's status. Allocation (caps across clauses, no double
benefit, scale-down, funding) happens afterwards."""

from __future__ import annotations

import numpy as np

from ..policies.schema import ClauseBase, Policy
from . import text as tx
from .context import YearContext
from .grouping import Pairs
from .paid import paid_for
from .render import LINE_COLUMNS

# Columns a clause's lines carry until :func:`render` words them, once for the whole year.
RAW_COLUMNS = [c for c in LINE_COLUMNS if c not in ("explanation", "trace")] + [
    "facts",
    "notes",
    "reason",
    "tier",
    "paid_before",
    "paid_years",
]


_INTEGER_COLUMNS = ("standard_amount", "capped_amount", "tier", "paid_before")


def empty_raw() -> dict[str, np.ndarray]:
    """No lines (a clause without applications or candidates)."""
    return {c: np.zeros(0, dtype=np.int64 if c in _INTEGER_COLUMNS else object) for c in RAW_COLUMNS}


def finish(
    parts: list[tuple[Policy, ClauseBase, dict[str, np.ndarray] | None]], ctx: YearContext
) -> dict[str, np.ndarray]:
    """Once, differential, the clause's annual and cumulative caps and the status of the lines
    of several clauses at once (each clause's parameters spread to its lines); the notes these
    add to the explanation (worded with the rest in :func:`render`). Each part: a clause and its
    lines (None for none) with columns payee_uscc, subject_uscc, park_id, excluded, amount,
    tier, facts_text, reason, application_ids."""
    parts = [(p, c, lines) for p, c, lines in parts if lines is not None and len(lines["payee_uscc"])]
    if not parts:
        return empty_raw()
    sizes = [len(lines["payee_uscc"]) for _, _, lines in parts]
    bounds = np.cumsum([0, *sizes])
    by_part = Pairs(
        np.repeat(np.arange(len(parts)), sizes), [(p.id, c.id) for p, c, _ in parts]
    )  # each line's part
    per_part = by_part.per_row

    def column(name: str, dtype=object) -> np.ndarray:
        return np.concatenate([np.asarray(lines[name], dtype=dtype) for _, _, lines in parts])

    clauses = [c for _, c, _ in parts]
    n = int(bounds[-1])
    payee, subject = column("payee_uscc"), column("subject_uscc")
    paid_total = np.zeros(n, dtype=np.int64)
    paid_years = np.full(n, "", dtype=object)
    for i, (policy, clause, _) in enumerate(parts):  # only the clauses something was paid under
        if ctx.paid_under(policy.id, clause.id) is not None:
            a, b = bounds[i], bounds[i + 1]
            paid = paid_for(ctx, policy, clause, payee[a:b], subject[a:b])
            paid_total[a:b], paid_years[a:b] = paid["paid_total"], paid["paid_years"]
    amount = column("amount", np.int64)
    excluded = column("excluded", bool)
    notes = np.full(n, "", dtype=object)
    reason = column("reason")

    def paid_words(rows: np.ndarray) -> np.ndarray:
        return paid_years[rows] + "年已兑现" + tx.fen_column_words(paid_total[rows])

    blocked = per_part([c.once for c in clauses], bool) & (paid_total > 0) & ~excluded
    rows = np.flatnonzero(blocked)
    notes[rows] = "一次性奖励：" + paid_words(rows) + "，本年不再奖励"
    reason = np.where(blocked & (reason == ""), "一次性奖励已兑现", reason)
    amount = np.where(blocked, 0, amount)
    differential = per_part([getattr(c, "mode", None) == "differential" for c in clauses], bool)
    has_paid = differential & (paid_total > 0) & ~excluded
    net = np.maximum(0, amount - paid_total)
    rows = np.flatnonzero(has_paid)
    notes[rows] = notes[rows] + "进档补差：" + paid_words(rows) + "，补差" + tx.fen_column_words(net[rows])
    reason = np.where(has_paid & (net == 0) & (reason == ""), "已按该档或更高档兑现，无差额", reason)
    amount = np.where(differential, net, amount)
    standard = amount.copy()
    capped = standard.copy()
    has_cap = per_part([c.cap is not None for c in clauses], bool)
    if has_cap.any():
        cap = per_part([int(c.cap) if c.cap is not None else 0 for c in clauses], np.int64)
        rows = np.flatnonzero(has_cap & (capped > cap))
        notes[rows] = (
            notes[rows]
            + per_part(
                [
                    f"；超过每年上限{tx.amount_words(c.cap)}，按上限计" if c.cap is not None else ""
                    for c in clauses
                ]
            )[rows]
        )
        capped = np.where(has_cap, np.minimum(capped, cap), capped)
    has_cumulative = per_part([c.cumulative_cap is not None for c in clauses], bool)
    if has_cumulative.any():
        cumulative = per_part(
            [int(c.cumulative_cap) if c.cumulative_cap is not None else 0 for c in clauses], np.int64
        )
        remaining = np.maximum(0, cumulative - paid_total)
        rows = np.flatnonzero(has_cumulative & (capped > remaining))
        words = per_part(
            [
                f"；累计上限{tx.amount_words(c.cumulative_cap)}，此前已兑现"
                if c.cumulative_cap is not None
                else ""
                for c in clauses
            ]
        )
        notes[rows] = (
            notes[rows]
            + words[rows]
            + tx.fen_column_words(paid_total[rows])
            + "，本年至多"
            + tx.fen_column_words(remaining[rows])
        )
        capped = np.where(has_cumulative, np.minimum(capped, remaining), capped)
    status = np.where(excluded, "excluded", np.where(capped > 0, "candidate", "zero"))
    reason = np.where((status == "zero") & (reason == ""), "计算金额为0", reason)
    return {
        "payee_uscc": payee,
        "subject_uscc": subject,
        "park_id": column("park_id"),
        "policy_id": per_part([p for p, _ in by_part.distinct]),
        "clause_id": per_part([c for _, c in by_part.distinct]),
        "matter": per_part([c.matter or "" for c in clauses]),
        "status": status.astype(object),
        "standard_amount": standard.astype(np.int64),
        "capped_amount": capped.astype(np.int64),
        "application_ids": column("application_ids"),
        "facts": column("facts_text"),
        "notes": notes,
        "reason": reason.astype(object),
        "tier": column("tier", np.int64),
        "paid_before": paid_total,
        "paid_years": paid_years,
    }
