"""Scale-down, caps and funding on hand-made lines."""

import numpy as np
import pandas as pd

from settlement.allocation import allocate
from settlement.engine.context import YearContext
from settlement.policies.cases import case_frames
from settlement.uscc import make_uscc


def _ctx(catalog, budget_fen=None, year=2025, payees=()):
    policy = catalog.policy("cixi-2024-8")
    clause = policy.clause("2.1")
    frames = case_frames(policy, clause, policy.clause("2.1").tests[0])
    ent = pd.concat([frames["enterprises"].assign(uscc=u) for u in payees], ignore_index=True)
    frames["enterprises"] = ent
    if budget_fen is not None:
        frames["budgets"] = pd.DataFrame([{"policy_id": policy.id, "year": year, "budget": budget_fen}])
    return YearContext(year=year, catalog=catalog, **frames)


def _lines(payees, amounts, clause="7"):
    n = len(payees)
    return pd.DataFrame(
        {
            "payee_uscc": payees, "subject_uscc": payees, "park_id": "", "policy_id": "cixi-2024-8",
            "clause_id": clause, "matter": "talent", "status": "candidate",
            "standard_amount": np.array(amounts, dtype=np.int64), "capped_amount": np.array(amounts, dtype=np.int64),
            "application_ids": "", "explanation": "说明", "trace": "{}",
        },
        index=range(n),
    )


def test_scale_down_pays_exactly_the_budget_to_the_fen(catalog):
    payees = [make_uscc("9", "1", "330282", f"MA{i:07d}") for i in range(7)]
    amounts = [333_333, 100_001, 250_000_00, 7, 999_999_99, 1, 123_456_78]
    budget = 100_000_00  # 100,000.00 元
    result = allocate(_lines(payees, amounts), _ctx(catalog, budget, payees=payees))
    paid = result.lines[result.lines["status"] == "paid"]
    assert int(result.lines["final_amount"].sum()) == budget
    assert (result.lines["final_amount"] <= result.lines["capped_amount"]).all()
    factor = result.scale_factors["cixi-2024-8"]
    assert factor["scaled"] and factor["budget"] == budget and factor["total_before"] == sum(amounts)
    assert set(paid["scale_factor"]) == {factor["factor_decimal"]}
    assert (result.lines["city_share"] + result.lines["district_share"] == result.lines["final_amount"]).all()
    assert all("预算按比例下调" in e for e in paid["explanation"])


def test_no_scale_down_under_budget(catalog):
    payees = [make_uscc("9", "1", "330282", f"MA{i:07d}") for i in range(3)]
    result = allocate(_lines(payees, [100, 200, 300]), _ctx(catalog, 10_000, payees=payees))
    assert list(result.lines["final_amount"]) == [100, 200, 300]
    assert set(result.lines["scale_factor"]) == {"1"}


def test_budget_default_from_the_text(catalog):
    payees = [make_uscc("9", "1", "330282", f"MA{i:07d}") for i in range(3)]
    result = allocate(_lines(payees, [600_0000_00, 600_0000_00, 1]), _ctx(catalog, None, payees=payees))
    assert int(result.lines["final_amount"].sum()) == 1000_0000_00  # 1000万 元
    assert result.scale_factors["cixi-2024-8"]["budget_source"] == "政策文本总预算"


def test_largest_remainder_tie_goes_to_lower_uscc(catalog):
    payees = sorted(make_uscc("9", "1", "330282", f"MA{i:07d}") for i in range(3))
    shuffled = [payees[2], payees[0], payees[1]]
    result = allocate(_lines(shuffled, [1, 1, 1]), _ctx(catalog, 2, payees=payees))
    got = dict(zip(result.lines["payee_uscc"], result.lines["final_amount"], strict=True))
    assert got == {payees[0]: 1, payees[1]: 1, payees[2]: 0}


def test_no_double_benefit_within_a_policy(catalog):
    payee = make_uscc("9", "1", "330282", "MA0000001")
    lines = pd.concat([_lines([payee], [50_000_00], clause="7"), _lines([payee], [80_000_00], clause="9.1")], ignore_index=True)
    result = allocate(lines, _ctx(catalog, 10**12, payees=[payee]))
    by_clause = result.lines.set_index("clause_id")
    assert by_clause.loc["9.1", "status"] == "paid"
    assert by_clause.loc["7", "status"] == "superseded"
    assert by_clause.loc["7", "superseded_by"] == "cixi-2024-8/9.1"
    assert by_clause.loc["7", "final_amount"] == 0
