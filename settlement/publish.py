"""Writing a run's files, at every point of the year's lifecycle (draft, publicity, final,
correction): awards.csv, the publicity list (draft and publicity), the audit workbook with its
reconciliation and trace (every time), validation_Y.json, and manifest.json, which records
every file of the year's folder that belongs to the run with its SHA-256, and the same counts
(quarantined rows, warnings) the workbooks show.

The disbursement list, the bank files and the change list are written by the lifecycle
(finalize, correct) before this, and passed in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .config import Settings, load_settings, settings_digest
from .hashing import sha256_of
from .ledger.runs import record_files
from .policies import Catalog
from .reports.audit import AuditBook, write_audit
from .reports.awards import write_awards
from .reports.lineage import input_rows, read_sources
from .reports.manifest import write_manifest
from .reports.payments import Payments, missing_bank_details, payments
from .reports.publicity import write_publicity
from .reports.reconcile import all_hold, bank_file_totals, reconcile
from .reports.runinfo import RunInfo
from .reports.validation import write_validation_json


def fixed_time(year: int) -> str:
    """Document time written into workbooks: fixed per year, so files are byte-identical."""
    return f"{year + 1}-01-01T00:00:00Z"


@dataclass
class RunOutputs:
    """What a lifecycle step has for the run's files."""

    run: RunInfo
    out_dir: Path
    lines: pd.DataFrame  # decorated (name, township)
    enterprises: pd.DataFrame
    catalog: Catalog
    summary: dict  # the validation summary of the run's inputs
    scale_factors: dict
    totals: dict
    publicity: bool = False  # write the publicity list
    files: dict[str, str] = field(
        default_factory=dict
    )  # written before (disbursement, bank files, changes): name -> SHA-256
    money: Payments | None = None  # the disbursement list's payments, when written
    bank_files: dict[str, Path] = field(default_factory=dict)  # source -> bank file written
    objections: pd.DataFrame | None = None
    draft_paid: int | None = None  # final: the publicized paid total
    adjustments: int | None = None  # final: what the objection outcomes changed
    extra: dict = field(default_factory=dict)  # more manifest fields


def write_run_outputs(conn, spec: RunOutputs, settings: Settings | None = None) -> dict[str, str]:
    """The run's files (see the module's doc); returns every file of the run -> SHA-256."""
    settings = settings or load_settings()
    run, year, out_dir = spec.run, spec.run.year, Path(spec.out_dir)
    lines = spec.lines.reset_index(drop=True)
    outputs = dict(spec.files)
    outputs["awards.csv"] = write_awards(out_dir / "awards.csv", lines)
    publicity = out_dir / f"publicity_{year}.xlsx"
    if spec.publicity:
        outputs[publicity.name] = write_publicity(
            publicity, year, lines, spec.catalog, settings, run, fixed_time(year)
        )
    elif publicity.exists() and run.correction is None:
        outputs[publicity.name] = sha256_of(publicity)  # the list that was publicized, as it stands

    sources = read_sources(conn, year, lines)
    money = (
        spec.money
        if spec.money is not None
        else payments(lines, spec.enterprises, spec.catalog, settings, year)
    )
    banks = (
        bank_file_totals({s: str(p) for s, p in spec.bank_files.items()}, settings.bank_file_encoding)
        if spec.bank_files
        else None
    )
    identities = reconcile(
        spec.summary, lines, money, spec.catalog, spec.scale_factors, banks, spec.draft_paid, spec.adjustments
    )
    book = AuditBook(
        spec.summary,
        spec.catalog,
        run,
        lines,
        input_rows(lines, sources, spec.catalog, year),
        identities,
        after_compute_warnings(lines, spec.enterprises, sources),
        spec.objections,
    )
    outputs[f"validation_{year}.xlsx"] = write_audit(
        out_dir / f"validation_{year}.xlsx", book, fixed_time(year)
    )
    outputs[f"validation_{year}.json"] = write_validation_json(
        out_dir / f"validation_{year}.json", spec.summary
    )
    manifest = {
        "run_id": run.run_uid,
        "year": year,
        "status": run.status if run.status != "correction" else "final",
        "code_version": __version__,
        "inputs": run.inputs,
        "policies": spec.catalog.sha256,
        "totals": spec.totals,
        "scale_factors": spec.scale_factors,
        "quarantined_rows": {
            f: int(spec.summary.get("quarantined_rows", {}).get(f, 0)) for f in sorted(run.inputs)
        },
        "warnings": int(book.warning_count),
        "reconciliation": {"identities": len(identities), "all_hold": all_hold(identities)},
        "outputs": dict(sorted(outputs.items())),
    }
    if run.publicity:
        manifest["publicity"] = {"start": run.publicity[0], "deadline": run.publicity[1]}
    if run.finalized_on:
        manifest["finalized_on"] = run.finalized_on
    if run.notes:
        manifest["notes"] = list(run.notes)
    manifest.update(spec.extra)
    digest = write_manifest(out_dir / "manifest.json", manifest)
    # what the files were written with and as, so that a re-run reuses only these very files
    record_files(conn, run.run_uid, settings_digest(settings), digest)
    return outputs


