"""The same inputs in any row order give identical awards and byte-identical files."""

import pandas as pd

from settlement.ingest.readers import read_csv_text
from settlement.pipeline import run


def _shuffle_csv(path, seed, encoding="utf-8"):
    raw = read_csv_text(path)
    body = raw.cells.sample(frac=1, random_state=seed)
    frame = pd.DataFrame(body.to_numpy(), columns=raw.header)
    text = frame.to_csv(index=False, lineterminator="\n")
    data = text.encode("gb18030") if raw.encoding == "gb18030" else text.encode("utf-8")
    path.write_bytes(data)


def test_row_order_does_not_matter(landing_copy, tmp_path):
    first = run(2025, landing_copy, tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    for name in (
        "enterprises.csv",
        "annual_stats.csv",
        "parks.csv",
        "fx_rates.csv",
        "budgets.csv",
        "prior_awards.csv",
    ):
        path = landing_copy / "2025" / name
        if path.exists():
            _shuffle_csv(path, seed=5)
    second = run(2025, landing_copy, tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
    assert first.run_uid != second.run_uid  # the files' bytes differ, and the manifest records their hashes
    for name in ("awards.csv", "publicity_2025.xlsx"):
        assert (tmp_path / "a" / "2025" / name).read_bytes() == (
            tmp_path / "b" / "2025" / name
        ).read_bytes(), name


def test_separate_processes_give_byte_identical_files(demo_landing, tmp_path):
    """Hash randomisation differs between processes; nothing in the outputs may depend on it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    binary = Path(sys.executable).parent / "settlement"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SETTLEMENT_DATA_DOCS": "0"}
        proc = subprocess.run(
            [
                str(binary),
                "run",
                "--year",
                "2025",
                "--landing",
                str(demo_landing),
                "--out",
                str(tmp_path / seed),
                "--db",
                f"sqlite:///{tmp_path / seed}.db",
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
    for name in (
        "awards.csv",
        "publicity_2025.xlsx",
        "validation_2025.xlsx",
        "validation_2025.json",
        "manifest.json",
    ):
        assert (tmp_path / "1" / "2025" / name).read_bytes() == (
            tmp_path / "2" / "2025" / name
        ).read_bytes(), name
