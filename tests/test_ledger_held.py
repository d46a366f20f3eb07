"""The year's large tables as the run's load left them (settlement.ledger.held) are the very
frames a read of the ledger gives, after every kind of load, on SQLite and PostgreSQL; where
the load cannot vouch for a table, the table is read."""

import pandas as pd
import pytest

from settlement.ingest import read_landing
from settlement.ledger import make_engine, migrate
from settlement.ledger.held import as_read
from settlement.ledger.models import Enterprise
from settlement.ledger.store import load_clean, read_frames
from settlement.validation import validate_landing

from landing_helpers import ENTERPRISES, STATS, csv_bytes, write_landing


def _load_and_compare(root, url, catalog, year=2025) -> dict:
    """Load the year's folder, and check that the context from what the load held equals the
    context read from the ledger; returns the tables the load held."""
    landing = read_landing(root, year)
    result = validate_landing(landing, catalog)
    engine = make_engine(url)
    migrate(engine)
    files = {n: t.file_name for n, t in landing.tables.items()}
    held: dict = {}
    with engine.begin() as conn:
        load_clean(conn, year, result.clean, files, result.problems, landing.hashes, held)
        tables = set(held)
        from_load = read_frames(conn, year, held)
        from_ledger = read_frames(conn, year)
    for name, frame in from_ledger.items():
        pd.testing.assert_frame_equal(from_load[name], frame, check_exact=True, obj=name)
    assert not held  # each table taken as used
    return tables


def test_a_fresh_ledger_holds_what_was_loaded(db_url, demo_landing, catalog):
    held = _load_and_compare(demo_landing, db_url, catalog)
    assert set(held) == {"enterprises", "annual_stats"}


def test_loading_again_unchanged_and_changed(db_url, tmp_path, catalog):
    write_landing(tmp_path)
    _load_and_compare(tmp_path, db_url, catalog)
    held = _load_and_compare(tmp_path, db_url, catalog)  # unchanged: the rows found the same
    assert set(held) == {"enterprises", "annual_stats"}
    corrected = [
        dict(STATS[0]),
        dict(STATS[1], online_retail="61,000,000.00"),
        dict(STATS[2], year="2024"),  # a row of another year, kept by the next load
    ]
    renamed = [dict(ENTERPRISES[0], name="新名称有限公司"), *ENTERPRISES[1:]]
    write_landing(
        tmp_path,
        annual_stats__csv=csv_bytes("annual_stats", corrected),
        enterprises__csv=csv_bytes("enterprises", renamed),
    )
    held = _load_and_compare(tmp_path, db_url, catalog)
    assert set(held) == {"enterprises", "annual_stats"}
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", corrected[:2]))
    _load_and_compare(tmp_path, db_url, catalog)  # the 2024 row stays, not compared


def test_rows_another_years_folder_loaded_are_read(db_url, tmp_path, catalog):
    write_landing(tmp_path, 2024, annual_stats__csv=csv_bytes("annual_stats", [dict(STATS[0], year="2021")]))
    _load_and_compare(tmp_path, db_url, catalog, 2024)
    write_landing(tmp_path)
    held = _load_and_compare(tmp_path, db_url, catalog, 2025)
    # 2024's folder reported a year that 2025's does not repeat: the load does not have that row
    assert set(held) == {"enterprises"}


@pytest.mark.parametrize(
    ("values", "held"),
    [
        (pd.array([1, None], dtype="Int64"), True),
        (pd.Series([1.0, 2.0]), False),  # a float would come back as it was stored, not as an int
        (pd.Series([None, None], dtype=object), True),
    ],
)
def test_a_column_is_held_only_as_it_comes_back(values, held):
    table = Enterprise.__table__
    frame = pd.DataFrame({c.name: ["x", "y"] for c in table.columns})
    frame["source_row"] = values
    frame["credit_blacklisted"] = [True, False]
    frame["park_entry_on"] = pd.to_datetime([None, None])
    frame["registered_on"] = pd.to_datetime(["2020-01-02", None])
    assert (as_read(table, frame) is not None) == held
    frame["registered_on"] = pd.to_datetime(["2020-01-02 08:00", None])  # a time of day is not kept
    assert as_read(table, frame) is None
    frame["registered_on"] = pd.to_datetime(["2020-01-02", None])
    frame["name"] = [1, "y"]  # a number in a text column would come back as text
    assert as_read(table, frame) is None
