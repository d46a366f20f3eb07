"""ledger events (every load that changed rows, every final or correction run), the last event a
draft run was computed after, and the settings and manifest its files were written with: a
re-run on the same inputs and settings with no event since, its files as written, reuses the run

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("settlement_runs") as batch:
        batch.add_column(sa.Column("ledger_state", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("settings_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("manifest_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("settlement_runs") as batch:
        batch.drop_column("manifest_sha256")
        batch.drop_column("settings_sha256")
        batch.drop_column("ledger_state")
    op.drop_table("ledger_events")
