"""A run reads what it needs once: each policy file is parsed once per process (however many
stages load the catalog), and the year's data is read from the ledger once per run."""

from __future__ import annotations

from collections import Counter

from settlement.ledger import store
from settlement.pipeline import run
from settlement.policies import loader


def test_a_run_parses_each_policy_file_once_and_reads_the_year_once(landing_copy, tmp_path, monkeypatch):
    parsed: Counter = Counter()
    reads: list[int] = []
    real_parse, real_read = loader._safe_yaml, store.read_frames

    def counting_parse(data: bytes):
        out = real_parse(data)
        parsed[out["id"]] += 1
        return out

    def counting_read(conn, year, held=None):
        reads.append(year)
        return real_read(conn, year, held)

    monkeypatch.setattr(loader, "_PARSED", {})  # as in a fresh process
    monkeypatch.setattr(loader, "_safe_yaml", counting_parse)
    monkeypatch.setattr(store, "read_frames", counting_read)

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    run(2025, landing_copy, tmp_path / "out", db)
    assert dict(parsed) == {p.id: 1 for p in loader.load_catalog().policies}
    assert reads == [2025]

    run(2025, landing_copy, tmp_path / "out2", db)  # the same process again (in full): nothing parsed anew
    assert set(parsed.values()) == {1}
    assert reads == [2025, 2025]
