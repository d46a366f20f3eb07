"""The stages of a settlement run, in order. The CLI and the Airflow DAGs call these same
functions: ingest -> validate -> load -> compute -> allocate -> publish."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import __version__
from .allocation import Allocation, allocate
from .config import load_settings
from .engine.evaluate import evaluate_year
from .engine.facts import FactError
from .ingest import Landing, LandingError, read_landing
from .ledger import make_engine, migrate, store
from .policies import Catalog, load_catalog
from .reports.awards import write_awards
from .reports.manifest import policy_totals, write_manifest
from .reports.publicity import write_publicity
from .reports.validation import write_validation_json
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


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def ingest(year: int, landing_root: Path) -> Landing:
    try:
        return read_landing(Path(landing_root), year)
    except LandingError as exc:
        raise InputError(str(exc)) from None


def validate(landing: Landing, catalog: Catalog, out_dir: Path) -> tuple[ValidationResult, Path]:
    result = validate_landing(landing, catalog)
    report = Path(out_dir) / f"validation_{landing.year}.json"
    write_validation_json(report, result, landing.hashes)
    return result, report


def run_uid_for(year: int, inputs: dict[str, str], policies: dict[str, str]) -> str:
    digest = hashlib.sha256(json.dumps({"inputs": inputs, "policies": policies, "code": __version__}, sort_keys=True).encode()).hexdigest()
    return f"{year}-{digest[:16]}"


def fixed_time(year: int) -> str:
    """Document time written into workbooks: fixed per year, so files are byte-identical."""
    return f"{year + 1}-01-01T00:00:00Z"


def decorate(lines: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Add the payee's name and township (for the lists)."""
    info = enterprises.set_index("uscc")
    lines = lines.copy()
    lines["uscc"] = lines["payee_uscc"]
    lines["name"] = lines["payee_uscc"].map(info["name"]).fillna("")
    lines["township"] = lines["payee_uscc"].map(info["township"]).fillna("")
    return lines


def run(year: int, landing_root: Path, out_root: Path, db_url: str | None = None, progress: Progress = _noop) -> RunResult:
    """Settle ``year`` as a draft: the whole pipeline, from landing files to output files."""
    timings: dict[str, float] = {}
    started = datetime.now(UTC)
    out_dir = Path(out_root) / str(year)
    catalog = load_catalog()

    t = time.perf_counter()
    progress("读取着陆文件")
    landing = ingest(year, landing_root)
    timings["ingest"] = time.perf_counter() - t

    t = time.perf_counter()
    progress("校验数据")
    result, report = validate(landing, catalog, out_dir)
    timings["validate"] = time.perf_counter() - t
    if not result.ok:
        raise InputError("数据校验未通过，本次不写入台账：\n" + "\n".join(f"  - {m}" for m in result.blocking), report)

    engine = make_engine(db_url)
    migrate(engine)
    files = {name: t.file_name for name, t in landing.tables.items()}
    run_uid = run_uid_for(year, landing.hashes, catalog.sha256)
    with engine.begin() as conn:
        if store.final_run(conn, year) is not None:
            raise RunRefused(f"{year}年已定稿（final），不能再次结算；如需更正，请使用更正流程。")
        t = time.perf_counter()
        progress("写入台账")
        changes = store.load_clean(conn, year, result.clean, files, result.problems, landing.hashes)
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

        totals = policy_totals(final_lines)
        meta = {
            "inputs": landing.hashes, "policies": catalog.sha256, "code_version": __version__, "timings": timings,
            "load_changes": changes, "totals": totals, "quarantined": int(sum(result.quarantined_rows.values())), "started_at": started,
        }
        run_id = store.save_draft(conn, run_uid, year, final_lines, meta)

    t = time.perf_counter()
    progress("写出文件")
    outputs = write_outputs(year, out_dir, final_lines, catalog, allocation.scale_factors, totals, run_uid, "draft", landing.hashes, result, window=None)
    timings["publish"] = time.perf_counter() - t
    return RunResult(year, run_uid, run_id, out_dir, final_lines, allocation.scale_factors, totals, result.quarantined_rows, len(result.warnings), changes, outputs, timings)


def write_outputs(year, out_dir, lines, catalog, scale_factors, totals, run_uid, status, inputs, validation, window) -> dict[str, str]:
    settings = load_settings()
    outputs = {}
    outputs["awards.csv"] = write_awards(out_dir / "awards.csv", lines)
    outputs[f"publicity_{year}.xlsx"] = write_publicity(out_dir / f"publicity_{year}.xlsx", year, lines, catalog, settings, window, status, fixed_time(year))
    manifest = {
        "run_id": run_uid,
        "year": year,
        "status": status,
        "code_version": __version__,
        "inputs": inputs,
        "policies": catalog.sha256,
        "totals": totals,
        "scale_factors": scale_factors,
        "quarantined_rows": validation.quarantined_rows if validation is not None else {},
        "warnings": int(len(validation.warnings)) if validation is not None else 0,
        "outputs": dict(sorted(outputs.items())),
    }
    write_manifest(out_dir / "manifest.json", manifest)
    return outputs
