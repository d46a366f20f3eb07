"""Every YAML case of every clause (OpenFisca-style tests as data), collected by pytest."""

import pytest

from settlement.engine.cases import run_case
from settlement.money import fen_to_yuan_text
from settlement.policies import load_catalog

CATALOG = load_catalog()
CASES = [
    pytest.param(p, c, case, id=f"{p.id}:{c.id}:{case.name}")
    for p in CATALOG.policies
    for c in p.clauses
    for case in c.tests
]


@pytest.mark.parametrize(("policy", "clause", "case"), CASES)
def test_clause_case(policy, clause, case):
    lines = run_case(CATALOG, policy, clause, case)
    amount = int(lines["capped_amount"].sum()) if len(lines) else 0
    assert fen_to_yuan_text(amount) == fen_to_yuan_text(case.expect), lines["explanation"].tolist()
    if case.expect_status is not None:
        assert lines["status"].tolist() == [case.expect_status]
    elif case.expect > 0:
        assert set(lines["status"]) == {"candidate"}
    else:
        assert lines.empty or set(lines["status"]) <= {"zero"}
    # every line explains itself in Chinese, naming the policy and the clause
    for text in lines["explanation"]:
        assert f"第{clause.id}条" in text and policy.document_number in text


def test_every_money_clause_has_at_least_two_cases():
    thin = [
        f"{p.id} {c.id}"
        for p in CATALOG.policies
        for c in p.clauses
        if c.kind not in ("none", "external") and len(c.tests) < 2
    ]
    assert thin == []
