"""Demo applications: about 1% of each policy's enterprises apply under each clause, with the
figures the clause needs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from .ingest.contract import FILES_BY_NAME, LEVEL_LABELS
from .money import fen_to_yuan_grouped
from .policies import Catalog
from .policies.schema import Clause, Policy

WAN = 10_000 * 100  # fen


def _policy_regions(policy: Policy) -> set[str]:
    return set(policy.regions)


def make_applications(
    rng,
    catalog: Catalog,
    year: int,
    enterprises: pd.DataFrame,
    stats: pd.DataFrame,
    ent_index,
    parks: pd.DataFrame,
    preferred: dict,
    share: float = 0.0,
) -> pd.DataFrame:
    rows = []
    cur = stats[stats["year"].astype(int) == year].set_index("uscc")
    online = (
        pd.to_numeric(cur["online_retail"], errors="coerce").reindex(enterprises["uscc"]).fillna(0).to_numpy()
    )
    exports = (
        pd.to_numeric(cur["crossborder_exports"], errors="coerce")
        .reindex(enterprises["uscc"])
        .fillna(0)
        .to_numpy()
    )
    counter = 0
    for policy in catalog.policies:
        if not policy.in_force(year):
            continue
        regions = _policy_regions(policy)
        local = np.flatnonzero(
            enterprises["region_code"].isin(regions).to_numpy()
            & (enterprises["credit_blacklisted"] == "否").to_numpy()
        )
        if not len(local):
            continue
        for clause in policy.clauses:
            if not clause.application:
                continue
            k = min(len(local), max(int(rng.integers(2, 5)), int(len(local) * share)))
            if clause.payee == "park":
                ops = (
                    parks[parks["operator_uscc"].isin(enterprises.loc[local, "uscc"])]
                    if len(parks)
                    else parks
                )
                if clause.park_kind and len(ops):
                    ops = ops[ops["kind"] == clause.park_kind]
                chosen = [int(ent_index[u]) for u in ops["operator_uscc"]][:k] if len(ops) else []
            else:
                key = (
                    exports
                    if "usd" in str(getattr(clause, "units", None) and clause.units.fact or "")
                    or "cbec" in (clause.matter or "")
                    else online
                )
                order = local[np.argsort(-key[local], kind="stable")]
                top = order[: max(k, len(order) // 3)]
                first = [i for i in preferred.get((policy.id, clause.id), []) if i in set(local)]
                rest = [i for i in rng.choice(top, k, replace=False) if i not in first]
                chosen = (first + rest)[:k]
            for i in chosen:
                counter += 1
                rows.append(
                    _application_row(
                        rng, policy, clause, year, enterprises.loc[i, "uscc"], counter, "approved"
                    )
                )
            if rng.random() < 0.3:
                counter += 1
                i = int(rng.choice(local))
                rows.append(
                    _application_row(
                        rng,
                        policy,
                        clause,
                        year,
                        enterprises.loc[i, "uscc"],
                        counter,
                        str(rng.choice(["rejected", "pending"])),
                    )
                )
    columns = [c.code for c in FILES_BY_NAME["applications"].columns]
    return pd.DataFrame(rows, columns=columns)


def _needs(clause: Clause, rng) -> dict[str, object]:
    """Values of application fields that satisfy the clause's conditions on the application
    (``all`` branches; the first branch of an ``any``), and reach one of its tiers."""
    from .policies.schema import check_value

    needs: dict[str, object] = {}
    stack = [clause.conditions] if clause.conditions else []
    while stack:
        c = stack.pop()
        if c.all:
            stack += c.all
        elif c.any:
            stack.append(c.any[0])
        elif c.fact and c.fact.startswith("application."):
            field = c.fact.split(".", 1)[1]
            value = check_value(c.fact, c.value)
            if field == "level":
                needs["level"] = value
            elif c.op in (">=", ">"):
                bump = Fraction(int(rng.integers(100, 160)), 100)
                needs[field] = max(needs.get(field, 0), Fraction(value) * bump + (1 if c.op == ">" else 0))
    tiers, metric = getattr(clause, "tiers", None), getattr(clause, "metric", None)
    if tiers and metric and metric.startswith("application.") and tiers[0].level is None:
        tier = clause.tiers[int(rng.integers(0, len(clause.tiers)))]
        field = clause.metric.split(".", 1)[1]
        value = Fraction(check_value(clause.metric, tier.threshold)) * Fraction(
            int(rng.integers(100, 130)), 100
        )
        needs[field] = max(needs.get(field, 0), value + (1 if tier.op == ">" else 0))
    return needs


def _application_row(
    rng, policy: Policy, clause: Clause, year: int, uscc: str, counter: int, status: str
) -> dict:
    base = approved = quantity = level = None
    months = None
    needs = _needs(clause, rng)
    need_base = int(needs.get("base_amount", 0))  # fen
    if clause.kind == "rate":
        base = max(need_base, int(rng.integers(5, 400)) * WAN // 10) + int(rng.integers(0, 100)) * 100
    elif clause.kind == "approved":
        cap = int(clause.cap or clause.item_cap or clause.item_cap_per_unit or 100 * WAN)
        shares = [0.3, 0.6, 1.0, 1.2] if cap <= 100 * WAN else [0.02, 0.05, 0.1, 0.2]
        approved = int(cap * float(rng.choice(shares))) // 100 * 100
        base = max(need_base, approved) if need_base else None
        quantity = int(rng.integers(1, 4))
    elif clause.kind == "unit":
        quantity = int(rng.integers(1, 4))
        if clause.units.times_months:
            quantity = int(rng.integers(300, 3000))
            months = int(rng.choice([6, 12, 12, 12]))
    elif clause.kind in ("fixed", "tiered", "step"):
        quantity = 1
        if need_base:
            base = need_base
    if "quantity" in needs:
        quantity = int(Fraction(needs["quantity"]))
    if "base_amount" in needs and base is None:
        base = need_base
    by_level = getattr(clause, "unit_amount_by_level", None) or getattr(clause, "step_by_level", None)
    levels = list(by_level or clause.item_cap_by_level or {})
    tiers = getattr(clause, "tiers", None)
    if tiers and tiers[0].level is not None:
        levels = [t.level for t in tiers]
    if levels:
        level = str(rng.choice(levels))
    if getattr(clause, "step_by_level", None) and "retail" in clause.step_by_level and rng.random() < 0.8:
        level = "retail"
    if "level" in needs:
        level = str(needs["level"])
    return {
        "application_id": f"{policy.id.split('-')[0].upper()}-{year}-{counter:05d}",
        "uscc": uscc,
        "year": str(year),
        "policy_id": policy.id,
        "clause_id": clause.id,
        "base_amount": "" if base is None else fen_to_yuan_grouped(base),
        "approved_amount": "" if approved is None else fen_to_yuan_grouped(approved),
        "quantity": "" if quantity is None else str(quantity),
        "months": "" if months is None else str(months),
        "level": "" if level is None else LEVEL_LABELS.get(level, level),
        "status": {"approved": "approved", "rejected": "rejected", "pending": "pending"}[status],
    }
