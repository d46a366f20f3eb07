from pathlib import Path

from settlement.ledger.ddl import ddl


def test_ddl_reference_is_current():
    path = Path(__file__).parents[1] / "sql" / "ledger.sql"
    assert path.read_text(encoding="utf-8") == ddl(), (
        "refresh with: python -m settlement.ledger.ddl > sql/ledger.sql"
    )
