"""kind ``contribution_increment`` (cixi-2024-8 clause 3; settlement-semantics): the qualifying
year Q is the first year in the policy's period meeting ``qualify``; the baseline is the mean
``contribution`` of the ``baseline_years`` before Q (a missing year counts 0); in Q ..
Q+award_years-1 the award is rate(Y) x max(0, contribution(Y) - baseline), the rate a tier of
``metric`` in year Y."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ...fact_registry import FACTS
from ...money import div_half_up
from .. import text as tx
from ..clause_job import DataJob, Fired
from ..conditions import compare
from ..exact import as_int_array, mul
from ..facts import history_facts
from ..grouping import min_per
from ..tiers import pick, tier_index
from ..wording import metric_words

PER_PAYEE = "sum"


def data_amounts(job: DataJob) -> Fired:
    policy, clause, ctx = job.policy, job.clause, job.ctx
    ft, year, k = ctx.facts, ctx.year, clause.baseline_years
    owners, years = ctx.stats_positions, ctx.stats_years
    # qualifying year of these enterprises (by position in the year), from their stats rows
    own = ctx.own_stats_rows()
    rows = own[(years[own] >= policy.effective.start.year) & (years[own] <= year)]
    q = clause.qualify
    meets = rows[compare(history_facts(ctx.stats_arrays, rows, year, (q.fact,)), q.fact, q.op, q.value)]
    qualified, has_qualified = min_per(owners[meets], years[meets], ctx.enterprise_count)
    # baseline: sum of the contribution over Q-k .. Q-1 of each enterprise that qualified
    # (missing years = 0), from the stats rows of those years of those enterprises only
    owned = own[has_qualified[owners[own]]]
    owner, row_year = owners[owned], years[owned]
    q_of_row = qualified[owner]
    base = np.flatnonzero((row_year >= q_of_row - k) & (row_year < q_of_row))
    contribution, _ = ctx.stats_arrays.rows(clause.contribution, owned[base])  # 0 where missing
    base_total = np.zeros(ctx.enterprise_count, dtype=np.int64)
    np.add.at(base_total, owner[base], contribution)
    Qi, has_q = qualified[ctx.positions], has_qualified[ctx.positions]
    in_window = has_q & (year >= Qi) & (year <= Qi + clause.award_years - 1)
    # the award, its tier and its words only where the clause can fire (in the award window)
    n = len(Qi)
    w = np.flatnonzero(in_window)
    ft_w = ft.take(w)
    base_sum = base_total[ctx.positions[w]]
    cur = ft_w.rational(clause.contribution)
    c = as_int_array(cur.num)
    tier_w = tier_index(clause, ft_w)
    rates = [Fraction(t.rate) for t in clause.tiers]
    at = np.where(tier_w < 0, len(rates), tier_w)
    num = np.array([r.numerator for r in rates] + [0], dtype=np.int64)[at]
    den = np.array([r.denominator for r in rates] + [1], dtype=np.int64)[at]
    increment_k = np.maximum(0, mul(c, k) - base_sum)  # k x (contribution - baseline)
    amount_w = np.asarray(div_half_up(mul(increment_k, num), mul(den, k)), dtype=np.int64)
    amount = np.zeros(n, dtype=np.int64)
    amount[w] = np.where(cur.known & (tier_w >= 0), amount_w, 0)
    rate_idx = np.full(n, -1, dtype=np.int64)
    rate_idx[w] = tier_w
    q_words = Qi[w].astype(str).astype(object)
    label = FACTS[clause.contribution].label
    facts_text = np.full(n, "", dtype=object)
    facts_text[w] = tx.join_columns(
        "达标年",
        q_words,
        "年（" + tx.describe_comparison(q) + "），",
        metric_words(ft_w, clause.metric, year),
        "；基数=",
        q_words,
        f"年前{k}年{label}平均值",
        tx.fen_column_words(div_half_up(base_sum, k)),
        "；",
        metric_words(ft_w, clause.contribution, year),
        "；增量部分按",
        pick([tx.ratio_words(r) for r in rates], tier_w, "无"),
        "奖励",
    )
    lowest = f"{FACTS[clause.metric].label}未达到{tx.value_words(clause.metric, clause.tiers[0].threshold)}档"
    reason = np.full(n, "", dtype=object)
    reason[w] = np.where(~cur.known, f"{year}年{label}缺失", np.where(tier_w < 0, f"{year}年{lowest}", ""))
    return Fired(in_window & job.cond, amount.astype(np.int64), rate_idx, facts_text, reason)
