"""kind ``rate``: a share of an application's amount (按费用的X%给予补助); with
``quantity_limit``, at most that many of the application's quantity count (hangzhou
4.3: 展位费 x 70% x min(展位数, 6) / 展位数)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ...fact_registry import FACTS
from ...ingest.contract import NUMBER_SCALE
from ...money import div_half_up
from .. import text as tx
from ..clause_job import ApplicationJob, Items
from ..exact import as_int_array, fit_int64, mul

PER_PAYEE = "sum"


def application_amounts(job: ApplicationJob) -> Items:
    clause, ft, n = job.clause, job.ft, job.n
    items = Items.start(n)
    base = ft.rational(clause.base)
    items.ok = base.known.copy()
    items.why_not = np.where(items.ok, items.why_not, f"申报缺少{FACTS[clause.base].label}")
    rate = Fraction(clause.rate)
    num = mul(as_int_array(base.num), rate.numerator)
    den = np.full(n, rate.denominator, dtype=np.int64)
    note = tx.fen_column_words(base.num) + f"×{tx.ratio_words(rate)}"
    if clause.quantity_limit is not None:
        # base x rate x min(q, limit) / q
        qty = ft.rational("application.quantity")
        q = np.where(qty.known & (as_int_array(qty.num) > 0), as_int_array(qty.num), NUMBER_SCALE)
        limit = np.minimum(q, clause.quantity_limit * NUMBER_SCALE)
        num = mul(num, limit)
        den = mul(den, q)
        share = (
            tx.scaled_column_words(limit, NUMBER_SCALE)
            + "/"
            + tx.scaled_column_words(q, NUMBER_SCALE)
            + f"（最多{clause.quantity_limit}个）"
        )
        note = np.where(q > limit, note + "×" + share, note)
    items.amount = fit_int64(div_half_up(num, den), job.apps["application_id"])
    items.note = note + "=" + tx.fen_column_words(items.amount)
    return items
