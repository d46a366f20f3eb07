"""Running a clause's YAML cases (OpenFisca-style): build the facts of one payee, evaluate the
policy for the case's year, and return the clause's line for that payee."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..ingest.contract import NUMBER_SCALE, RATIO_SCALE
from ..money import to_fraction, yuan_to_fen
from ..uscc import make_uscc
from .schema import Clause, Policy, TestCase

CASE_USCC = make_uscc("9", "1", "330000", "TE5T00001")
MONEY = {
    "online_retail", "retail_sales", "wholesale_sales", "operating_revenue", "online_sales",
    "crossborder_exports", "independent_site_sales", "local_contribution",
}


def _fen(v) -> int | None:
    return None if v is None else yuan_to_fen(v if isinstance(v, int) else str(v))


def _nano(v) -> int | None:
    return None if v is None else int(to_fraction(str(v)) * RATIO_SCALE)


def stats_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["uscc", "year", *sorted(MONEY), "retail_growth", "online_retail_growth", "limit_above"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in [*MONEY, "retail_growth", "online_retail_growth"]:
        frame[c] = frame[c].astype("Int64")
    frame["year"] = frame["year"].astype(np.int64)
    frame["limit_above"] = frame["limit_above"].fillna(False).astype(bool)
    return frame


def case_frames(policy: Policy, clause: Clause, case: TestCase) -> dict[str, pd.DataFrame]:
    ent = {
        "uscc": CASE_USCC,
        "name": "测试企业",
        "region_code": policy.regions[0],
        "township": "",
        "registered_on": pd.Timestamp(date(2015, 1, 1)),
        "park_id": "",
        "park_entry_on": pd.NaT,
        "credit_blacklisted": False,
        "bank_name": "",
        "bank_account": "",
    }
    ent.update({k: (pd.Timestamp(v) if k in ("registered_on", "park_entry_on") else v) for k, v in case.enterprise.items()})
    enterprises = pd.DataFrame([ent])
    rows = []
    for year, values in sorted(case.stats.items()):
        row = {"uscc": CASE_USCC, "year": int(year), "limit_above": bool(values.get("limit_above", False))}
        for k, v in values.items():
            if k in MONEY:
                row[k] = _fen(v)
            elif k in ("retail_growth", "online_retail_growth"):
                row[k] = _nano(v)
        rows.append(row)
    if case.year not in case.stats:
        rows.append({"uscc": CASE_USCC, "year": case.year, "limit_above": False})
    stats = stats_frame(rows)
    apps = []
    for i, a in enumerate(case.applications):
        apps.append(
            {
                "application_id": f"T{i + 1:03d}",
                "uscc": a.get("uscc", CASE_USCC),
                "year": case.year,
                "policy_id": policy.id,
                "clause_id": str(a.get("clause_id", clause.id)),
                "base_amount": _fen(a.get("base_amount")),
                "approved_amount": _fen(a.get("approved_amount")),
                "quantity": None if a.get("quantity") is None else int(to_fraction(str(a["quantity"])) * NUMBER_SCALE),
                "months": a.get("months"),
                "level": a.get("level"),
                "status": a.get("status", "approved"),
            }
        )
    applications = pd.DataFrame(
        apps,
        columns=["application_id", "uscc", "year", "policy_id", "clause_id", "base_amount", "approved_amount", "quantity", "months", "level", "status"],
    )
    for c in ("base_amount", "approved_amount", "quantity", "months"):
        applications[c] = applications[c].astype("Int64")
    fx = pd.DataFrame(
        [{"year": int(y), "usd_cny": _nano(r), "source": "case"} for y, r in case.fx_rates.items()],
        columns=["year", "usd_cny", "source"],
    )
    paid = pd.DataFrame(
        [
            {
                "payee_uscc": p.get("uscc", CASE_USCC),
                "subject_uscc": p.get("subject_uscc", p.get("uscc", CASE_USCC)),
                "policy_id": policy.id,
                "clause_id": str(p.get("clause_id", clause.id)),
                "year": int(p["year"]),
                "amount": _fen(p["amount"]),
            }
            for p in case.paid_before
        ],
        columns=["payee_uscc", "subject_uscc", "policy_id", "clause_id", "year", "amount"],
    )
    parks = pd.DataFrame(columns=["park_id", "name", "operator_uscc", "kind", "building_area_m2", "occupancy_rate", "online_shops", "established_on"])
    budgets = pd.DataFrame(columns=["policy_id", "year", "budget"])
    return {
        "enterprises": enterprises, "stats": stats, "applications": applications, "parks": parks,
        "fx_rates": fx, "budgets": budgets, "paid": paid,
    }


def run_case(catalog, policy: Policy, clause: Clause, case: TestCase) -> pd.DataFrame:
    """The lines of ``clause`` for the case's payee (empty when the clause did not fire)."""
    from ..engine.context import YearContext
    from ..engine.evaluate import application_lines, data_lines

    frames = case_frames(policy, clause, case)
    ctx = YearContext(year=case.year, catalog=catalog, **frames)
    in_force = policy.in_force(case.year)
    if clause.application:
        lines = application_lines(policy, clause, ctx, in_force)
    else:
        lines = data_lines(policy, clause, ctx)
    return lines[lines["clause_id"] == clause.id]
