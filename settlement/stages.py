"""The settlement's stages as steps that can run one by one (each in its own process, as the
Airflow tasks do) or in a row (``settlement run``). Every step is idempotent: running it again
for the same year and inputs gives the same ledger state and the same files.

    load_inputs (read, validate, load: once) → compute_policy (each policy) → allocate_year → publish_year

``settlement run`` computes every policy on one read of the year (``compute_in_process``) and
allocates on the same context; the DAG's mapped tasks hand their lines over in files.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .allocation import allocate
from .engine.evaluate import evaluate_year
from .engine.facts import FactError
from .hashing import sha256_of
from .ingest import landing_files
from .ledger import make_engine, migrate, store
from .ledger.load import read_table
from .ledger.locks import ledger_lock, year_lock
from .ledger.models import Enterprise
from .outputs import promote, rejecting, staging_dir
from .pipeline import (
    InputError,
    RunRefused,
    decorate,
    ingest,
    run_uid_for,
    validate,
)
from .policies import load_catalog
from .publish import RunOutputs, fixed_time, run_notes, summary_from, write_run_outputs
from .reports.manifest import policy_totals
from .reports.payments import missing_bank_details
from .reports.runinfo import RunInfo
from .reports.validation import read_validation_json

AMOUNT_COLUMNS = ["standard_amount", "capped_amount"]


def landing_hashes(year: int, landing_root: Path) -> dict[str, str]:
    """SHA-256 of every landing file of the year (what the run id is made from)."""
    folder = Path(landing_root) / str(year)
    return dict(sorted((path.name, sha256_of(path)) for path in landing_files(folder).values()))


def validated(year: int, landing_root: Path, out_root: Path, catalog=None):
    """Read and validate the year's folder into the run's staging folder (see settlement.outputs):
    (landing, result, report, run_uid). Input that cannot be settled raises InputError, its
    report moved to out/<year>/rejected/ and the year's folder untouched."""
    catalog = catalog or load_catalog()
    with rejecting(out_root, year, "unread"):  # the folder's files cannot be read: no run yet
        landing = ingest(year, landing_root)
    run_uid = run_uid_for(year, landing.hashes, catalog.sha256)
    with rejecting(out_root, year, run_uid) as staging:
        result, report = validate(landing, catalog, staging)
        if not result.ok:
            raise InputError("数据校验未通过，本次不写入台账：\n" + "\n".join(f"  - {m}" for m in result.blocking), report)
    return landing, result, report, run_uid


_HELD: set[int] = set()


@contextmanager
def hold_year(year: int, db_url: str | None = None):
    """Hold the year's lock (see ledger.locks) for the block; re-entrant within this process, so
    ``settlement run`` can hold it around stages that take it themselves."""
    if year in _HELD:
        yield
        return
    with year_lock(make_engine(db_url), year):
        _HELD.add(year)
        try:
            yield
        finally:
            _HELD.discard(year)


