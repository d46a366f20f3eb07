"""Scale-down, caps and funding on hand-made lines."""

import numpy as np
import pandas as pd

from settlement.allocation import allocate
from settlement.engine.cases import case_frames
from settlement.engine.context import YearContext
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
            "payee_uscc": payees,
            "subject_uscc": payees,
            "park_id": "",
            "policy_id": "cixi-2024-8",
            "clause_id": clause,
            "matter": "talent",
            "status": "candidate",
            "standard_amount": np.array(amounts, dtype=np.int64),
            "capped_amount": np.array(amounts, dtype=np.int64),
            "application_ids": "",
            "explanation": "说明",
            "trace": "{}",
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
    lines = pd.concat(
        [_lines([payee], [50_000_00], clause="7"), _lines([payee], [80_000_00], clause="9.1")],
        ignore_index=True,
    )
    result = allocate(lines, _ctx(catalog, 10**12, payees=[payee]))
    by_clause = result.lines.set_index("clause_id")
    assert by_clause.loc["9.1", "status"] == "paid"
    assert by_clause.loc["7", "status"] == "superseded"
    assert by_clause.loc["7", "superseded_by"] == "cixi-2024-8/9.1"
    assert by_clause.loc["7", "final_amount"] == 0


def _generic_lines(rows):
    frame = pd.DataFrame(rows)
    for col, default in (
        ("subject_uscc", None),
        ("park_id", ""),
        ("status", "candidate"),
        ("application_ids", ""),
        ("explanation", "说明"),
        ("trace", "{}"),
    ):
        if col not in frame:
            frame[col] = frame["payee_uscc"] if default is None else default
    frame["standard_amount"] = frame["capped_amount"]
    return frame


def _ctx_regions(catalog, payees_regions, year=2025):
    from settlement.engine.cases import case_frames

    policy = catalog.policy("cixi-2024-8")
    frames = case_frames(policy, policy.clause("2.1"), policy.clause("2.1").tests[0])
    base = frames["enterprises"].iloc[0]
    frames["enterprises"] = pd.DataFrame([dict(base, uscc=u, region_code=r) for u, r in payees_regions])
    return YearContext(year=year, catalog=catalog, **frames)


def test_no_double_benefit_across_policies_highest_wins(catalog):
    u = make_uscc("9", "1", "330108", "MA0000009")
    lines = _generic_lines(
        [
            {
                "payee_uscc": u,
                "policy_id": "binjiang-2024-14",
                "clause_id": "9",
                "matter": "cbec_customs_mode",
                "capped_amount": 150_0000_00,
            },
            {
                "payee_uscc": u,
                "policy_id": "hangzhou-crossborder-2023-9",
                "clause_id": "1.2",
                "matter": "cbec_customs_mode",
                "capped_amount": 180_0000_00,
            },
        ]
    )
    result = allocate(lines, _ctx_regions(catalog, [(u, "330108")])).lines.set_index("policy_id")
    assert result.loc["hangzhou-crossborder-2023-9", "status"] == "paid"
    assert result.loc["binjiang-2024-14", "status"] == "superseded"
    assert result.loc["binjiang-2024-14", "superseded_by"] == "hangzhou-crossborder-2023-9/1.2"


def test_no_double_benefit_tie_goes_to_catalog_order(catalog):
    u = make_uscc("9", "1", "330108", "MA0000009")
    lines = _generic_lines(
        [
            {
                "payee_uscc": u,
                "policy_id": "hangzhou-crossborder-2023-9",
                "clause_id": "1.2",
                "matter": "cbec_customs_mode",
                "capped_amount": 100,
            },
            {
                "payee_uscc": u,
                "policy_id": "binjiang-2024-14",
                "clause_id": "9",
                "matter": "cbec_customs_mode",
                "capped_amount": 100,
            },
        ]
    )
    result = allocate(lines, _ctx_regions(catalog, [(u, "330108")])).lines.set_index("policy_id")
    assert result.loc["binjiang-2024-14", "status"] == "paid"  # binjiang is listed first in the catalog


def test_cap_group_scales_members_to_the_shared_cap(catalog):
    u = make_uscc("9", "1", "331102", "MA0000010")
    lines = _generic_lines(
        [
            {
                "payee_uscc": u,
                "policy_id": "lishui-2024-64",
                "clause_id": "12.1",
                "matter": "exhibition",
                "capped_amount": 15_0000_00,
            },
            {
                "payee_uscc": u,
                "policy_id": "lishui-2024-64",
                "clause_id": "12.2",
                "matter": "exhibition_self",
                "capped_amount": 10_0000_01,
            },
        ]
    )
    result = allocate(lines, _ctx_regions(catalog, [(u, "331102")])).lines
    assert int(result["capped_amount"].sum()) == 20_0000_00
    assert int(result["final_amount"].sum()) == 20_0000_00
    assert all("共同上限" in e for e in result["explanation"])


def test_funding_split_rounds_city_half_up_and_district_takes_the_rest(catalog):
    u1 = make_uscc("9", "1", "330109", "MA0000011")  # 萧山: 25 / 75
    u2 = make_uscc("9", "1", "330106", "MA0000012")  # 西湖: 50 / 50
    lines = _generic_lines(
        [
            {
                "payee_uscc": u1,
                "policy_id": "hangzhou-crossborder-2023-9",
                "clause_id": "4.1",
                "matter": "cbec_promotion",
                "capped_amount": 10_01,
            },
            {
                "payee_uscc": u2,
                "policy_id": "hangzhou-crossborder-2023-9",
                "clause_id": "4.1",
                "matter": "cbec_promotion",
                "capped_amount": 3,
            },
            {
                "payee_uscc": u2,
                "policy_id": "hangzhou-crossborder-2023-9",
                "clause_id": "6.1",
                "matter": "talent_incubation",
                "capped_amount": 999,
            },
        ]
    )
    result = allocate(lines, _ctx_regions(catalog, [(u1, "330109"), (u2, "330106")])).lines.set_index(
        ["payee_uscc", "clause_id"]
    )
    assert result.loc[(u1, "4.1"), "city_share"] == 250  # 1001 x 25% = 250.25 -> 250
    assert result.loc[(u1, "4.1"), "district_share"] == 751
    assert result.loc[(u2, "4.1"), "city_share"] == 2  # 1.5 -> 2 (half up)
    assert result.loc[(u2, "4.1"), "district_share"] == 1
    assert result.loc[(u2, "6.1"), "city_share"] == 999 and result.loc[(u2, "6.1"), "district_share"] == 0


def test_an_operator_of_two_parks_is_paid_for_each_park(catalog):
    """settlement-semantics detail 14: the no-double-benefit key of a park-total award includes
    the park, so one operator's two parks are not one matter; other lines' park is information."""
    op = make_uscc("9", "1", "331102", "MA0000011")
    lines = _generic_lines(
        [
            {
                "payee_uscc": op,
                "policy_id": "lishui-2024-64",
                "clause_id": "6.1",
                "matter": "park_milestone",
                "park_id": "P1",
                "capped_amount": 30_0000_00,
            },
            {
                "payee_uscc": op,
                "policy_id": "lishui-2024-64",
                "clause_id": "6.1",
                "matter": "park_milestone",
                "park_id": "P2",
                "capped_amount": 50_0000_00,
            },
        ]
    )
    result = allocate(lines, _ctx_regions(catalog, [(op, "331102")])).lines.set_index("park_id")
    assert list(result.loc[["P1", "P2"], "status"]) == ["paid", "paid"]
    assert list(result.loc[["P1", "P2"], "final_amount"]) == [30_0000_00, 50_0000_00]
