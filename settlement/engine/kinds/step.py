"""kind ``step``: 每增长X给予Y, full steps of the rise of a metric over last year times the step
amount. With ``first_award``: the first award under the clause (nothing paid before) is that
amount when the metric passes ``first_above``; later years pay the steps (jinyun-2025 clause
3, whose metric and step depend on the application's level: ``step_by_level``)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ...fact_registry import FACTS
from ...ingest.contract import LEVEL_LABELS
from ...policies.schema import check_value
from .. import text as tx
from ..clause_job import ApplicationJob, DataJob, Fired, Items
from ..conditions import compare
from ..exact import as_int_array, mul, mul_int64
from ..paid import paid_for

PER_PAYEE = "sum"


def application_amounts(job: ApplicationJob) -> Items:
    amount, ok, note, why_not = _steps(job.policy, job.clause, job.ft, job.apps["uscc"], job.ctx)
    return Items(amount, ok, note, why_not, np.full(job.n, -1, dtype=np.int64))


def data_amounts(job: DataJob) -> Fired:
    amount, ok, note, why_not = _steps(job.policy, job.clause, job.ft, job.payee, job.ctx)
    return Fired(job.cond & ok & (amount > 0), amount, np.full(job.n, -1), note, why_not)


def _steps(policy, clause, ft, payees: np.ndarray, ctx):
    n = ft.n
    year = ctx.year
    amount = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    note = np.full(n, "", dtype=object)
    why_not = np.full(n, "", dtype=object)
    configs = []
    if clause.step_by_level:
        levels = ft.value("application.level")
        for level, cfg in clause.step_by_level.items():
            configs.append(
                (
                    np.asarray(levels == level, dtype=bool),
                    cfg.metric,
                    cfg.step,
                    cfg.first_above,
                    LEVEL_LABELS.get(level, level),
                )
            )
        in_scope = pd.Series(levels).isin(list(clause.step_by_level)).to_numpy()
        why_not = np.where(in_scope, why_not, "级别不在本条适用范围")
    else:
        configs.append((np.ones(n, dtype=bool), clause.metric, clause.step, None, ""))
    if clause.first_award is not None:
        paid = paid_for(ctx, policy, clause, payees)["paid_total"]
    else:
        paid = np.zeros(n, dtype=np.int64)
    award_words = tx.amount_words(clause.step_amount)
    for mask, metric, step, first_above, label in configs:
        cur = ft.rational(metric)
        prev = ft.rational(f"{metric}@prev")
        c = as_int_array(cur.num)
        p = as_int_array(prev.num)
        step_fen = Fraction(check_value(metric, step))
        rise = np.where(cur.known & prev.known, c - p, 0)
        units = np.maximum(
            0, np.asarray(mul(rise, step_fen.denominator) // step_fen.numerator, dtype=np.int64)
        )
        steps_amount = mul_int64(units, int(clause.step_amount), payees)
        info = FACTS[metric]
        fact_words = (
            f"{year}年{info.label}"
            + tx.fen_column_words(c)
            + f"，{year - 1}年"
            + tx.fen_column_words(p)
            + "，增长"
            + tx.fen_column_words(np.maximum(rise, 0))
        )
        step_note = (
            fact_words
            + f"，每满{tx.value_words(metric, step)}奖励{award_words}，计"
            + units.astype(str).astype(object)
            + "档"
        )
        if first_above is not None and clause.first_award is not None:
            first = paid == 0
            passes = compare(ft, metric, ">", first_above)
            first_amount = np.where(passes, int(clause.first_award), 0)
            above = tx.value_words(metric, first_above)
            first_note = (
                f"{label}首年：{year}年{info.label}"
                + tx.fen_column_words(c)
                + np.where(
                    passes, f"＞{above}，首年奖励{tx.amount_words(clause.first_award)}", f"未超过{above}"
                )
            )
            this_amount = np.where(first, first_amount, steps_amount)
            this_note = np.where(first, first_note, f"{label}后续年度：" + step_note)
            this_ok = np.where(first, cur.known, cur.known & prev.known)
        else:
            this_amount, this_note, this_ok = steps_amount, step_note, cur.known & prev.known
        amount = np.where(mask, this_amount, amount)
        note = np.where(mask, this_note, note)
        ok = np.where(mask, this_ok, ok)
        why_not = np.where(mask & ~this_ok, f"{info.label}或上年数据缺失", why_not)
    return amount.astype(np.int64), ok, note, why_not
