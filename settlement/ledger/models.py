"""The ledger's tables (SQLAlchemy 2.x). Money columns are BIGINT fen; ratios BIGINT nano-units
(x 10^9); quantities and areas BIGINT micro-units (x 10^6). The DDL reference is
``sql/ledger.sql``; the schema is created and changed only through Alembic migrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class _Source:
    """Where a row came from: the landing file and its row number, and other columns kept as-is."""

    source_file: Mapped[str] = mapped_column(String(200), default="")
    source_row: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[str] = mapped_column(Text, default="")


class Enterprise(_Source, Base):
    __tablename__ = "enterprises"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township: Mapped[str] = mapped_column(String(100), default="")
    registered_on: Mapped[date | None] = mapped_column(Date)
    park_id: Mapped[str] = mapped_column(String(50), default="")
    park_entry_on: Mapped[date | None] = mapped_column(Date)
    credit_blacklisted: Mapped[bool] = mapped_column(Boolean, default=False)
    bank_name: Mapped[str] = mapped_column(String(200), default="")
    bank_account: Mapped[str] = mapped_column(String(64), default="")
    account_name: Mapped[str] = mapped_column(String(200), default="")  # 户名; blank: the enterprise's name
    bank_code: Mapped[str] = mapped_column(String(32), default="")  # 联行号 (CNAPS, 12 digits)


class AnnualStat(_Source, Base):
    __tablename__ = "annual_stats"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    online_retail: Mapped[int | None] = mapped_column(BigInteger)
    retail_sales: Mapped[int | None] = mapped_column(BigInteger)
    wholesale_sales: Mapped[int | None] = mapped_column(BigInteger)
    operating_revenue: Mapped[int | None] = mapped_column(BigInteger)
    online_sales: Mapped[int | None] = mapped_column(BigInteger)
    crossborder_exports: Mapped[int | None] = mapped_column(BigInteger)
    independent_site_sales: Mapped[int | None] = mapped_column(BigInteger)
    retail_growth: Mapped[int | None] = mapped_column(BigInteger)  # nano-units
    online_retail_growth: Mapped[int | None] = mapped_column(BigInteger)  # nano-units
    local_contribution: Mapped[int | None] = mapped_column(BigInteger)
    limit_above: Mapped[bool] = mapped_column(Boolean, default=False)
    # no index on year: every read takes most of the table, which a scan reads as fast (0009)


class Application(_Source, Base):
    __tablename__ = "applications"
    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    policy_id: Mapped[str] = mapped_column(String(64))
    clause_id: Mapped[str] = mapped_column(String(16))
    base_amount: Mapped[int | None] = mapped_column(BigInteger)
    approved_amount: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[int | None] = mapped_column(BigInteger)  # micro-units
    months: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))


class Park(_Source, Base):
    __tablename__ = "parks"
    park_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    operator_uscc: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(16))
    building_area_m2: Mapped[int | None] = mapped_column(BigInteger)  # micro-units
    occupancy_rate: Mapped[int | None] = mapped_column(BigInteger)  # nano-units
    online_shops: Mapped[int | None] = mapped_column(Integer)
    established_on: Mapped[date | None] = mapped_column(Date)


class FxRate(_Source, Base):
    __tablename__ = "fx_rates"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    usd_cny: Mapped[int] = mapped_column(BigInteger)  # nano-units
    source: Mapped[str] = mapped_column(String(200), default="")


class Budget(_Source, Base):
    __tablename__ = "budgets"
    policy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget: Mapped[int] = mapped_column(BigInteger)


class PriorAward(_Source, Base):
    __tablename__ = "prior_awards"
    # the landing folder whose prior_awards file gave the row: a year's settlement counts only
    # its own folder's rows (its files are the truth for its rows)
    landing_year: Mapped[int] = mapped_column(Integer, primary_key=True, server_default="0")
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    clause_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_uscc: Mapped[str] = mapped_column(String(18), primary_key=True, default="")
    amount: Mapped[int] = mapped_column(BigInteger)


class SettlementRun(Base):
    __tablename__ = "settlement_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_uid: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="draft")  # draft | correction
    status: Mapped[str] = mapped_column(
        String(16)
    )  # running | draft | publicity | final | superseded | failed
    input_sha256: Mapped[str] = mapped_column(Text, default="{}")  # JSON: file -> SHA-256
    policy_sha256: Mapped[str] = mapped_column(Text, default="{}")  # JSON: file -> SHA-256
    code_version: Mapped[str] = mapped_column(String(40), default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    timings: Mapped[str] = mapped_column(Text, default="{}")  # JSON: stage -> seconds
    load_changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON: table -> counts
    totals: Mapped[str] = mapped_column(Text, default="{}")  # JSON: per policy
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_deadline: Mapped[date | None] = mapped_column(Date)
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supersedes_run_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_runs.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    objections: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the objection outcomes applied
    scale_factors: Mapped[str] = mapped_column(Text, default="{}")  # JSON: per policy, as in the manifest
    validation: Mapped[str] = mapped_column(
        Text, default="{}"
    )  # JSON: the checks, warnings and row counts of the run's inputs
    # the last ledger event when a draft was computed (None: before events were kept)
    ledger_state: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the settings (settlement.yaml) the run's files were last written with, as a SHA-256
    settings_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)  # of its files
    __table_args__ = (
        # nothing is paid twice: a year has at most one final run (a correction supersedes it)
        Index(
            "uq_one_final_run_per_year",
            "year",
            unique=True,
            sqlite_where=text("status = 'final'"),
            postgresql_where=text("status = 'final'"),
        ),
    )


class LedgerEvent(Base):
    """A change of the ledger a year's awards may depend on: a load that changed rows, a final or
    correction run (what earlier years paid)."""

    __tablename__ = "ledger_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AwardLine(Base):
    __tablename__ = "award_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("settlement_runs.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200), default="")
    payee_uscc: Mapped[str] = mapped_column(String(18), index=True)
    subject_uscc: Mapped[str] = mapped_column(String(18))
    park_id: Mapped[str] = mapped_column(String(50), default="")
    policy_id: Mapped[str] = mapped_column(String(64))
    clause_id: Mapped[str] = mapped_column(String(16))
    matter: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16))  # paid | superseded | excluded | zero
    standard_amount: Mapped[int] = mapped_column(BigInteger)
    capped_amount: Mapped[int] = mapped_column(BigInteger)
    scale_factor: Mapped[str] = mapped_column(String(40), default="1")
    final_amount: Mapped[int] = mapped_column(BigInteger)
    city_share: Mapped[int] = mapped_column(BigInteger)
    district_share: Mapped[int] = mapped_column(BigInteger)
    application_ids: Mapped[str] = mapped_column(Text, default="")
    # for a correction run: what earlier final runs of the same year already paid on this line
    previously_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    superseded_by: Mapped[str] = mapped_column(String(160), default="")
    remark: Mapped[str] = mapped_column(Text, default="")  # short note for the publicity list (备注)
    explanation: Mapped[str] = mapped_column(Text, default="")
    trace: Mapped[str] = mapped_column(Text, default="{}")
    __table_args__ = (
        UniqueConstraint(
            "run_id", "payee_uscc", "policy_id", "clause_id", "subject_uscc", "park_id", name="uq_award_line"
        ),
        UniqueConstraint("run_id", "line_no", name="uq_award_line_no"),
    )


class QuarantinedRow(Base):
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    file: Mapped[str] = mapped_column(String(200))
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")


class Download(Base):
    """A download of a file with bank data (disbursement list, bank transfer files) from the
    results page in Airflow: who, when, which file and its SHA-256 at that moment."""

    __tablename__ = "downloads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    file: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    user: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
