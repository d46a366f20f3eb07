"""kind ``fixed``: a fixed amount (给予X万元奖励). A payee with several applications under the
clause is paid it once a year (the largest, not the sum)."""

from __future__ import annotations

import numpy as np

from .. import text as tx
from ..clause_job import ApplicationJob, DataJob, Fired, Items

PER_PAYEE = "max"


def application_amounts(job: ApplicationJob) -> Items:
    clause = job.clause
    items = Items.start(job.n)
    items.amount[:] = int(clause.amount)
    items.note[:] = f"{'一次性' if clause.once else ''}奖励{tx.amount_words(clause.amount)}"
    return items


def data_amounts(job: DataJob) -> Fired:
    n, clause = job.n, job.clause
    return Fired(
        fired=job.cond.copy(),
        amount=np.full(n, int(clause.amount), dtype=np.int64),
        tier=np.full(n, -1),
        facts_text=np.full(n, f"奖励{tx.amount_words(clause.amount)}", dtype=object),
        reason=np.full(n, "", dtype=object),
    )
