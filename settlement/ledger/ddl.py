"""The DDL reference (``sql/ledger.sql``), generated from the models for PostgreSQL.

``python -m settlement.ledger.ddl > sql/ledger.sql`` refreshes it; a test checks it is current.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from .models import Base


def ddl() -> str:
    dialect = postgresql.dialect()
    parts = [
        "-- Ledger schema (PostgreSQL). Generated from settlement/ledger/models.py; do not edit.",
        "-- Money: BIGINT fen. Ratios: BIGINT nano-units (x 10^9). Quantities: BIGINT micro-units (x 10^6).",
        "",
    ]
    for table in Base.metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        for index in sorted(table.indexes, key=lambda i: i.name):
            parts.append(str(CreateIndex(index).compile(dialect=dialect)).strip() + ";")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(ddl(), end="")
