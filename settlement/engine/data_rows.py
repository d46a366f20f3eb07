"""The driver of data-driven clauses (no application: the statistics alone decide): the rows a
clause is evaluated on (enterprises, parks or park members), the kind's amount of each
(``kinds/<kind>.py``), and one line per payee, subject and park it fires for."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policies.schema import ClauseBase, Policy
from .clause_job import DataJob
from .conditions import evaluate
from .context import YearContext
from .grouping import text_rank
from .kinds import module
from .wording import leaves_words, with_conditions


def _data_rows(policy: Policy, clause: ClauseBase, ctx: YearContext):
    """The rows a data-driven clause is evaluated on, with payee, subject and park per row:
    enterprises (payee itself), parks (payee the operator), or park members (payee the
    operator of the member's park, subject the member)."""
    if clause.payee == "park":
        parks = ctx.parks
        rows = (
            np.flatnonzero((parks["kind"] == clause.park_kind).to_numpy())
            if len(parks)
            else np.array([], dtype=np.int64)
        )
        ft = ctx.park_facts.take(rows)
        operators = parks["operator_uscc"].to_numpy(dtype=object)[rows]
        return ft, operators, operators, parks["park_id"].to_numpy(dtype=object)[rows]
    if clause.payee == "park_member":
        park_of = ctx.facts.value("park_id")  # '' where none
        rows = np.flatnonzero(park_of != "")
        ft = ctx.facts.take(rows)
        entry = ctx.facts.value("park_entry_on")[rows]
        start = np.datetime64(policy.effective.start, "s")
        ft.values["entered_park_on_or_after_policy_start"] = pd.notna(entry) & (entry >= start)
        if len(ctx.parks):
            op_of = pd.Series(
                ctx.parks["operator_uscc"].to_numpy(dtype=object),
                index=ctx.parks["park_id"].to_numpy(dtype=object),
            )
        else:
            op_of = pd.Series(dtype=object)
        operators = pd.Series(park_of[rows]).map(op_of).fillna("").to_numpy(dtype=object)
        return ft, operators, ctx.enterprises["uscc"].to_numpy(dtype=object)[rows], park_of[rows]
    uscc = ctx.enterprises["uscc"].to_numpy(dtype=object)
    return ctx.facts, uscc, uscc, np.full(len(uscc), "", dtype=object)


def _candidates(policy: Policy, clause: ClauseBase, ctx: YearContext) -> np.ndarray:
    """Positions of the enterprises an enterprise clause can fire for: in the policy's regions,
    meeting the clause's conditions and (where the kind can tell) able to fire this year. Every
    other row would give no line, so the rest of the work (and all wording) is done on these only."""
    ft = ctx.facts
    keep = ctx.in_regions_at(policy.regions, np.arange(ft.n))
    if clause.conditions is not None:
        keep &= evaluate(clause.conditions, ft, policy.two_year_average)[0]
    narrow = getattr(module(clause.kind), "narrow", None)
    if narrow is not None:
        keep = narrow(policy, clause, ft, keep)
    return np.flatnonzero(keep)


def data_amounts(policy: Policy, clause: ClauseBase, ctx: YearContext) -> dict[str, np.ndarray] | None:
    """The lines of a data-driven clause (one per payee, subject and park it fires for), before
    they are finished (None: it fires for nobody)."""
    kind = module(clause.kind)
    if not hasattr(kind, "data_amounts"):
        raise ValueError(f"{policy.id} {clause.id}: kind {clause.kind} needs an application")
    if clause.payee == "enterprise":
        ctx = ctx.subset(_candidates(policy, clause, ctx))
    ft, payee, subject, park_id = _data_rows(policy, clause, ctx)
    narrow = getattr(kind, "narrow", None)
    if clause.payee == "park_member" and narrow is not None:
        # only the members that can fire give a line: the rest need no words
        keep = np.flatnonzero(
            narrow(policy, clause, ft, evaluate(clause.conditions, ft, policy.two_year_average)[0])
        )
        ft, payee, subject, park_id = ft.take(keep), payee[keep], subject[keep], park_id[keep]
    n = ft.n
    if n == 0:
        return None
    # the payee's own row (an enterprise clause's rows are its payees; an operator may be none)
    at = np.arange(n) if clause.payee == "enterprise" else ctx.index.get_indexer(payee)
    in_scope = ctx.in_regions_at(policy.regions, at)
    cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
    result = kind.data_amounts(DataJob(policy, clause, ctx, ft, payee, cond))
    fired = result.fired & in_scope & (payee != "")
    if not fired.any():
        return None
    cond_words = leaves_words(leaves, n)
    black = ctx.blacklisted_at(at) & policy.excludes_blacklisted
    sel = np.flatnonzero(fired)
    facts_text = result.facts_text
    if clause.payee != "enterprise":
        # in payee, subject and park order like every other clause's lines (enterprises are in USCC order)
        sel = sel[np.lexsort((text_rank(park_id[sel]), text_rank(subject[sel]), text_rank(payee[sel])))]
        if clause.payee == "park":
            who = "园区" + park_id[sel] + "（运营主体）"
        else:
            who = "园区" + park_id[sel] + "入驻企业" + subject[sel] + "（奖励运营主体）"
        facts_text = np.asarray(facts_text, dtype=object).copy()
        facts_text[sel] = who + "：" + facts_text[sel]
    return {
        "payee_uscc": payee[sel],
        "subject_uscc": subject[sel],
        "park_id": park_id[sel],
        "excluded": black[sel],
        "amount": np.where(black[sel], 0, result.amount[sel]).astype(np.int64),
        "tier": np.asarray(result.tier)[sel],
        "facts_text": with_conditions(facts_text[sel], cond_words[sel]),
        "reason": np.where(black[sel], "运营主体/企业列入严重失信名单，不予奖励", result.reason[sel]),
        "application_ids": np.full(len(sel), "", dtype=object),
    }
