"""The stages of a settlement run, in order. The CLI and the Airflow DAGs call these same
functions: ingest -> validate -> load -> compute -> allocate -> publish."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .allocation import Allocation, allocate
from .engine.evaluate import evaluate_year
from .engine.facts import FactError
from .ingest import Landing, LandingError, read_landing
from .ledger import store
from .policies import Catalog
from .publish import fixed_time
from .reports.audit import AuditBook, write_audit
from .reports.manifest import policy_totals
from .reports.validation import validation_data, write_validation_json
from .validation import ValidationResult, validate_landing


class InputError(Exception):
    """The input cannot be settled (exit status 2); the message names file, row or column."""

    def __init__(self, message: str, report: Path | None = None):
        super().__init__(message)
        self.report = report


class RunRefused(Exception):
    """The run may not proceed (exit status 1): the year is final, or another run holds it."""


@dataclass
class RunResult:
    year: int
    run_uid: str
    run_id: int
    out_dir: Path
    lines: pd.DataFrame
    scale_factors: dict
    totals: dict
    quarantined: dict[str, int]
    warnings: int
    load_changes: dict
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    missing_accounts: pd.DataFrame | None = None  # paid payees without an account to pay to


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def ingest(year: int, landing_root: Path) -> Landing:
    try:
        return read_landing(Path(landing_root), year)
    except LandingError as exc:
        raise InputError(str(exc)) from None


def data_docs_wanted() -> bool:
    """The Data Docs site is built unless SETTLEMENT_DATA_DOCS=0 (it takes a few seconds)."""
    return os.environ.get("SETTLEMENT_DATA_DOCS", "1") != "0"


def validate(landing: Landing, catalog: Catalog, out_dir: Path, data_docs: bool | None = None) -> tuple[ValidationResult, Path]:
    """All checks, then the report: validation_Y.xlsx and .json, and the Data Docs site."""
    out_dir = Path(out_dir)
    data_docs = data_docs_wanted() if data_docs is None else data_docs
    docs = out_dir / "data_docs" if data_docs else None
    if docs is not None and docs.exists():
        shutil.rmtree(docs)  # the site shows this validation only
    result = validate_landing(landing, catalog, docs_dir=docs)
    result.summary = validation_data(result, landing.hashes, {name: t.file_name for name, t in landing.tables.items()})
    write_validation_json(out_dir / f"validation_{landing.year}.json", result.summary)
    report = out_dir / f"validation_{landing.year}.xlsx"
    write_audit(report, AuditBook(result.summary, catalog), fixed_time(landing.year))
    return result, report


def run_uid_for(year: int, inputs: dict[str, str], policies: dict[str, str]) -> str:
    digest = hashlib.sha256(json.dumps({"inputs": inputs, "policies": policies, "code": __version__}, sort_keys=True).encode()).hexdigest()
    return f"{year}-{digest[:16]}"


def decorate(lines: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Add the payee's name and township (for the lists)."""
    info = enterprises.set_index("uscc")
    lines = lines.copy()
    lines["uscc"] = lines["payee_uscc"]
    if "previously_paid" not in lines:
        lines["previously_paid"] = 0
    lines["name"] = lines["payee_uscc"].map(info["name"]).fillna("")
    lines["township"] = lines["payee_uscc"].map(info["township"]).fillna("")
    return lines


@dataclass
class Computed:
    """A year computed from the landing folder, inside the ledger transaction that loaded it."""

    year: int
    landing: Landing
    validation: ValidationResult
    report: Path
    catalog: Catalog
    lines: pd.DataFrame
    scale_factors: dict
    totals: dict
    load_changes: dict
    enterprises: pd.DataFrame
    timings: dict[str, float]
    run_uid: str = ""

    @property
    def quarantined(self) -> int:
        return int(sum(self.validation.quarantined_rows.values()))


def compute(conn, year: int, landing_root: Path, out_root: Path, catalog: Catalog, progress: Progress = _noop) -> Computed:
    """ingest → validate → load → compute → allocate, on an open ledger connection (input that
    cannot be settled: its report goes to out/<year>/rejected/, see settlement.outputs)."""
    from .stages import validated

    timings: dict[str, float] = {}
    t = time.perf_counter()
    progress("读取、校验数据")
    landing, result, report, run_uid = validated(year, landing_root, out_root, catalog)
    timings["validate"] = time.perf_counter() - t

    files = {name: t.file_name for name, t in landing.tables.items()}
    t = time.perf_counter()
    progress("写入台账")
    changes = store.load_clean(conn, year, result.clean, files, result.problems, landing.hashes)
    result.summary["ledger_rows"] = store.rows_from_files(conn, year, files)
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    progress("计算各条款")
    ctx = store.read_context(conn, year, catalog)
    try:
        lines = evaluate_year(ctx)
    except FactError as exc:
        raise InputError(str(exc), report) from None
    timings["compute"] = time.perf_counter() - t

    t = time.perf_counter()
    progress("封顶、就高不重复、预算下调、资金分担")
    allocation: Allocation = allocate(lines, ctx)
    final_lines = decorate(allocation.lines, ctx.enterprises)
    timings["allocate"] = time.perf_counter() - t
    return Computed(year, landing, result, report, catalog, final_lines, allocation.scale_factors, policy_totals(final_lines), changes, ctx.enterprises, timings,
                    run_uid)


def run(year: int, landing_root: Path, out_root: Path, db_url: str | None = None, progress: Progress = _noop,
        replace_reason: str | None = None) -> RunResult:
    """Settle ``year`` as a draft: the stages of :mod:`settlement.stages` in a row (the Airflow
    DAG runs the same functions as separate tasks). ``replace_reason``: why a draft in publicity
    may be replaced by a settlement from other inputs."""

    from . import stages

    with stages.hold_year(year, db_url):
        return _run_stages(stages, year, landing_root, out_root, db_url, progress, replace_reason)


def _run_stages(stages, year, landing_root, out_root, db_url, progress, replace_reason=None) -> RunResult:
    from .outputs import rejecting

    t = time.perf_counter()
    progress("读取、校验并写入台账")
    loaded = stages.load_inputs(year, landing_root, out_root, db_url, replace_reason)
    load_time = time.perf_counter() - t
    with rejecting(out_root, year, loaded["run_uid"]):  # a later failure: its report to rejected/, the year's folder untouched
        return _settle_loaded(stages, year, landing_root, out_root, db_url, progress, loaded, load_time)


def _settle_loaded(stages, year, landing_root, out_root, db_url, progress, loaded, load_time) -> RunResult:

    timings: dict[str, float] = {"load": load_time}
    t = time.perf_counter()
    progress("计算各条款")
    computed = stages.compute_in_process(year, stages.policy_ids(), db_url)  # one read of the year; lines stay in memory
    timings["compute"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("封顶、就高不重复、预算下调、资金分担")
    allocated = stages.allocate_year(year, [], landing_root, db_url, loaded, computed=computed)
    timings["allocate"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("写出文件")
    published = stages.publish_run(year, out_root, allocated["run_uid"], db_url)
    timings["publish"] = time.perf_counter() - t
    return RunResult(year, allocated["run_uid"], allocated["run_id"], Path(out_root) / str(year), published.lines, published.scale_factors,
                     published.totals, published.quarantined, published.warnings, loaded["load_changes"], published.outputs, timings,
                     published.missing_accounts)
