"""The first stage: read the year's landing folder, validate it, and load its clean rows into
the ledger (once per run; ``settlement run``, ``settlement correct`` and the DAG's ``load``
task all come through here)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .. import __version__
from ..errors import InputError, RunRefused, validation_failed, year_is_final
from ..hashing import sha256_of
from ..ingest import Landing, LandingError, landing_files, read_landing
from ..ledger import make_engine, migrate, store
from ..ledger.locks import ledger_lock
from ..outputs import rejecting
from ..policies import Catalog, load_catalog
from ..publish import fixed_time
from ..reports.audit import AuditBook, write_audit
from ..reports.validation import validation_data, write_validation_json
from ..validation import ValidationResult, background, validate_landing
from .locking import locked


def ingest(year: int, landing_root: Path, on_table=None) -> Landing:
    try:
        return read_landing(Path(landing_root), year, on_table)
    except LandingError as exc:
        raise InputError(str(exc)) from None


def data_docs_wanted() -> bool:
    """The Data Docs site is built unless SETTLEMENT_DATA_DOCS=0 (it takes a few seconds)."""
    return os.environ.get("SETTLEMENT_DATA_DOCS", "1") != "0"


def validate(
    landing: Landing, catalog: Catalog, out_dir: Path, data_docs: bool | None = None
) -> tuple[ValidationResult, Path]:
    """All checks, then the report: validation_Y.xlsx and .json, and the Data Docs site."""
    out_dir = Path(out_dir)
    data_docs = data_docs_wanted() if data_docs is None else data_docs
    docs = out_dir / "data_docs" if data_docs else None
    if docs is not None and docs.exists():
        shutil.rmtree(docs)  # the site shows this validation only
    result = validate_landing(landing, catalog, docs_dir=docs)
    result.summary = validation_data(
        result, landing.hashes, {name: t.file_name for name, t in landing.tables.items()}
    )
    write_validation_json(out_dir / f"validation_{landing.year}.json", result.summary)
    report = out_dir / f"validation_{landing.year}.xlsx"
    write_audit(report, AuditBook(result.summary, catalog), fixed_time(landing.year))
    return result, report


def run_uid_for(year: int, inputs: dict[str, str], policies: dict[str, str]) -> str:
    digest = hashlib.sha256(
        json.dumps({"inputs": inputs, "policies": policies, "code": __version__}, sort_keys=True).encode()
    ).hexdigest()
    return f"{year}-{digest[:16]}"


def landing_hashes(year: int, landing_root: Path) -> dict[str, str]:
    """SHA-256 of every landing file of the year (what the run id is made from)."""
    folder = Path(landing_root) / str(year)
    return dict(sorted((path.name, sha256_of(path)) for path in landing_files(folder).values()))


def validated(year: int, landing_root: Path, out_root: Path, catalog=None):
    """Read and validate the year's folder into the run's staging folder (see settlement.outputs):
    (landing, result, report, run_uid). Input that cannot be settled raises InputError, its
    report moved to out/<year>/rejected/ and the year's folder untouched."""
    catalog = catalog or load_catalog()
    # a validating process started by the run validates each file as soon as it is read
    background.begin(year, [p.id for p in catalog.policies])
    with rejecting(out_root, year, "unread"):  # the folder's files cannot be read: no run yet
        landing = ingest(year, landing_root, on_table=background.offer)
    run_uid = run_uid_for(year, landing.hashes, catalog.sha256)
    with rejecting(out_root, year, run_uid) as staging:
        result, report = validate(landing, catalog, staging)
        if not result.ok:
            raise validation_failed(result.blocking, report)
    return landing, result, report, run_uid


def load_validated(
    conn, year: int, landing: Landing, result: ValidationResult, held: dict | None = None
) -> dict[str, dict]:
    """The validated clean rows into the ledger (by natural keys), on an open transaction.
    ``held``: filled with the large tables as the load left them (see store.load_clean)."""
    files = {name: t.file_name for name, t in landing.tables.items()}
    return store.load_clean(conn, year, result.clean, files, result.problems, landing.hashes, held)


@locked
def load_inputs(
    year: int,
    landing_root: Path,
    out_root: Path,
    db_url: str | None = None,
    replace_reason: str | None = None,
    hold: bool = False,
) -> dict:
    """Read, validate and load the year's clean rows into the ledger (by natural keys). A year in
    publicity is not settled again from other inputs unless the officer says why (``replace_reason``).
    ``hold``: the result's "held" has the large tables as the load left them, where known, for
    the year's context (``settlement run``, which computes in the same process)."""
    catalog = load_catalog()
    engine = make_engine(db_url)
    migrate(engine)
    landing, result, report, run_uid = validated(year, landing_root, out_root, catalog)
    with rejecting(out_root, year, run_uid), ledger_lock(engine, "load"), engine.begin() as conn:
        if store.final_run(conn, year) is not None:
            raise year_is_final(year)
        replaces = _publicized_replaced(conn, year, run_uid, replace_reason)
        held: dict = {}
        changes = load_validated(conn, year, landing, result, held if hold else None)
    return {
        "year": year,
        "inputs": landing.hashes,
        "load_changes": changes,
        "quarantined": result.quarantined_rows,
        "warnings": int(len(result.warnings)),
        "run_uid": run_uid,
        "replaces": replaces,
        **({"held": held} if hold else {}),
    }


def _publicized_replaced(conn, year: int, run_uid: str, reason: str | None) -> dict | None:
    """A draft in publicity is what the public has been shown: settling the year from other
    inputs replaces it only when the officer says so, with a reason that the ledger, the manifest
    and the new list record."""
    current = store.current_run(conn, year)
    if current is None or current.status != "publicity" or current.run_uid == run_uid:
        return None
    window = f"{current.publicity_start.isoformat()}至{current.publicity_deadline.isoformat()}"
    if not (reason or "").strip():
        raise RunRefused(
            f"{year}年的结算 {current.run_uid} "
            f"正在公示（{window}），本次输入与公示时不同，不能悄悄替换已公示的名单。"
            f'如确需按新数据重新结算并重新公示，请加 --replace-publicized --reason "理由"'
            f" 重新运行（理由记录在台账、manifest 和新名单上）。"
        )
    return {"run_uid": current.run_uid, "window": window, "reason": reason.strip()}


def replacement_note(replaces: dict) -> str:
    return (
        f"替换公示中的结算 {replaces['run_uid']}（公示期 {replaces['window']}），理由：{replaces['reason']}"
    )
