"""kind ``unit``: an amount per unit (每平方米每月X元、每个X万元). The amount per unit is fixed,
one per level, or one per tier of a metric (jinyun 5: 网络零售额超2000万 6元/m²/月); the units
are an application's quantity (optionally x months) or full multiples of a fact."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ...fact_registry import FACTS
from ...ingest.contract import LEVEL_LABELS, NUMBER_SCALE
from ...money import div_half_up
from ...policies.schema import check_value
from .. import text as tx
from ..clause_job import ApplicationJob, Items
from ..exact import as_int_array, fit_int64, mul, mul_int64
from ..tiers import pick, tier_amounts, tier_index, tier_words
from ..wording import metric_words

PER_PAYEE = "sum"


def application_amounts(job: ApplicationJob) -> Items:
    clause, ft, n = job.clause, job.ft, job.n
    units = clause.units
    why_not = np.full(n, "", dtype=object)
    prefix = np.full(n, "", dtype=object)
    if clause.unit_amount_by_level:
        levels = pd.Series(ft.value("application.level"))
        per = levels.map({k: int(v) for k, v in clause.unit_amount_by_level.items()})
        known = per.notna().to_numpy().copy()
        per_unit = per.fillna(0).to_numpy(dtype=np.int64)
        why_not = np.where(known, why_not, "级别不在本条适用范围")
        prefix = levels.map(LEVEL_LABELS).fillna("").to_numpy(dtype=object)
    elif clause.tiers:
        idx = tier_index(clause, ft, two_year=job.policy.two_year_average)
        known = idx >= 0
        per_unit = tier_amounts(clause.tiers, idx)
        words = pick(tier_words(clause.tiers, clause.metric), idx)
        prefix = (
            metric_words(ft, clause.metric, job.ctx.year)
            + "，“"
            + words
            + "”档每单位"
            + tx.fen_column_words(per_unit)
            + "："
        )
        why_not = np.where(known, why_not, "未达到任何档位")
    else:
        known = np.ones(n, dtype=bool)
        per_unit = np.full(n, int(clause.unit_amount), dtype=np.int64)
    ids = job.apps["application_id"]
    if units.source == "fact":
        r = ft.rational(units.fact)
        size = Fraction(check_value(units.fact, units.size))
        count = np.asarray(r.floor_div(size), dtype=np.int64)
        why_not = np.where(r.known | ~known, why_not, f"{FACTS[units.fact].label}缺失")
        known &= r.known
        if units.max_units is not None:
            count = np.minimum(count, units.max_units)
        amount = mul_int64(per_unit, count, ids)
        size_words = tx.value_words(units.fact, units.size)
        note = (
            metric_words(ft, units.fact, ft.year)
            + f"，每满{size_words}计1个单位，共"
            + count.astype(str).astype(object)
            + "个×"
            + tx.fen_column_words(per_unit)
        )
    else:
        qty = ft.rational("application.quantity")
        why_not = np.where(qty.known | ~known, why_not, "申报缺少数量")
        known &= qty.known
        micro = as_int_array(qty.num)
        if units.full:
            micro = (micro // NUMBER_SCALE) * NUMBER_SCALE
        if units.max_units is not None:
            micro = np.minimum(micro, units.max_units * NUMBER_SCALE)
        months = (
            as_int_array(ft.rational("application.months").num)
            if units.times_months
            else np.ones(n, dtype=np.int64)
        )
        amount = fit_int64(div_half_up(mul(mul(per_unit, micro), months), NUMBER_SCALE), ids)
        note = (
            prefix
            + "数量"
            + tx.scaled_column_words(micro, NUMBER_SCALE)
            + "×"
            + tx.fen_column_words(per_unit)
        )
        if units.times_months:
            note = note + "×" + months.astype(str).astype(object) + "个月"
    note = note + "=" + tx.fen_column_words(amount)
    amount = np.where(known, amount, 0).astype(np.int64)
    return Items(amount, known, note, why_not, np.full(n, -1, dtype=np.int64))
