"""the statistics' year index dropped: every read of the statistics takes most of the table (the
years up to the settlement year, or the years of a load), which a scan reads as fast, and keeping
the index up to date was a tenth of loading a province's statistics

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("annual_stats") as batch:
        batch.drop_index("ix_annual_stats_year")


def downgrade() -> None:
    with op.batch_alter_table("annual_stats") as batch:
        batch.create_index("ix_annual_stats_year", ["year"], unique=False)
