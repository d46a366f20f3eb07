"""The demo landing settles under all five policies, and every clause of the catalog that has
a rule pays at least once."""

import pytest

from settlement.pipeline import run


@pytest.fixture(scope="module")
def demo_run(demo_landing, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    db = f"sqlite:///{tmp_path_factory.mktemp('db') / 'ledger.db'}"
    return run(2025, demo_landing, out, db)


def test_every_money_clause_pays_at_least_once(demo_run, catalog):
    lines = demo_run.lines
    paid = set(
        zip(
            lines.loc[lines["status"] == "paid", "policy_id"],
            lines.loc[lines["status"] == "paid", "clause_id"],
            strict=True,
        )
    )
    missing = [
        f"{p.id} {c.id}"
        for p in catalog.policies
        for c in p.clauses
        if c.kind not in ("none", "external") and (p.id, c.id) not in paid
    ]
    assert missing == []


def test_all_five_policies_pay(demo_run, catalog):
    assert set(demo_run.totals) == {p.id for p in catalog.policies}
    for policy_id, totals in demo_run.totals.items():
        assert float(totals["paid_total"]) > 0, policy_id


def test_every_line_explains_itself(demo_run):
    lines = demo_run.lines
    assert lines["explanation"].str.contains("条").all()
    paid = lines[lines["status"] == "paid"]
    assert paid["explanation"].str.contains("资金分担").all()
    superseded = lines[lines["status"] == "superseded"]
    assert superseded["explanation"].str.contains("就高不重复").all()
    assert (superseded["superseded_by"] != "").all()


def test_park_awards_are_paid_to_operators(demo_run):
    lines = demo_run.lines
    park = lines[(lines["policy_id"] == "lishui-2024-64") & (lines["clause_id"] == "6.1")]
    assert (park["park_id"] != "").all() and (park["payee_uscc"] == park["subject_uscc"]).all()
    members = lines[(lines["policy_id"] == "jinyun-2025") & (lines["clause_id"] == "2")]
    assert (members["payee_uscc"] != members["subject_uscc"]).all()


def test_hangzhou_funding_split_by_district(demo_run, catalog):
    lines = demo_run.lines
    hz = lines[(lines["policy_id"] == "hangzhou-crossborder-2023-9") & (lines["status"] == "paid")]
    assert (hz["city_share"] + hz["district_share"] == hz["final_amount"]).all()
    city_only = hz[hz["clause_id"].str.startswith("6.")]
    assert (city_only["district_share"] == 0).all()
