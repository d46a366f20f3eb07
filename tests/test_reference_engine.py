"""The vectorized engine equals the plain per-row reference (tests/reference_engine.py) on
every line of demo years: status, amount after caps, final amount, city and district shares."""

from __future__ import annotations

import pytest
from reference_engine import differences, engine_result, settle

from settlement.allocation import allocate
from settlement.demo import DemoSpec, write
from settlement.engine.evaluate import evaluate_year
from settlement.ledger import make_engine
from settlement.policies import load_catalog
from settlement.stages import load_inputs, year_context


def _context(tmp_path, seed: int, enterprises: int, share: float):
    catalog = load_catalog()
    landing = tmp_path / "landing"
    write(
        DemoSpec(
            out=landing,
            years=(2025, 2025),
            enterprises=enterprises,
            seed=seed,
            history=4,
            application_share=share,
            only_last_year=True,
        ),
        catalog,
    )
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    load_inputs(2025, landing, tmp_path / "out", db)  # read, validate and load, as a run does
    with make_engine(db).connect() as conn:
        return year_context(conn, 2025, catalog)


@pytest.mark.parametrize(
    ("seed", "enterprises", "share"), [(20250101, 300, 0.0), (7, 600, 0.02), (99, 1000, 0.01)]
)
def test_engine_equals_the_per_row_reference(tmp_path, seed, enterprises, share):
    ctx = _context(tmp_path, seed, enterprises, share)
    engine = engine_result(allocate(evaluate_year(ctx), ctx).lines)
    reference = settle(ctx)
    assert differences(engine, reference) == []
    paid = [v for v in engine.values() if v["status"] == "paid"]
    assert len(paid) > 50  # the comparison is not vacuous
    assert {k[3] for k, v in engine.items() if v["status"] == "paid"} == {p.id for p in ctx.catalog.policies}


def test_engine_equals_the_reference_without_applications_and_in_any_row_order(tmp_path):
    from settlement.engine.context import YearContext

    ctx = _context(tmp_path, 7, 400, 0.02)
    frames = {
        k: getattr(ctx, k)
        for k in ("enterprises", "stats", "applications", "parks", "fx_rates", "budgets", "paid")
    }
    expected = engine_result(allocate(evaluate_year(ctx), ctx).lines)
    shuffled = dict(
        frames,
        **{
            k: frames[k].sample(frac=1, random_state=1).reset_index(drop=True)
            for k in ("enterprises", "stats", "applications")
        },
    )
    again = YearContext(year=2025, catalog=ctx.catalog, **shuffled)
    assert engine_result(allocate(evaluate_year(again), again).lines) == expected
    bare = YearContext(
        year=2025, catalog=ctx.catalog, **dict(frames, applications=frames["applications"].iloc[0:0])
    )
    engine = engine_result(allocate(evaluate_year(bare), bare).lines)
    assert differences(engine, settle(bare)) == [] and len(engine) > 0
