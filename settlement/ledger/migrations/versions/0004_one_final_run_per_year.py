"""one final run per year, enforced by the database (a partial unique index)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FINAL = sa.text("status = 'final'")


def upgrade() -> None:
    op.create_index(
        "uq_one_final_run_per_year",
        "settlement_runs",
        ["year"],
        unique=True,
        sqlite_where=FINAL,
        postgresql_where=FINAL,
    )


def downgrade() -> None:
    op.drop_index("uq_one_final_run_per_year", table_name="settlement_runs")
