"""The vectorized engine equals the plain per-row reference (tests/reference_engine.py) on
every line of demo years: status, amount after caps, final amount, city and district shares."""

from __future__ import annotations

import pytest
from reference_engine import differences, engine_result, settle

from settlement.allocation import allocate
from settlement.demo import DemoSpec, write
from settlement.engine.evaluate import evaluate_year
from settlement.ledger import make_engine, store
from settlement.policies import load_catalog
from settlement.stages import load_inputs


def _context(tmp_path, seed: int, enterprises: int, share: float):
    catalog = load_catalog()
    landing = tmp_path / "landing"
    write(DemoSpec(out=landing, years=(2025, 2025), enterprises=enterprises, seed=seed, history=4, application_share=share, only_last_year=True), catalog)
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load_inputs(2025, landing, tmp_path / "out", db)  # read, validate and load, as a run does
    with make_engine(db).connect() as conn:
        return store.read_context(conn, 2025, catalog)


@pytest.mark.parametrize(("seed", "enterprises", "share"), [(20250101, 300, 0.0), (7, 600, 0.02), (99, 1000, 0.01)])
def test_engine_equals_the_per_row_reference(tmp_path, seed, enterprises, share):
    ctx = _context(tmp_path, seed, enterprises, share)
    engine = engine_result(allocate(evaluate_year(ctx), ctx).lines)
    reference = settle(ctx)
    assert differences(engine, reference) == []
    paid = [v for v in engine.values() if v["status"] == "paid"]
    assert len(paid) > 50  # the comparison is not vacuous
    assert {k[3] for k, v in engine.items() if v["status"] == "paid"} == {p.id for p in ctx.catalog.policies}
