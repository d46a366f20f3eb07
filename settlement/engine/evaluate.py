"""Evaluating clauses: each clause for all enterprises (or all its applications) at once.

The result of a year is a frame of *lines*, one per (payee, policy, clause, subject[, park]):
the standard amount by the clause's formula, the amount after the clause's own caps, the
status (``candidate``, ``zero``, ``excluded``), a Chinese explanation and an audit trace.

- :mod:`.applications` and :mod:`.data_rows` are the two drivers: the rows a clause sees,
  handed to its kind's module (:mod:`.kinds`), which computes each row's amount;
- :mod:`.finish` finishes the lines of all clauses together (once, differential, the clause's
  caps, status); :mod:`.render` words their explanations and traces in one pass.

Allocation (caps across clauses, no double benefit, scale-down, funding) happens afterwards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policies.schema import ClauseBase, Policy
from . import kinds
from .applications import application_amounts
from .context import YearContext
from .data_rows import data_amounts
from .exact import AmountOverflow
from .facts import FactError
from .finish import finish
from .render import LINE_COLUMNS, empty_lines, render

__all__ = [
    "LINE_COLUMNS",
    "application_lines",
    "data_lines",
    "empty_lines",
    "evaluate_year",
    "overflow_message",
    "render",
]


def application_lines(
    policy: Policy, clause: ClauseBase, ctx: YearContext, in_force: bool
) -> dict[str, np.ndarray]:
    """The lines of one application clause, finished (see :func:`.finish.finish`)."""
    return finish([(policy, clause, application_amounts(policy, clause, ctx, in_force))], ctx)


def data_lines(policy: Policy, clause: ClauseBase, ctx: YearContext) -> dict[str, np.ndarray]:
    """The lines of one data-driven clause, finished (see :func:`.finish.finish`)."""
    return finish([(policy, clause, data_amounts(policy, clause, ctx))], ctx)


def evaluate_year(ctx: YearContext, policies: list[Policy] | None = None) -> pd.DataFrame:
    """Every clause of every policy for the year: data-driven clauses of policies in force, and
    every application (lines of policies not in force are excluded with the reason)."""
    parts = []
    for policy in policies or ctx.catalog.policies:
        in_force = policy.in_force(ctx.year)
        for clause in policy.clauses:
            try:
                if clause.application or hasattr(kinds.module(clause.kind), "NO_AMOUNT"):
                    parts.append((policy, clause, application_amounts(policy, clause, ctx, in_force)))
                elif in_force:
                    parts.append((policy, clause, data_amounts(policy, clause, ctx)))
            except AmountOverflow as exc:
                raise FactError(overflow_message(f"《{policy.short_name}》第{clause.id}条", exc)) from None
    try:
        return render(finish(parts, ctx), ctx.catalog)
    except AmountOverflow as exc:
        raise FactError(overflow_message("封顶与补差", exc)) from None


def overflow_message(where: str, exc: AmountOverflow) -> str:
    return (
        f"{where}：金额计算超出可计算的范围（超过约9.2×10^16元），结算已停止，不会按溢出后的数字兑现。"
        f"涉及：{exc}。请核实这些申报或企业的金额（多为录入错误，如多写了位数）后重新运行"
    )
