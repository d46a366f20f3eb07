"""Running a clause's YAML cases (OpenFisca-style): build the facts of one payee, evaluate the
policy for the case's year, and return the clause's line for that payee."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..fact_registry import GROWTH, MONEY_STATISTICS
from ..ingest.contract import NUMBER_SCALE, RATIO_SCALE
from ..money import to_fraction, yuan_to_fen
from ..policies.schema import Clause, Policy, TestCase
from ..uscc import make_uscc

CASE_USCC = make_uscc("9", "1", "330000", "TE5T00001")
MONEY = set(MONEY_STATISTICS)


def _fen(v) -> int | None:
    return None if v is None else yuan_to_fen(v if isinstance(v, int) else str(v))


def _nano(v) -> int | None:
    return None if v is None else int(to_fraction(str(v)) * RATIO_SCALE)


def stats_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["uscc", "year", *sorted(MONEY), *GROWTH, "limit_above"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in [*MONEY, *GROWTH]:
        frame[c] = frame[c].astype("Int64")
    frame["year"] = frame["year"].astype(np.int64)
    frame["limit_above"] = frame["limit_above"].fillna(False).astype(bool)
    return frame


def _enterprise(policy: Policy, uscc: str, overrides: dict) -> dict:
    ent = {
        "uscc": uscc,
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
    for k, v in overrides.items():
        if k in ("stats",):
            continue
        ent[k] = pd.Timestamp(v) if k in ("registered_on", "park_entry_on") and v is not None else v
    return ent


def _stats_rows(uscc: str, stats: dict, year: int) -> list[dict]:
    rows = []
    for y, values in sorted(stats.items()):
        row = {"uscc": uscc, "year": int(y), "limit_above": bool(values.get("limit_above", False))}
        for k, v in values.items():
            if k in MONEY:
                row[k] = _fen(v)
            elif k in GROWTH:
                row[k] = _nano(v)
        rows.append(row)
    if year not in stats:
        rows.append({"uscc": uscc, "year": year, "limit_above": False})
    return rows


def case_frames(policy: Policy, clause: Clause, case: TestCase) -> dict[str, pd.DataFrame]:
    """The frames of a case: the payee (and, for park clauses, its park and members; for
    averages, other enterprises of the region), its stats, applications and earlier payments."""
    ents = [_enterprise(policy, CASE_USCC, case.enterprise)]
    rows = _stats_rows(CASE_USCC, case.stats, case.year)
    parks = []
    if case.park is not None:
        park = {
            "park_id": "PTEST",
            "name": "测试园区",
            "operator_uscc": CASE_USCC,
            "kind": clause.park_kind or "ecommerce",
            "building_area_m2": None,
            "occupancy_rate": None,
            "online_shops": None,
            "established_on": None,
        }
        for k, v in case.park.items():
            park[k] = v
        park["building_area_m2"] = (
            None
            if park["building_area_m2"] is None
            else int(to_fraction(str(park["building_area_m2"])) * NUMBER_SCALE)
        )
        park["occupancy_rate"] = _nano(park["occupancy_rate"])
        park["established_on"] = (
            None if park["established_on"] is None else pd.Timestamp(park["established_on"])
        )
        parks.append(park)
    for i, member in enumerate(case.members + case.others):
        uscc = make_uscc("9", "1", "330000", f"MEM{i:06d}")
        extra = {"name": f"测试企业{i + 1}"}
        if i < len(case.members):
            extra["park_id"] = parks[0]["park_id"] if parks else ""
        ents.append(_enterprise(policy, uscc, {**extra, **member}))
        rows += _stats_rows(uscc, member.get("stats", {}), case.year)
    enterprises = pd.DataFrame(ents)
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
                "quantity": None
                if a.get("quantity") is None
                else int(to_fraction(str(_plain(a["quantity"]))) * NUMBER_SCALE),
                "months": a.get("months"),
                "level": a.get("level"),
                "status": a.get("status", "approved"),
            }
        )
    applications = pd.DataFrame(
        apps,
        columns=[
            "application_id",
            "uscc",
            "year",
            "policy_id",
            "clause_id",
            "base_amount",
            "approved_amount",
            "quantity",
            "months",
            "level",
            "status",
        ],
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
    park_frame = pd.DataFrame(
        parks,
        columns=[
            "park_id",
            "name",
            "operator_uscc",
            "kind",
            "building_area_m2",
            "occupancy_rate",
            "online_shops",
            "established_on",
        ],
    )
    for c in ("building_area_m2", "occupancy_rate", "online_shops"):
        park_frame[c] = park_frame[c].astype("Int64")
    budgets = pd.DataFrame(columns=["policy_id", "year", "budget"])
    return {
        "enterprises": enterprises,
        "stats": stats,
        "applications": applications,
        "parks": park_frame,
        "fx_rates": fx,
        "budgets": budgets,
        "paid": paid,
    }


def _plain(value) -> str:
    """'100万' -> '1000000' (counts in test files may use 万)."""
    from ..money import parse_decimal_text

    return str(parse_decimal_text(str(value)))


def run_case(catalog, policy: Policy, clause: Clause, case: TestCase) -> pd.DataFrame:
    """The lines of ``clause`` for the case's payee (empty when the clause did not fire)."""
    from .context import YearContext
    from .evaluate import application_lines, data_lines, render

    frames = case_frames(policy, clause, case)
    ctx = YearContext(year=case.year, catalog=catalog, **frames)
    in_force = policy.in_force(case.year)
    if clause.application:
        lines = render(application_lines(policy, clause, ctx, in_force), catalog)
    elif not in_force:
        return render(data_lines(policy, clause, ctx), catalog).iloc[0:0]
    else:
        lines = render(data_lines(policy, clause, ctx), catalog)
    return lines[(lines["clause_id"] == clause.id) & (lines["payee_uscc"] == CASE_USCC)]
