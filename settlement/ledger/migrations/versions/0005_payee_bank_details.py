"""payee bank details for batch transfers: the account's holder name (户名) and the branch's
CNAPS code (联行号); the run's validation summary, for the audit workbook written at
publicity and finalization

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        batch.add_column(sa.Column("account_name", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("bank_code", sa.String(32), nullable=False, server_default=""))
    with op.batch_alter_table("settlement_runs") as batch:
        batch.add_column(sa.Column("validation", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("settlement_runs") as batch:
        batch.drop_column("validation")
    with op.batch_alter_table("enterprises") as batch:
        batch.drop_column("bank_code")
        batch.drop_column("account_name")
