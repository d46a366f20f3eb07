"""Writing a pulled year into the landing folder, all or nothing.

The files are written into a hidden staging folder beside the year's folder
(``<landing>/.pull-<year>-<pid>``), with ``_pull.json`` (where from, when, rows and SHA-256 per
file, code version); the year's previous folder is then moved to ``<landing>/.previous/<year>``
and the staging folder renamed into its place; ``_READY`` is written last, so the asset
watcher starts the settlement only on a whole pull. A pull that fails before the rename leaves
the previous folder as it was and no ``_READY``.

What the settlement never reads from the landing folder but a person may have put there
(``objections.csv|xlsx``, subfolders such as ``attachments/``) is carried over into the new
folder."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..hashing import sha256_of
from ..ingest import NOT_LANDING
from ..triggers import READY_FLAG
from .tables import PullError

RECORD = "_pull.json"
PREVIOUS = ".previous"


@dataclass
class Staged:
    folder: Path
    files: dict[str, dict] = field(default_factory=dict)  # file name -> {"rows", "sha256", "bytes"}

    def add(
        self, name: str, data: bytes | None = None, source: Path | None = None, rows: int | None = None
    ) -> None:
        path = self.folder / name
        if source is not None:
            shutil.copyfile(source, path)
        else:
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        self.files[name] = {"rows": rows, "sha256": sha256_of(path), "bytes": path.stat().st_size}


@contextmanager
def year_lock(landing_root: Path, year: int):
    """One pull of a year at a time (released by the operating system if the process dies)."""
    landing_root.mkdir(parents=True, exist_ok=True)
    with open(landing_root / f".pull-{year}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PullError(
                f"{year} 年度正在被另一个拉取进程写入（{landing_root}），请等它结束后再运行", code=1
            ) from None
        yield


@contextmanager
def staging(landing_root: Path, year: int):
    """A fresh hidden staging folder, removed unless it was moved into place."""
    folder = landing_root / f".pull-{year}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield Staged(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kept_by_people(folder: Path) -> list[Path]:
    """Entries of a year's folder that the settlement never reads as landing data but a person
    put there: objections files and subfolders."""
    if not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.name in (READY_FLAG, RECORD):
            continue
        if path.is_dir() or path.stem.lower() in NOT_LANDING:
            kept.append(path)
    return kept


def put_in_place(
    staged: Staged, landing_root: Path, year: int, record: dict
) -> tuple[Path, list[str], Path | None]:
    """Write ``_pull.json``, carry over what people keep in the folder, swap the staging folder
    in and write ``_READY`` last. Returns the year's folder, the names carried over and where the
    previous folder was kept."""
    target = landing_root / str(year)
    carried = []
    for path in _kept_by_people(target):
        if path.is_dir():
            shutil.copytree(path, staged.folder / path.name, symlinks=True)
        else:
            shutil.copy2(path, staged.folder / path.name)
        carried.append(path.name)
    record = {**record, "files": staged.files, "carried_over": carried}
    staged.add(
        RECORD, (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    )
    kept = None
    if target.exists():
        kept = landing_root / PREVIOUS / str(year)
        shutil.rmtree(kept, ignore_errors=True)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, kept)
    os.replace(staged.folder, target)
    flag = {"year": year, "pulled_at": record["pulled_at"], "record_sha256": sha256_of(target / RECORD)}
    temp = target / f".{READY_FLAG}.tmp"
    temp.write_text(json.dumps(flag, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temp, target / READY_FLAG)
    return target, carried, kept


def now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