WARNING_COLUMNS = ["file", "row", "uscc", "name", "column", "value", "reason", "message"]


def after_compute_warnings(
    lines: pd.DataFrame, enterprises: pd.DataFrame, sources: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Warnings only the computed lines reveal: a paid payee without an account to pay to
    (finalization refuses it), and an approved application that pays nothing because a value
    its clause's formula needs is blank (settlement-semantics detail 17)."""
    parts = []
    missing = missing_bank_details(lines, enterprises)
    if len(missing):
        ent = sources["enterprises"].set_index("uscc")
        parts.append(
            pd.DataFrame(
                {
                    "file": missing["payee_uscc"].map(ent["source_file"]).fillna("enterprises").to_numpy(),
                    "row": missing["payee_uscc"].map(ent["source_row"]).fillna(0).astype(np.int64).to_numpy(),
                    "uscc": missing["payee_uscc"].to_numpy(),
                    "name": missing["name"].to_numpy(),
                    "column": "bank_account",
                    "value": "",
                    "reason": "missing_bank_account",
                    "message": (
                        "兑现"
                        + missing["lines"].astype(str)
                        + "笔奖励的收款单位缺少"
                        + missing["missing"]
                        + "：定稿前必须补全，否则拨付清单无法据以付款"
                    ).to_numpy(),
                }
            )
        )
    if "trace" in lines and len(lines):
        reason = (
            lines["trace"].fillna("").astype(str).str.extract(r'"reason":"(申报缺少[^"]*)"', expand=False)
        )
        hit = reason.notna() & (lines["application_ids"].fillna("") != "")
        if hit.any():
            apps = pd.DataFrame(
                {
                    "application_id": lines.loc[hit, "application_ids"].str.split("、"),
                    "message": reason[hit],
                    "uscc": lines.loc[hit, "payee_uscc"],
                    "name": lines.loc[hit, "name"],
                }
            ).explode("application_id")
            apps = apps.merge(sources["applications"], on="application_id", how="left")
            parts.append(
                pd.DataFrame(
                    {
                        "file": apps["source_file"].fillna("applications").to_numpy(),
                        "row": apps["source_row"].fillna(0).astype(np.int64).to_numpy(),
                        "uscc": apps["uscc"].to_numpy(),
                        "name": apps["name"].to_numpy(),
                        "column": "application_id",
                        "value": apps["application_id"].to_numpy(),
                        "reason": "application_field_missing",
                        "message": (apps["message"] + "：该申报不予计算，请补全后重新结算").to_numpy(),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=WARNING_COLUMNS)


def run_notes(run_row) -> tuple[str, ...]:
    """The officer's decisions recorded on a run (one per line of its message)."""
    return tuple(line for line in (getattr(run_row, "message", "") or "").splitlines() if line.strip())


def summary_from(run_row) -> dict:
    """The validation summary recorded on a run (empty when the run predates it)."""
    try:
        return json.loads(getattr(run_row, "validation", None) or "{}")
    except ValueError:
        return {}
