"""Row-level checks: each kind of error gives its exact quarantine reason, and the other rows
are still usable."""

from settlement.ingest import read_landing
from settlement.validation import validate_landing

from landing_helpers import ENTERPRISES, STATS, A, B, C, csv_bytes, write_landing


def _validate(root, catalog, year=2025):
    return validate_landing(read_landing(root, year), catalog)


def _reasons(result):
    return set(
        zip(
            result.problems["file"],
            result.problems["row"],
            result.problems["column"],
            result.problems["reason"],
            strict=True,
        )
    )


def test_clean_landing_has_no_problems(tmp_path, catalog):
    write_landing(tmp_path)
    result = _validate(tmp_path, catalog)
    assert result.ok and result.problems.empty
    assert len(result.clean["annual_stats"]) == 4


def test_duplicate_keys_quarantine_every_copy(tmp_path, catalog):
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", STATS + [STATS[2]]))
    result = _validate(tmp_path, catalog)
    assert {
        ("annual_stats.csv", 4, "uscc", "duplicate_key"),
        ("annual_stats.csv", 6, "uscc", "duplicate_key"),
    } <= _reasons(result)
    assert len(result.clean["annual_stats"]) == 3


def test_a_doubled_row_of_last_year_is_quarantined_not_a_crash(tmp_path, catalog):
    """A's 2024 row given twice: the year-on-year checks of A's 2025 row have no one row for
    last year. Both copies are quarantined with the reason; before, the run stopped on an
    internal error (the prior-year join grew by the duplicate)."""
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", STATS + [STATS[0]]))
    result = _validate(tmp_path, catalog)
    assert {
        ("annual_stats.csv", 2, "uscc", "duplicate_key"),
        ("annual_stats.csv", 6, "uscc", "duplicate_key"),
    } <= _reasons(result)
    clean = result.clean["annual_stats"]
    assert len(clean) == 3 and (A, 2025) in set(zip(clean["uscc"], clean["year"], strict=True))


def test_online_retail_above_retail_sales(tmp_path, catalog):
    rows = [STATS[0], STATS[1], dict(STATS[2], online_retail="5000.01"), STATS[3]]
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", rows))
    result = _validate(tmp_path, catalog)
    assert ("annual_stats.csv", 4, "online_retail", "online_gt_retail") in _reasons(result)
    assert B not in set(result.clean["annual_stats"]["uscc"])


def test_unknown_policy_and_clause(tmp_path, catalog):
    apps = [
        {
            "application_id": "X1",
            "uscc": A,
            "year": "2025",
            "policy_id": "cixi-2024-8",
            "clause_id": "9.1",
            "base_amount": "300000",
            "approved_amount": "",
            "quantity": "",
            "level": "",
            "status": "approved",
        },
        {
            "application_id": "X2",
            "uscc": A,
            "year": "2025",
            "policy_id": "nowhere-1",
            "clause_id": "1",
            "base_amount": "",
            "approved_amount": "",
            "quantity": "",
            "level": "",
            "status": "approved",
        },
        {
            "application_id": "X3",
            "uscc": A,
            "year": "2025",
            "policy_id": "cixi-2024-8",
            "clause_id": "99",
            "base_amount": "",
            "approved_amount": "",
            "quantity": "",
            "level": "",
            "status": "approved",
        },
    ]
    write_landing(tmp_path, applications__csv=csv_bytes("applications", apps))
    result = _validate(tmp_path, catalog)
    assert {
        ("applications.csv", 3, "policy_id", "unknown_policy"),
        ("applications.csv", 4, "clause_id", "unknown_clause"),
    } <= _reasons(result)
    assert list(result.clean["applications"]["application_id"]) == ["X1"]


def test_settlement_year_missing_blocks(tmp_path, catalog):
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", [STATS[0]]))
    result = _validate(tmp_path, catalog)
    assert not result.ok
    assert "2025" in result.blocking[0] and "annual_stats.csv" in result.blocking[0]


def test_park_operator_must_be_an_enterprise(tmp_path, catalog):
    parks = [
        {
            "park_id": "P1",
            "name": "园区",
            "operator_uscc": C[:-1] + ("0" if C[-1] != "0" else "1"),
            "kind": "电商",
            "building_area_m2": "8000",
            "occupancy_rate": "0.7",
            "established_on": "2025-03-01",
        }
    ]
    ents = [dict(ENTERPRISES[0], park_id="P1"), ENTERPRISES[1], ENTERPRISES[2]]
    write_landing(
        tmp_path, parks__csv=csv_bytes("parks", parks), enterprises__csv=csv_bytes("enterprises", ents)
    )
    result = _validate(tmp_path, catalog)
    reasons = _reasons(result)
    assert ("parks.csv", 2, "operator_uscc", "bad_uscc") in reasons
    # the member enterprise refers to a quarantined park: quarantined too, and so are its stats
    assert ("enterprises.csv", 2, "park_id", "quarantined_park") in reasons
    assert A not in set(result.clean["annual_stats"]["uscc"])


def test_a_row_without_a_year_is_not_compared_with_last_year(tmp_path, catalog):
    """A row whose year is blank has no year before it: it is quarantined for the blank and
    never compared with itself (before, its reported growth was checked against its own
    figures, a warning about nothing)."""
    blank_year = dict(STATS[1], year="", online_retail_growth="50%")
    write_landing(tmp_path, annual_stats__csv=csv_bytes("annual_stats", [*STATS, blank_year]))
    result = _validate(tmp_path, catalog)
    assert ("annual_stats.csv", 6, "year", "blank") in _reasons(result)
    assert 6 not in set(result.warnings.loc[result.warnings["file"] == "annual_stats.csv", "row"])
