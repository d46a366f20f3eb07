"""The last stage: the run's files written from the ledger, then the run becomes the year's draft."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import RunRefused
from ..ledger import make_engine, store
from ..ledger.models import Enterprise
from ..ledger.read import read_table
from ..outputs import promote, staging_dir
from ..policies import load_catalog
from ..publish import RunOutputs, run_notes, summary_from, write_run_outputs
from ..reports.payments import missing_bank_details
from ..reports.runinfo import RunInfo
from ..reports.validation import read_validation_json
from .allocate import decorate
from .locking import locked


@locked
def publish_year(
    year: int, out_root: Path, run_uid: str, db_url: str | None = None, warnings: int | None = None
) -> dict:
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
            raise RunRefused(
                f"找不到本次结算输入的校验结果（{report}）；请重新运行 settlement run --year {year}。"
            )
        # the ledger's rows from each input file, counted once for the run (reconciliation)
        summary["ledger_rows"] = store.rows_from_files(conn, year, summary.get("tables", {}))
        store.record_validation(conn, run.id, summary)
        window = store.publicity_window(conn, run.id)
        status = "draft" if run.status == "running" else run.status
        scale_factors = json.loads(run.scale_factors or "{}")
        totals = json.loads(run.totals or "{}")
        info = RunInfo(year, run.run_uid, status, __version__, window, inputs=inputs, notes=run_notes(run))
        spec = RunOutputs(
            info, out_dir, lines, enterprises, catalog, summary, scale_factors, totals, publicity=True
        )
        outputs = write_run_outputs(conn, spec)
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        store.complete_draft(conn, run.id)
    promote(out_root, year, run_uid)
    quarantined = {f: int(summary.get("quarantined_rows", {}).get(f, 0)) for f in sorted(inputs)}
    result = {
        "year": year,
        "run_uid": run.run_uid,
        "outputs": {k: str(out_dir / k) for k in outputs},
        "publicity": str(out_dir / f"publicity_{year}.xlsx"),
    }
    return Published(
        result,
        lines,
        scale_factors,
        totals,
        quarantined,
        int(manifest["warnings"]),
        outputs,
        missing_bank_details(lines, enterprises),
    )
