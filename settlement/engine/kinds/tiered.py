"""kind ``tiered``: tiers of a metric. ``highest``: the highest tier reached this year;
``first_crossing``: a tier reached for the first time (every earlier year of the ledger and
what was paid under the clause are looked at); ``differential``: the highest tier less what
was paid under the clause before (进档补差, netted when the lines are finished).

A tier of an application's own figure is decided per application; a tier of the enterprise's
figures once per enterprise, on the applicants only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import text as tx
from ..clause_job import ApplicationJob, DataJob, Fired, Items
from ..conditions import compare
from ..context import YearContext
from ..paid import paid_for
from ..tiers import pick, tier_amounts, tier_index, tier_reached, tier_words
from ..wording import metric_words

PER_PAYEE = "tier"  # a payee's lines pay the year's highest tier, not a sum


def narrow(policy, clause, ft, keep: np.ndarray) -> np.ndarray:
    """The rows (of ``keep``) that reach a tier this year: the others give no line."""
    return tier_reached(policy, clause, ft, keep) >= 0


def application_amounts(job: ApplicationJob) -> Items:
    policy, clause, ft, n = job.policy, job.clause, job.ft, job.n
    items = Items.start(n)
    if clause.metric.startswith("application."):
        idx = tier_index(clause, ft, two_year=policy.two_year_average)
        items.amount = tier_amounts(clause.tiers, idx)
        words = pick(tier_words(clause.tiers, clause.metric), idx)
        items.ok = idx >= 0
        items.note = np.where(items.ok, "达到“" + words + "”档，标准" + tx.fen_column_words(items.amount), "")
        items.why_not = np.where(items.ok, items.why_not, "未达到任何档位")
        items.tier = idx
        return items
    # a tier of the enterprise's own figures, decided once per enterprise (on the applicants only)
    ctx = job.ctx
    applicants = ctx.subset(np.unique(job.ent_indexer[job.ent_indexer >= 0]))
    ent = _enterprises(policy, clause, applicants, np.ones(applicants.facts.n, dtype=bool))
    at = applicants.index.get_indexer(job.apps["uscc"])
    safe = np.where(at < 0, 0, at)
    if not len(ent.tier):
        items.ok = np.zeros(n, dtype=bool)
        items.why_not[:] = "未达到任何档位"
        return items
    items.tier = np.where(at < 0, -1, ent.tier[safe])
    items.amount = np.where(items.tier >= 0, ent.amount[safe], 0)
    items.ok = items.tier >= 0
    items.note = ent.facts_text[safe]
    reason = np.where(ent.reason[safe] != "", ent.reason[safe], "未达到任何档位")
    items.why_not = np.where(items.ok, items.why_not, reason)
    return items


def data_amounts(job: DataJob) -> Fired:
    if job.clause.payee == "enterprise":
        return _enterprises(job.policy, job.clause, job.ctx, job.cond)
    return _rows(job.policy, job.clause, job.ft, job.cond)


def _reached_tiers(policy, clause, ft, cond: np.ndarray):
    """:func:`tier_reached`, the tiers' words, and the metric's wording with its year."""
    reached = tier_reached(policy, clause, ft, cond)
    facts = metric_words(ft, clause.metric, ft.year)
    if clause.requires_limit_above and "limit_above" in ft.value_names():
        facts = facts + np.where(ft.value("limit_above"), f"（{ft.year}年限上✓）", f"（{ft.year}年非限上✗）")
    return reached, tier_words(clause.tiers, clause.metric), facts


def _rows(policy, clause, ft, cond: np.ndarray) -> Fired:
    """highest / differential tiers on any rows (parks, members); differential nets when finished."""
    reached, words, facts = _reached_tiers(policy, clause, ft, cond)
    amount = tier_amounts(clause.tiers, reached)
    facts_text = tx.join_columns(
        facts, "，达到“", pick(words, reached), tx.fen_column_words(amount, "”档，标准")
    )
    return Fired(reached >= 0, amount, reached, facts_text, np.full(ft.n, "", dtype=object))


def _history_reached(clause, ctx: YearContext, tier) -> np.ndarray:
    """Per enterprise: was ``tier`` reached in any earlier year of the ledger's history (with
    limit_above in that year where the clause requires it)?"""
    rows = ctx.history_rows
    if not len(rows):
        return np.zeros(len(ctx.index), dtype=bool)
    ft = ctx.history(clause.metric)
    reached = compare(ft, clause.metric, tier.op, tier.threshold)
    if clause.requires_limit_above:
        reached &= ft.value("limit_above")
    return ctx.per_enterprise(rows[reached])


def _enterprises(policy, clause, ctx: YearContext, cond: np.ndarray) -> Fired:
    """Tiers of every enterprise's own figures; ``first_crossing`` looks at all earlier years of
    the ledger and at what was already paid under the clause."""
    ft = ctx.facts
    n = ft.n
    if clause.mode != "first_crossing":
        return _rows(policy, clause, ft, cond)
    reached, words, facts = _reached_tiers(policy, clause, ft, cond)
    paid = paid_for(ctx, policy, clause, ctx.enterprises["uscc"].to_numpy(dtype=object))
    idx = np.full(n, -1, dtype=np.int64)
    for k, tier in enumerate(clause.tiers):
        before = _history_reached(clause, ctx, tier) | (paid["paid_max"] >= int(tier.amount or 0))
        idx = np.where((reached >= k) & ~before, k, idx)
    since, has_since = ctx.first_history_year()
    since_codes, since_years = pd.factorize(np.where(has_since, since, -1))
    since_words = np.array(
        [
            f"查阅{y}—{ctx.year - 1}年历史数据" if y >= 0 else f"无{ctx.year}年以前的历史数据"
            for y in since_years.tolist()
        ],
        dtype=object,
    )[since_codes]
    amount = tier_amounts(clause.tiers, idx)
    # the note and the reason of a row depend on its tiers only: a table of them, one entry per
    # first tier, then per tier reached before, then "no tier"
    amounts = list(tx.fen_column_words(np.array([int(t.amount or 0) for t in clause.tiers], dtype=np.int64)))
    not_first = [f"以前年度已达到“{w}”档或已奖励，不属首次" for w in words]
    k = len(words)
    which = np.where(idx >= 0, idx, np.where(reached >= 0, k + reached, 2 * k))
    firsts = [f"首次达到“{w}”档，标准{a}" for w, a in zip(words, amounts, strict=True)]
    note = np.array(firsts + not_first + [""], dtype=object)[which]
    reason = np.array([""] * k + not_first + ["未达到任何档位"], dtype=object)[which]
    facts_text = np.empty(n, dtype=object)
    rows = np.flatnonzero(reached >= 0)
    facts_text[rows] = tx.join_columns(facts[rows], "，", note[rows], "（", since_words[rows], "）")
    rows = np.flatnonzero(reached < 0)
    facts_text[rows] = facts[rows] + "，未达到任何档位"
    return Fired(reached >= 0, amount, idx, facts_text, reason)
