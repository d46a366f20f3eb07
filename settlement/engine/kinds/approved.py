"""kind ``approved``: the amount the bureau approved (审定金额); with tiers, capped by the tier
a metric reaches (hangzhou 5.3: 物流收入 1亿/3亿/5亿 -> 上限 50/100/200万)."""

from __future__ import annotations

import numpy as np

from .. import text as tx
from ..clause_job import ApplicationJob, Items
from ..exact import as_int_array
from ..tiers import pick, tier_amounts, tier_index, tier_words

PER_PAYEE = "sum"


def application_amounts(job: ApplicationJob) -> Items:
    clause, ft = job.clause, job.ft
    items = Items.start(job.n)
    approved = ft.rational("application.approved_amount")
    items.ok = approved.known.copy()
    items.why_not = np.where(items.ok, items.why_not, "申报缺少审定金额")
    amount = as_int_array(approved.num).astype(np.int64)
    note = tx.fen_column_words(amount, "审定金额")
    if clause.tiers:
        idx = tier_index(clause, ft, two_year=job.policy.two_year_average)
        caps = tier_amounts(clause.tiers, idx, "cap")
        words = pick(tier_words(clause.tiers, clause.metric), idx)
        reached = idx >= 0
        over = reached & (amount > caps)
        note = np.where(reached, note + "，达到“" + words + "”档，上限" + tx.fen_column_words(caps), note)
        note = np.where(over, note + "，按上限计", note)
        amount = np.where(reached, np.minimum(amount, caps), 0)
        items.why_not = np.where(reached | ~items.ok, items.why_not, "未达到任何档位")
        items.ok &= reached
        items.tier = idx
    items.amount, items.note = amount, note
    return items
