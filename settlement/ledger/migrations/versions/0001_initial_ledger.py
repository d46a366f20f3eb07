"""initial ledger

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:50:14.090407
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annual_stats",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("online_retail", sa.BigInteger(), nullable=True),
        sa.Column("retail_sales", sa.BigInteger(), nullable=True),
        sa.Column("wholesale_sales", sa.BigInteger(), nullable=True),
        sa.Column("operating_revenue", sa.BigInteger(), nullable=True),
        sa.Column("online_sales", sa.BigInteger(), nullable=True),
        sa.Column("crossborder_exports", sa.BigInteger(), nullable=True),
        sa.Column("independent_site_sales", sa.BigInteger(), nullable=True),
        sa.Column("retail_growth", sa.BigInteger(), nullable=True),
        sa.Column("online_retail_growth", sa.BigInteger(), nullable=True),
        sa.Column("local_contribution", sa.BigInteger(), nullable=True),
        sa.Column("limit_above", sa.Boolean(), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uscc", "year"),
    )
    with op.batch_alter_table("annual_stats", schema=None) as batch_op:
        batch_op.create_index("ix_annual_stats_year", ["year"], unique=False)

    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("clause_id", sa.String(length=16), nullable=False),
        sa.Column("base_amount", sa.BigInteger(), nullable=True),
        sa.Column("approved_amount", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_uscc"), ["uscc"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_year"), ["year"], unique=False)

    op.create_table(
        "budgets",
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("policy_id", "year"),
    )
    op.create_table(
        "enterprises",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("park_id", sa.String(length=50), nullable=False),
        sa.Column("park_entry_on", sa.Date(), nullable=True),
        sa.Column("credit_blacklisted", sa.Boolean(), nullable=False),
        sa.Column("bank_name", sa.String(length=200), nullable=False),
        sa.Column("bank_account", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uscc"),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_region_code"), ["region_code"], unique=False)

    op.create_table(
        "fx_rates",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("usd_cny", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "parks",
        sa.Column("park_id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator_uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("building_area_m2", sa.BigInteger(), nullable=True),
        sa.Column("occupancy_rate", sa.BigInteger(), nullable=True),
        sa.Column("online_shops", sa.Integer(), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("park_id"),
    )
    op.create_table(
        "prior_awards",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("clause_id", sa.String(length=16), nullable=False),
        sa.Column("subject_uscc", sa.String(length=18), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uscc", "year", "policy_id", "clause_id", "subject_uscc"),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=200), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_year"), ["year"], unique=False)

    op.create_table(
        "settlement_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_uid", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("input_sha256", sa.Text(), nullable=False),
        sa.Column("policy_sha256", sa.Text(), nullable=False),
        sa.Column("code_version", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timings", sa.Text(), nullable=False),
        sa.Column("load_changes", sa.Text(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("publicity_start", sa.Date(), nullable=True),
        sa.Column("publicity_deadline", sa.Date(), nullable=True),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supersedes_run_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supersedes_run_id"],
            ["settlement_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_uid"),
    )
    with op.batch_alter_table("settlement_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settlement_runs_year"), ["year"], unique=False)

    op.create_table(
        "award_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("payee_uscc", sa.String(length=18), nullable=False),
        sa.Column("subject_uscc", sa.String(length=18), nullable=False),
        sa.Column("park_id", sa.String(length=50), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("clause_id", sa.String(length=16), nullable=False),
        sa.Column("matter", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("standard_amount", sa.BigInteger(), nullable=False),
        sa.Column("capped_amount", sa.BigInteger(), nullable=False),
        sa.Column("scale_factor", sa.String(length=40), nullable=False),
        sa.Column("final_amount", sa.BigInteger(), nullable=False),
        sa.Column("city_share", sa.BigInteger(), nullable=False),
        sa.Column("district_share", sa.BigInteger(), nullable=False),
        sa.Column("application_ids", sa.Text(), nullable=False),
        sa.Column("superseded_by", sa.String(length=160), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("trace", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["settlement_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "line_no", name="uq_award_line_no"),
        sa.UniqueConstraint(
            "run_id", "payee_uscc", "policy_id", "clause_id", "subject_uscc", "park_id", name="uq_award_line"
        ),
    )
    with op.batch_alter_table("award_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_lines_payee_uscc"), ["payee_uscc"], unique=False)
        batch_op.create_index(batch_op.f("ix_award_lines_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("award_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_lines_run_id"))
        batch_op.drop_index(batch_op.f("ix_award_lines_payee_uscc"))

    op.drop_table("award_lines")
    with op.batch_alter_table("settlement_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_runs_year"))

    op.drop_table("settlement_runs")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_year"))

    op.drop_table("quarantine")
    op.drop_table("prior_awards")
    op.drop_table("parks")
    op.drop_table("fx_rates")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_region_code"))

    op.drop_table("enterprises")
    op.drop_table("budgets")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_year"))
        batch_op.drop_index(batch_op.f("ix_applications_uscc"))

    op.drop_table("applications")
    with op.batch_alter_table("annual_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_annual_stats_year")

    op.drop_table("annual_stats")
