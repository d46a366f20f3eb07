"""A re-run on unchanged inputs reuses the year's run: nothing read, loaded, computed or written
again. Any change that could move money (an input file, an output file, a load of any year, a
final run of an earlier year) makes the run proceed in full."""

from __future__ import annotations

import pandas as pd

from settlement.ledger import make_engine
from settlement.ledger.events import record_event
from settlement.pipeline import run


def _mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def test_an_unchanged_rerun_reuses_the_run_and_writes_nothing(landing_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = run(2025, landing_copy, tmp_path / "out", db)
    before = _mtimes(first.out_dir)
    again = run(2025, landing_copy, tmp_path / "out", db)
    assert again.reused and not first.reused
    assert again.run_uid == first.run_uid and again.run_id == first.run_id
    assert _mtimes(first.out_dir) == before  # not a file written again
    keys = ["payee_uscc", "policy_id", "clause_id", "subject_uscc", "park_id"]
    pd.testing.assert_frame_equal(
        again.lines.sort_values(keys).reset_index(drop=True)[keys + ["final_amount", "status"]],
        first.lines.sort_values(keys).reset_index(drop=True)[keys + ["final_amount", "status"]],
    )
    assert again.totals == first.totals and again.quarantined == first.quarantined


def test_files_not_as_this_ledgers_run_wrote_them_are_not_vouched_for(landing_copy, tmp_path):
    """The manifest in the folder must be the one this ledger's run wrote (it lists every file's
    SHA-256): files another ledger or a hand left there make the run settle in full."""
    out = tmp_path / "out"
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    run(2025, landing_copy, out, a)
    manifest = out / "2025" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace('"warnings"', '"warnings" '), encoding="utf-8"
    )  # same files, other manifest
    assert not run(2025, landing_copy, out, a).reused
    assert run(2025, landing_copy, out, a).reused
    assert not run(2025, landing_copy, out, b).reused  # ledger b has no such run


def test_changed_settings_write_the_files_again(landing_copy, tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    out = tmp_path / "out"
    first = run(2025, landing_copy, out, db)
    settings = tmp_path / "settlement.yaml"
    settings.write_text("bureau: 示例市商务局\nphone: 0571-00000000\n", encoding="utf-8")
    monkeypatch.setenv("SETTLEMENT_SETTINGS", str(settings))
    again = run(2025, landing_copy, out, db)  # the lists name the bureau and its phone: written again
    assert not again.reused and again.run_uid == first.run_uid
    assert run(2025, landing_copy, out, db).reused


def test_a_changed_input_an_edited_output_or_a_ledger_event_settles_in_full(landing_copy, tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    out = tmp_path / "out"
    first = run(2025, landing_copy, out, db)

    (first.out_dir / "awards.csv").write_bytes(b"edited\n")  # an output not as the manifest lists it
    assert not run(2025, landing_copy, out, db).reused
    assert run(2025, landing_copy, out, db).reused  # written again: reusable once more

    with make_engine(db).begin() as conn:  # e.g. an earlier year finalized, or loaded anew
        record_event(conn, 2024, "final")
    again = run(2025, landing_copy, out, db)
    assert not again.reused and again.run_uid == first.run_uid

    stats = landing_copy / "2025" / "budgets.csv"
    stats.write_bytes(stats.read_bytes() + b"\n")  # a different file (the same rows)
    changed = run(2025, landing_copy, out, db)
    assert not changed.reused and changed.run_uid != first.run_uid
