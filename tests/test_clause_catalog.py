"""Every clause of the shared clause catalog exists in the policy YAML with the kind (and mode)
and matter listed there."""

import os
import re
from pathlib import Path

import pytest

from settlement.policies import load_catalog

CANDIDATES = [
    Path(os.environ.get("SETTLEMENT_SPEC_DIR", "")) / "clause-catalog.md",
    Path(__file__).resolve().parents[2] / "shared" / "spec" / "clause-catalog.md",
]


def catalog_rows():
    path = next((p for p in CANDIDATES if p.is_file()), None)
    if path is None:
        pytest.skip("clause-catalog.md not found (set SETTLEMENT_SPEC_DIR to the spec folder)")
    rows, policy = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (\S+) — ", line)
        if m:
            policy = m.group(1)
            continue
        if policy and line.startswith("| ") and not line.startswith("| id") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3 and not cells[0].startswith("cap group"):
                rows.append((policy, cells[0], cells[1], cells[2]))
    return rows


def test_catalog_clauses_exist_with_their_kind():
    catalog = load_catalog()
    rows = catalog_rows()
    assert len(rows) >= 80
    problems = []
    for policy_id, clause_id, matter, kind_text in rows:
        try:
            clause = catalog.clause(policy_id, clause_id)
        except KeyError:
            problems.append(f"{policy_id} {clause_id}: missing")
            continue
        kind, _, mode = kind_text.partition(" ")
        if clause.kind != kind:
            problems.append(f"{policy_id} {clause_id}: kind {clause.kind} != {kind}")
        if mode and clause.mode != mode:
            problems.append(f"{policy_id} {clause_id}: mode {clause.mode} != {mode}")
        if matter not in ("—", "") and clause.matter != matter:
            problems.append(f"{policy_id} {clause_id}: matter {clause.matter} != {matter}")
    assert problems == []


def test_every_money_clause_of_the_yaml_is_in_the_catalog():
    catalog = load_catalog()
    listed = {(p, c) for p, c, _, _ in catalog_rows()}
    extra = [
        f"{p.id} {c.id}"
        for p in catalog.policies
        for c in p.clauses
        if c.kind not in ("none", "external") and (p.id, c.id) not in listed
    ]
    assert extra == []