def locked(fn):
    """A stage that writes holds the year's lock while it runs."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        with hold_year(bound.arguments["year"], bound.arguments.get("db_url")):
            return fn(*args, **kwargs)

    return wrapper


@locked
def load_inputs(year: int, landing_root: Path, out_root: Path, db_url: str | None = None, replace_reason: str | None = None) -> dict:
    """Read, validate and load the year's clean rows into the ledger (by natural keys). A year in
    publicity is not settled again from other inputs unless the officer says why (``replace_reason``)."""
    catalog = load_catalog()
    engine = make_engine(db_url)
    migrate(engine)
    landing, result, report, run_uid = validated(year, landing_root, out_root, catalog)
    files = {name: t.file_name for name, t in landing.tables.items()}
    with rejecting(out_root, year, run_uid), ledger_lock(engine, "load"), engine.begin() as conn:
        if store.final_run(conn, year) is not None:
            raise RunRefused(f"{year}年已定稿（final），不能再次按草稿结算；如需更正，请使用 settlement correct --year {year}。")
        replaces = _publicized_replaced(conn, year, run_uid, replace_reason)
        changes = store.load_clean(conn, year, result.clean, files, result.problems, landing.hashes)
    return {"year": year, "inputs": landing.hashes, "load_changes": changes, "quarantined": result.quarantined_rows, "warnings": int(len(result.warnings)),
            "run_uid": run_uid, "replaces": replaces}


def _publicized_replaced(conn, year: int, run_uid: str, reason: str | None) -> dict | None:
    """A draft in publicity is what the public has been shown: settling the year from other
    inputs replaces it only when the officer says so, with a reason that the ledger, the manifest
    and the new list record."""
    current = store.current_run(conn, year)
    if current is None or current.status != "publicity" or current.run_uid == run_uid:
        return None
    window = f"{current.publicity_start.isoformat()}至{current.publicity_deadline.isoformat()}"
    if not (reason or "").strip():
        raise RunRefused(f"{year}年的结算 {current.run_uid} 正在公示（{window}），本次输入与公示时不同，不能悄悄替换已公示的名单。"
                         f"如确需按新数据重新结算并重新公示，请加 --replace-publicized --reason \"理由\" 重新运行（理由记录在台账、manifest 和新名单上）。")
    return {"run_uid": current.run_uid, "window": window, "reason": reason.strip()}


def replacement_note(replaces: dict) -> str:
    return f"替换公示中的结算 {replaces['run_uid']}（公示期 {replaces['window']}），理由：{replaces['reason']}"


def policy_ids() -> list[str]:
    return [p.id for p in load_catalog().policies]


def compute_policy(year: int, policy_id: str, work_dir: Path, db_url: str | None = None) -> str:
    """Every clause of one policy for the year, from the ledger; the lines go to a JSON file."""
    return compute_policies(year, [policy_id], work_dir, db_url)[0]


def read_year(year: int, db_url: str | None = None, staged: Path | None = None):
    """The year's context: from the copy staged for the DAG's tasks when there is one
    (:func:`stage_year`), else read from the ledger."""
    ctx = staged_context(year, staged)
    if ctx is not None:
        return ctx
    engine = make_engine(db_url)
    with engine.connect() as conn:
        return store.read_context(conn, year, load_catalog())


STAGED = "context"  # the staged year inside a DAG run's work folder
STAGED_TYPES = "dtypes.json"


def stage_year(year: int, work_dir: Path, db_url: str | None = None) -> str:
    """Read the year's data from the ledger once and stage it in the DAG run's work folder (one
    Parquet file per frame and the frames' column types), so that the mapped compute tasks and
    the allocate task work on one snapshot without each reading the ledger again."""
    import shutil

    engine = make_engine(db_url)
    with engine.connect() as conn:
        frames = store.read_frames(conn, year)
    folder = Path(work_dir) / STAGED
    tmp = Path(work_dir) / f".{STAGED}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    types = {}
    for name, frame in frames.items():
        frame.reset_index(drop=True).to_parquet(tmp / f"{name}.parquet", index=False)
        types[name] = {str(col): str(dtype) for col, dtype in frame.dtypes.items()}
    (tmp / STAGED_TYPES).write_text(json.dumps(types, sort_keys=True), encoding="utf-8")  # last: marks the copy whole
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return str(folder)


def staged_context(year: int, staged: Path | str | None):
    """The year's context built from a whole staged copy, or None when there is none."""
    from .engine.context import YearContext

    if staged is None or not (Path(staged) / STAGED_TYPES).is_file():
        return None
    return YearContext(year=year, catalog=load_catalog(), **staged_frames(Path(staged)))


def staged_frames(folder: Path) -> dict[str, pd.DataFrame]:
    """The staged frames with the column types they had in the ledger read (Parquet keeps
    values; dates come back in milliseconds and text as strings, so the types are restored)."""
    types = json.loads((folder / STAGED_TYPES).read_text(encoding="utf-8"))
    return {name: pd.read_parquet(folder / f"{name}.parquet").astype(columns) for name, columns in types.items()}


def evaluate_policy(ctx, policy_id: str) -> pd.DataFrame:
    """Every clause of one policy for the year (a fact the data cannot give stops the run)."""
    try:
        return evaluate_year(ctx, [ctx.catalog.policy(policy_id)])
    except FactError as exc:
        raise InputError(str(exc)) from None


def compute_in_process(year: int, ids: list[str], db_url: str | None = None):
    """Every policy from one read of the ledger, the lines kept in memory: ``settlement run``,
    which then allocates on the same context (:func:`allocate_year` with ``computed``)."""
    ctx = read_year(year, db_url)
    lines = normalise_lines([evaluate_policy(ctx, policy_id) for policy_id in ids])
    return lines, ctx


def compute_policies(year: int, ids: list[str], work_dir: Path, db_url: str | None = None) -> list[str]:
    """Several policies from one read of the ledger; one JSON file of lines per policy (the
    DAG's mapped tasks, which hand their lines to the allocate task through files)."""
    ctx = read_year(year, db_url, Path(work_dir) / STAGED)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for policy_id in ids:
        lines = evaluate_policy(ctx, policy_id)
        path = work_dir / f"lines-{policy_id}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(lines.to_json(orient="records", force_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        paths.append(str(path))
    return paths


def _read_lines(paths: list[str]) -> pd.DataFrame:
    return normalise_lines([pd.read_json(Path(path), orient="records", dtype=False) for path in sorted(paths)])


def normalise_lines(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The policies' lines as one frame with the engine's columns and types, whether they came
    through files (the DAG) or in memory (``settlement run``)."""
    from .engine.evaluate import LINE_COLUMNS, empty_lines

    parts = [frame.reindex(columns=LINE_COLUMNS) for frame in frames if len(frame)]
    if not parts:
        return empty_lines()
    lines = pd.concat(parts, ignore_index=True)
    for col in AMOUNT_COLUMNS:
        lines[col] = lines[col].astype(np.int64)
    for col in ("payee_uscc", "subject_uscc", "park_id", "policy_id", "clause_id", "matter", "status", "application_ids", "explanation", "trace"):
        lines[col] = lines[col].fillna("").astype(str)
    return lines


@locked
def allocate_year(year: int, line_paths: list[str], landing_root: Path, db_url: str | None = None, load: dict | None = None,
                  computed: tuple | None = None, staged: str | None = None) -> dict:
    """Caps, no double benefit, scale-down and funding over all policies' lines; the draft run
    and its lines are recorded in the ledger (the same inputs reuse the same run). ``computed``:
    the lines and the context they were computed on (:func:`compute_in_process`), instead of
    reading the lines' files and the context again; ``staged``: the DAG run's staged year
    (:func:`stage_year`), the snapshot its compute tasks used, removed once the run is recorded."""
    started = datetime.now(UTC)
    t = time.perf_counter()
    catalog = load_catalog()
    engine = make_engine(db_url)
    inputs = (load or {}).get("inputs") or landing_hashes(year, landing_root)
    with engine.begin() as conn:
        if store.final_run(conn, year) is not None:
            raise RunRefused(f"{year}年已定稿（final），不能再次按草稿结算；如需更正，请使用 settlement correct --year {year}。")
        if computed is not None:
            all_lines, ctx = computed
        else:
            all_lines = _read_lines(line_paths)
            ctx = staged_context(year, staged)
            if ctx is None:
                ctx = store.read_context(conn, year, catalog)
        allocation = allocate(all_lines, ctx)
        lines = decorate(allocation.lines, ctx.enterprises)
        totals = policy_totals(lines)
        run_uid = run_uid_for(year, inputs, catalog.sha256)
        replaces = (load or {}).get("replaces")
        meta = {
            "inputs": inputs, "policies": catalog.sha256, "code_version": __version__, "totals": totals,
            "timings": {"allocate": round(time.perf_counter() - t, 3)}, "load_changes": (load or {}).get("load_changes", {}),
            "quarantined": int(sum(store.quarantine_counts(conn, year).values())), "started_at": started, "scale_factors": allocation.scale_factors,
            "message": replacement_note(replaces) if replaces else "",
        }
        run_id = store.save_draft(conn, run_uid, year, lines, meta)
    if staged is not None:
        import shutil

        shutil.rmtree(staged, ignore_errors=True)  # recorded: the snapshot is not needed again
    return {"year": year, "run_uid": run_uid, "run_id": run_id, "lines": int(len(lines)), "paid": int((lines["status"] == "paid").sum())}


@locked
def publish_year(year: int, out_root: Path, run_uid: str, db_url: str | None = None, warnings: int | None = None) -> dict:
    """The run's files, written from the ledger (awards.csv, the publicity list, the audit
    workbook, manifest); then the run becomes the year's draft. Until then it is ``running``,
    never taken for done. (``warnings`` is not used: the count comes from the audit workbook.)"""
    return publish_run(year, out_root, run_uid, db_url).info


@dataclass
class Published:
    info: dict
    lines: pd.DataFrame
    scale_factors: dict
    totals: dict
    quarantined: dict[str, int]
    warnings: int
    outputs: dict[str, str]
    missing_accounts: pd.DataFrame


@locked
def publish_run(year: int, out_root: Path, run_uid: str, db_url: str | None = None) -> Published:
    catalog = load_catalog()
    engine = make_engine(db_url)
    out_dir = Path(out_root) / str(year)
    with engine.begin() as conn:
        run = store.run_by_uid(conn, run_uid)
        if run is None:
            raise RunRefused(f"台账中没有结算 {run_uid}")
        enterprises = read_table(conn, Enterprise)
        lines = decorate(store.read_lines(conn, run.id), enterprises)
        inputs = json.loads(run.input_sha256)
        report = staging_dir(out_root, year, run_uid) / f"validation_{year}.json"
        summary = read_validation_json(report) or summary_from(run) or None
        if summary is None or summary.get("inputs") != inputs:
            raise RunRefused(f"找不到本次结算输入的校验结果（{report}）；请重新运行 settlement run --year {year}。")
        # the ledger's rows from each input file, counted once for the run (reconciliation)
        summary["ledger_rows"] = store.rows_from_files(conn, year, summary.get("tables", {}))
        store.record_validation(conn, run.id, summary)
        window = store.publicity_window(conn, run.id)
        status = "draft" if run.status == "running" else run.status
        scale_factors = json.loads(run.scale_factors or "{}")
        totals = json.loads(run.totals or "{}")
        info = RunInfo(year, run.run_uid, status, __version__, window, inputs=inputs, notes=run_notes(run))
        spec = RunOutputs(info, out_dir, lines, enterprises, catalog, summary, scale_factors, totals, publicity=True)
        outputs = write_run_outputs(conn, spec)
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        store.complete_draft(conn, run.id)
    promote(out_root, year, run_uid)
    quarantined = {f: int(summary.get("quarantined_rows", {}).get(f, 0)) for f in sorted(inputs)}
    result = {"year": year, "run_uid": run.run_uid, "outputs": {k: str(out_dir / k) for k in outputs}, "publicity": str(out_dir / f"publicity_{year}.xlsx")}
    return Published(result, lines, scale_factors, totals, quarantined, int(manifest["warnings"]), outputs, missing_bank_details(lines, enterprises))


__all__ = ["stage_year", "load_inputs", "policy_ids", "compute_policy", "allocate_year", "publish_year", "publish_run", "landing_hashes", "fixed_time"]
