"""The layout of a year's output folder, so that what people read there is always one good run's:

    out/<year>/                  the files of the year's last good run (lists, audit workbook, manifest)
    out/<year>/.staging/<run>/   a run's validation report while it runs (hidden; gone when it ends)
    out/<year>/rejected/         the report of the last run that failed, with why (rejected.json)
    out/<year>/validated/        the report of the last `settlement validate`

A run validates into its staging folder; when it succeeds its files are written into the year's
folder; when it fails its report moves to rejected/ and the year's folder is not touched: the last
good run's lists, workbook and manifest stay as they were, and agree with each other.
"""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .reports.files import write_text_atomic

REJECTED = "rejected"
VALIDATED = "validated"


def year_dir(out_root: Path, year: int) -> Path:
    return Path(out_root) / str(year)


def staging_dir(out_root: Path, year: int, run_uid: str) -> Path:
    return year_dir(out_root, year) / ".staging" / run_uid


def _replace_with(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.exists():
        shutil.move(str(source), str(target))
    else:
        target.mkdir(parents=True)


def reject(out_root: Path, year: int, run_uid: str, message: str) -> Path:
    """The failed run's report goes to rejected/ (replacing the previous one) with why it failed."""
    target = year_dir(out_root, year) / REJECTED
    _replace_with(staging_dir(out_root, year, run_uid), target)
    write_text_atomic(
        target / "rejected.json",
        json.dumps(
            {
                "year": year,
                "run_id": run_uid,
                "message": message,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
    )
    _drop_empty_staging(out_root, year)
    return target


def keep_validated(out_root: Path, year: int, run_uid: str) -> Path:
    target = year_dir(out_root, year) / VALIDATED
    _replace_with(staging_dir(out_root, year, run_uid), target)
    _drop_empty_staging(out_root, year)
    return target


def promote(out_root: Path, year: int, run_uid: str) -> None:
    """A good run's staging folder is done with: its Data Docs site becomes the year's."""
    staging = staging_dir(out_root, year, run_uid)
    docs = staging / "data_docs"
    if docs.exists():
        _replace_with(docs, year_dir(out_root, year) / "data_docs")
    if staging.exists():
        shutil.rmtree(staging)
    _drop_empty_staging(out_root, year)


def discard(out_root: Path, year: int, run_uid: str) -> None:
    """A run that changed nothing: its staging folder goes."""
    staging = staging_dir(out_root, year, run_uid)
    if staging.exists():
        shutil.rmtree(staging)
    _drop_empty_staging(out_root, year)


def _drop_empty_staging(out_root: Path, year: int) -> None:
    parent = year_dir(out_root, year) / ".staging"
    if parent.exists() and not any(parent.iterdir()):
        parent.rmdir()


def moved_report(report: Path | None, out_root: Path, year: int) -> Path | None:
    """Where a report written in a staging folder is after the run was rejected."""
    return None if report is None else year_dir(out_root, year) / REJECTED / Path(report).name


@contextmanager
def rejecting(out_root: Path, year: int, run_uid: str):
    """Run a block that writes into the run's staging folder; if it fails, the folder becomes
    rejected/ (with why) and the error says where the report is now."""
    try:
        yield staging_dir(out_root, year, run_uid)
    except Exception as exc:
        from .errors import RunRefused
        from .ledger.locks import YearBusy

        if isinstance(exc, (YearBusy, RunRefused)) and not staging_dir(out_root, year, run_uid).exists():
            raise
        reject(out_root, year, run_uid, str(exc))
        if getattr(exc, "report", None) is not None:
            exc.report = moved_report(exc.report, out_root, year)
        raise
