"""Ledger: migration, idempotent loading, corrections by natural key (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select

from settlement.ingest import read_landing
from settlement.ledger import make_engine, migrate
from settlement.ledger.models import AnnualStat, Enterprise, QuarantinedRow
from settlement.ledger.store import load_clean
from settlement.validation import validate_landing

from landing_helpers import ENTERPRISES, STATS, csv_bytes, write_landing


def _load(root, url, catalog, year=2025):
    landing = read_landing(root, year)
    result = validate_landing(landing, catalog)
    engine = make_engine(url)
    migrate(engine)
    files = {n: t.file_name for n, t in landing.tables.items()}
    with engine.begin() as conn:
        changes = load_clean(conn, year, result.clean, files, result.problems, landing.hashes)
    return engine, changes


def _count(engine, model):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_migrate_twice_is_harmless(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    assert _count(engine, Enterprise) == 0


def test_loading_twice_changes_nothing(db_url, tmp_path, catalog):
    write_landing(tmp_path)
    engine, first = _load(tmp_path, db_url, catalog)
    assert first["enterprises"] == {"inserted": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert first["annual_stats"]["inserted"] == 4
    _, second = _load(tmp_path, db_url, catalog)
    for table, counts in second.items():
        assert counts["inserted"] == counts["updated"] == counts["deleted"] == 0, table
    assert _count(engine, Enterprise) == 3
    assert _count(engine, AnnualStat) == 4


def test_corrected_file_replaces_the_years_rows(db_url, tmp_path, catalog):
    write_landing(tmp_path)
    engine, _ = _load(tmp_path, db_url, catalog)
    corrected = [dict(STATS[0]), dict(STATS[1], online_retail="61,000,000.00"), dict(STATS[2])]  # row C gone
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", corrected))
    _, changes = _load(tmp_path, db_url, catalog)
    assert changes["annual_stats"] == {"inserted": 0, "updated": 1, "deleted": 1, "unchanged": 2}
    with engine.connect() as conn:
        value = conn.execute(
            select(AnnualStat.online_retail).where(
                AnnualStat.year == 2025, AnnualStat.uscc == STATS[1]["uscc"]
            )
        ).scalar_one()
    assert value == 6_100_000_000
    assert _count(engine, AnnualStat) == 3


def test_history_of_other_years_is_not_deleted(db_url, tmp_path, catalog):
    write_landing(tmp_path)
    engine, _ = _load(tmp_path, db_url, catalog)
    only_2025 = [s for s in STATS if s["year"] == "2025"]
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", only_2025))
    _, changes = _load(tmp_path, db_url, catalog)
    assert changes["annual_stats"]["deleted"] == 0
    assert _count(engine, AnnualStat) == 4  # the 2024 row stays


def test_quarantine_is_stored_with_reasons(db_url, tmp_path, catalog):
    bad = [
        dict(ENTERPRISES[0]),
        dict(ENTERPRISES[1], uscc=ENTERPRISES[1]["uscc"][:-1] + "0"),
        dict(ENTERPRISES[2]),
    ]
    write_landing(tmp_path, enterprises__csv=csv_bytes("enterprises", bad))
    engine, changes = _load(tmp_path, db_url, catalog)
    assert changes["enterprises"]["inserted"] == 2
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                QuarantinedRow.file, QuarantinedRow.row, QuarantinedRow.column, QuarantinedRow.reason
            ).order_by(QuarantinedRow.file, QuarantinedRow.row)
        ).all()
    assert ("enterprises.csv", 3, "uscc", "bad_uscc") in [tuple(r) for r in rows]
    # the stats row that names the old (valid) code now refers to no enterprise: quarantined too
    assert ("annual_stats.csv", 4, "uscc", "unknown_enterprise") in [tuple(r) for r in rows]
    assert _count(engine, AnnualStat) == 3


@pytest.mark.parametrize("year", [2025])
def test_money_round_trips_exactly(db_url, tmp_path, catalog, year):
    big = [dict(STATS[1], operating_revenue="999,999,999,999,999.99")]  # just under 10^15 元
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", big + [STATS[2], STATS[3]]))
    engine, _ = _load(tmp_path, db_url, catalog)
    with engine.connect() as conn:
        value = conn.execute(
            select(AnnualStat.operating_revenue).where(AnnualStat.uscc == STATS[1]["uscc"])
        ).scalar_one()
    assert value == 99_999_999_999_999_999


def test_loading_in_parts_gives_the_same_rows(db_url, tmp_path, catalog, monkeypatch):
    """The rows go to the database a part at a time (the memory of a province's load); parts of
    two rows must give the very rows one part gives, dates, flags and blanks included."""
    from settlement.ledger import load
    from settlement.ledger.read import read_table

    write_landing(tmp_path)
    engine, _ = _load(tmp_path, db_url, catalog)
    with engine.connect() as conn:
        whole = {
            m: read_table(conn, m, order_by=keys)
            for m, keys in ((Enterprise, ("uscc",)), (AnnualStat, ("uscc", "year")))
        }
    with engine.begin() as conn:
        conn.execute(AnnualStat.__table__.delete())
        conn.execute(Enterprise.__table__.delete())
    monkeypatch.setattr(load, "INSERT_PART", 2)
    _load(tmp_path, db_url, catalog)
    with engine.connect() as conn:
        for model, frame in whole.items():
            keys = ("uscc",) if model is Enterprise else ("uscc", "year")
            again = read_table(conn, model, order_by=keys)
            assert len(again) > 2
            assert again.equals(frame), model.__tablename__


def test_big_tables_are_stored_in_key_order(db_url, tmp_path, catalog):
    """Enterprises and statistics are inserted in key order whatever the file's order, so the
    year's context reads them back sorted; a table that is not in order is still sorted on read."""
    import pandas as pd
    from sqlalchemy import text

    from settlement.ledger.read import _sorted, read_table

    write_landing(
        tmp_path,
        enterprises__csv=csv_bytes("enterprises", ENTERPRISES[::-1]),
        annual_stats__csv=csv_bytes("annual_stats", STATS[::-1]),
    )
    engine, _ = _load(tmp_path, db_url, catalog)
    with engine.connect() as conn:
        # storage order (a column outside the key index, so that SQLite scans the table itself)
        stored = [r[:2] for r in conn.execute(text("SELECT uscc, year, extra FROM annual_stats")).all()]
        assert [tuple(r) for r in stored] == sorted(tuple(r) for r in stored)
        stats = read_table(conn, AnnualStat, order_by=("uscc", "year"))
    assert list(zip(stats["uscc"], stats["year"], strict=True)) == sorted(tuple(r) for r in stored)
    with engine.begin() as conn:  # a row out of order: read_table sorts it into place
        conn.execute(
            text("DELETE FROM annual_stats WHERE uscc = :u AND year = 2025"), {"u": STATS[0]["uscc"]}
        )
    _, changes = _load(tmp_path, db_url, catalog)  # the same files: only that row comes back, last
    assert changes["annual_stats"]["inserted"] == 1 and changes["annual_stats"]["unchanged"] == 3
    with engine.connect() as conn:
        stored_now = [r[:2] for r in conn.execute(text("SELECT uscc, year, extra FROM annual_stats")).all()]
        assert stored_now != sorted(stored_now)
        again = read_table(conn, AnnualStat, order_by=("uscc", "year"))
    assert list(zip(again["uscc"], again["year"], strict=True)) == sorted(tuple(r) for r in stored)

    frame = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": pd.array([1, 2, 1, 1], dtype="Int64")})
    assert _sorted(frame, ["a", "b"])
    assert not _sorted(frame.iloc[[1, 0, 2, 3]], ["a", "b"])
    assert not _sorted(frame.iloc[[2, 0, 1, 3]], ["a", "b"])
    assert not _sorted(frame.assign(b=pd.array([1, None, 2, 3], dtype="Int64")), ["a", "b"])
    assert _sorted(frame.iloc[:1], ["a", "b"])


@pytest.mark.parametrize("per_query", [1, 5000])
def test_the_trace_reads_the_statistics_rows_of_the_enterprises_its_lines_name(
    db_url, tmp_path, catalog, monkeypatch, per_query
):
    """The audit trace reads the statistics rows of the payees, subjects and park members its
    lines name, by key (on PostgreSQL as one array of codes, elsewhere in queries of codes),
    and gets the same rows as reading every row and keeping theirs."""
    import pandas as pd

    from settlement.ledger import read
    from settlement.reports.lineage import read_sources

    from landing_helpers import A, B, C

    write_landing(tmp_path)
    engine, _ = _load(tmp_path, db_url, catalog)
    monkeypatch.setattr(read, "KEYS_PER_QUERY", per_query)
    lines = pd.DataFrame({"payee_uscc": [A, A], "subject_uscc": ["", B], "park_id": ["", ""]})
    with engine.connect() as conn:
        every = read_sources(conn, 2025)["stats"]
        traced = read_sources(conn, 2025, lines)["stats"]
    key = ["uscc", "year"]
    expected = every[every["uscc"].isin([A, B])].sort_values(key, ignore_index=True)
    assert len(expected) and C not in set(traced["uscc"])
    pd.testing.assert_frame_equal(traced.sort_values(key, ignore_index=True), expected)
