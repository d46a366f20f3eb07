"""One module per clause kind. A kind module may define:

``PER_PAYEE``
    how a payee's applications under the clause combine: ``"sum"``, ``"max"`` (once a year) or
    ``"tier"`` (the year's highest tier).
``application_amounts(job: ApplicationJob) -> Items``
    the amount of each application (the kind can be filed as an application).
``data_amounts(job: DataJob) -> Fired``
    the amount of each enterprise, park or park member (the kind can pay from data alone).
``narrow(policy, clause, ft, keep) -> mask``
    the rows that can fire at all, before any wording (optional).
``NO_AMOUNT``
    the kind pays nothing; these words say why.

A kind module imports nothing from another kind's module (``tests/test_structure.py``).
"""

from __future__ import annotations

from types import ModuleType

from . import approved, contribution_increment, external, fixed, none, rate, step, tiered, unit

MODULES: dict[str, ModuleType] = {
    "fixed": fixed,
    "rate": rate,
    "unit": unit,
    "approved": approved,
    "tiered": tiered,
    "step": step,
    "contribution_increment": contribution_increment,
    "none": none,
    "external": external,
}


def module(kind: str) -> ModuleType:
    return MODULES[kind]
