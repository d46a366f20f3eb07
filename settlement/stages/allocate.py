"""Allocating the year's lines (caps across clauses, no double benefit, scale-down, funding)
and recording the draft run in the ledger."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .. import __version__
from ..allocation import allocate
from ..errors import year_is_final
from ..ingest import Landing
from ..ledger import make_engine, store
from ..policies import Catalog, load_catalog
from ..reports.manifest import policy_totals
from ..validation import ValidationResult
from .compute import evaluate_policy, read_lines, staged_context, year_context
from .inputs import landing_hashes, load_validated, replacement_note, run_uid_for, validated
from .locking import locked


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


@locked
def allocate_year(
    year: int,
    line_paths: list[str],
    landing_root: Path,
    db_url: str | None = None,
    load: dict | None = None,
    computed: tuple | None = None,
    staged: str | None = None,
) -> dict:
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
            raise year_is_final(year)
        if computed is not None:
            all_lines, ctx = computed
        else:
            all_lines = read_lines(line_paths)
            ctx = staged_context(year, staged)
            if ctx is None:
                ctx = year_context(conn, year, catalog)
        allocation = allocate(all_lines, ctx)
        lines = decorate(allocation.lines, ctx.enterprises)
        totals = policy_totals(lines)
        run_uid = run_uid_for(year, inputs, catalog.sha256)
        replaces = (load or {}).get("replaces")
        meta = {
            "inputs": inputs,
            "policies": catalog.sha256,
            "code_version": __version__,
            "totals": totals,
            "timings": {"allocate": round(time.perf_counter() - t, 3)},
            "load_changes": (load or {}).get("load_changes", {}),
            "quarantined": int(sum(store.quarantine_counts(conn, year).values())),
            "started_at": started,
            "scale_factors": allocation.scale_factors,
            "message": replacement_note(replaces) if replaces else "",
        }
        run_id = store.save_draft(conn, run_uid, year, lines, meta)
    if staged is not None:
        import shutil

        shutil.rmtree(staged, ignore_errors=True)  # recorded: the snapshot is not needed again
    return {
        "year": year,
        "run_uid": run_uid,
        "run_id": run_id,
        "lines": int(len(lines)),
        "paid": int((lines["status"] == "paid").sum()),
    }


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


def settle_within(conn, year: int, landing_root: Path, out_root: Path, catalog: Catalog) -> Computed:
    """The stages of a run (validated → load → compute → allocate) on one open ledger
    transaction, as ``settlement correct`` needs them: its correction run and the superseding of
    the final run commit together or not at all. Input that cannot be settled: its report goes
    to out/<year>/rejected/ (see settlement.outputs)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    landing, result, report, run_uid = validated(year, landing_root, out_root, catalog)
    timings["validate"] = time.perf_counter() - t

    t = time.perf_counter()
    held: dict = {}
    changes = load_validated(conn, year, landing, result, held)
    result.summary["ledger_rows"] = store.rows_from_files(
        conn, year, {n: table.file_name for n, table in landing.tables.items()}
    )
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    ctx = year_context(conn, year, catalog, held)
    del held
    lines = evaluate_policy(ctx, None, report)
    timings["compute"] = time.perf_counter() - t

    t = time.perf_counter()
    allocation = allocate(lines, ctx)
    final_lines = decorate(allocation.lines, ctx.enterprises)
    timings["allocate"] = time.perf_counter() - t
    return Computed(
        year,
        landing,
        result,
        report,
        catalog,
        final_lines,
        allocation.scale_factors,
        policy_totals(final_lines),
        changes,
        ctx.enterprises,
        timings,
        run_uid,
    )
