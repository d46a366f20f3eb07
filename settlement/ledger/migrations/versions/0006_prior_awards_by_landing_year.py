"""prior awards kept per landing year: the year's folder is the truth for the awards paid before
the ledger that year's settlement counts (a corrected prior_awards file replaces that year's
rows; another year's folder never changes them)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEY = ["landing_year", "uscc", "year", "policy_id", "clause_id", "subject_uscc"]
OLD_KEY = KEY[1:]
COLUMNS = [
    "uscc",
    "year",
    "policy_id",
    "clause_id",
    "subject_uscc",
    "amount",
    "source_file",
    "source_row",
    "extra",
]


def _rebuild(key: list[str], with_landing_year: bool) -> None:
    """SQLite cannot change a primary key in place: copy into a new table (rows of an older
    ledger get landing year 0, which no settlement reads; the next run of a year loads its
    folder's file again)."""
    columns = [
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("clause_id", sa.String(16), nullable=False),
        sa.Column("subject_uscc", sa.String(18), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("source_file", sa.String(200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
    ]
    if with_landing_year:
        columns.append(sa.Column("landing_year", sa.Integer(), nullable=False, server_default="0"))
    op.create_table("prior_awards_rebuilt", *columns, sa.PrimaryKeyConstraint(*key))
    names = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO prior_awards_rebuilt ({names}) SELECT {names} FROM prior_awards")
    op.drop_table("prior_awards")
    op.rename_table("prior_awards_rebuilt", "prior_awards")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(
            "prior_awards", sa.Column("landing_year", sa.Integer(), nullable=False, server_default="0")
        )
        op.drop_constraint("prior_awards_pkey", "prior_awards", type_="primary")
        op.create_primary_key("prior_awards_pkey", "prior_awards", KEY)
    else:
        _rebuild(KEY, True)


def downgrade() -> None:
    op.execute("DELETE FROM prior_awards WHERE landing_year <> (SELECT MAX(landing_year) FROM prior_awards)")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("prior_awards_pkey", "prior_awards", type_="primary")
        op.drop_column("prior_awards", "landing_year")
        op.create_primary_key("prior_awards_pkey", "prior_awards", OLD_KEY)
    else:
        _rebuild(OLD_KEY, False)
