"""What was paid under a clause in earlier years, for each (payee, subject)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policies.schema import ClauseBase, Policy
from .context import YearContext


def paid_for(
    ctx: YearContext, policy: Policy, clause: ClauseBase, payees, subjects=None
) -> dict[str, np.ndarray]:
    """What each (payee, subject) was paid under the clause in earlier years: paid_total,
    paid_max (fen) and paid_years ('2023、2024'; '' when nothing)."""
    payees = np.asarray(payees, dtype=object)
    subjects = payees if subjects is None else np.asarray(subjects, dtype=object)
    n = len(payees)
    out = {
        "paid_total": np.zeros(n, dtype=np.int64),
        "paid_max": np.zeros(n, dtype=np.int64),
        "paid_years": np.full(n, "", dtype=object),
    }
    summary = ctx.paid_under(policy.id, clause.id)
    if summary is None or not n:  # nothing paid before under this clause
        return out
    pairs = (
        summary["payee_uscc"].to_numpy(dtype=object) + "\x1f" + summary["subject_uscc"].to_numpy(dtype=object)
    )
    at = pd.Index(pairs).get_indexer(payees + "\x1f" + subjects)
    found = at >= 0
    for column in out:
        values = summary[column].to_numpy(dtype=out[column].dtype)
        out[column][found] = values[at[found]]
    return out
