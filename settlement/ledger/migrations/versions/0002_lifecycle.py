"""lifecycle: objections applied by a final run; what earlier final runs paid on a line

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settlement_runs") as batch:
        batch.add_column(sa.Column("objections", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("award_lines") as batch:
        batch.add_column(sa.Column("previously_paid", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("remark", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("award_lines") as batch:
        batch.drop_column("remark")
        batch.drop_column("previously_paid")
    with op.batch_alter_table("settlement_runs") as batch:
        batch.drop_column("objections")
