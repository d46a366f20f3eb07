"""``settlement pull``: fetch a year's landing files from where they live and write a complete
landing folder, exactly as if the files had been dropped there.

Sources: a database (an SQLAlchemy URL; one query per table in ``sql/pull/<table>.sql``), the
data-sharing platform's HTTP interface (``data_contracts/pull-http.md``; the token in
``SETTLEMENT_SOURCE_TOKEN``), or a folder laid out like the landing contract (copied byte for
byte). Tables from a database or HTTP are written as canonical UTF-8 CSV (see ``tables``);
the folder is put in place all or nothing, ``_READY`` last (see ``landing``). No credential is
written to any file or message."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .landing import now_text, put_in_place, staging, year_lock
from .tables import PullError, Table, csv_bytes

__all__ = ["pull", "PullError", "PullResult", "source_kind"]


@dataclass
class PullResult:
    year: int
    folder: Path
    source: str  # without credentials
    kind: str
    files: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    carried_over: list[str] = field(default_factory=list)
    previous: Path | None = None


def source_kind(source: str) -> str:
    if source.lower().startswith(("http://", "https://")):
        return "http"
    if "://" in source:
        return "database"
    return "folder"


def _folder_files(source: Path, year: int, landing_root: Path) -> tuple[Path, dict[str, Path]]:
    from ..ingest import LandingError, landing_files

    folder = source / str(year) if (source / str(year)).is_dir() else source
    if not folder.is_dir():
        raise PullError(f"找不到数据源目录 {source}（也没有 {source / str(year)}）：请检查 --source 的路径")
    if folder.resolve() == (landing_root / str(year)).resolve():
        raise PullError(
            f"数据源目录 {folder} 就是要写入的着陆目录：不需要拉取，直接运行 settlement run --year {year}"
        )
    try:
        files = landing_files(folder)
    except LandingError as exc:
        raise PullError(f"数据源目录不符合着陆约定：{exc}") from None
    if not files:
        raise PullError(f"数据源目录 {folder} 中没有着陆文件（enterprises.csv、annual_stats.csv 等）")
    return folder, files


def pull(
    year: int,
    source: str,
    landing_root: Path,
    queries: Path | None = None,
    token: str | None = None,
    progress=None,
    http_options: dict | None = None,
) -> PullResult:
    """Fetch year ``year`` from ``source`` into ``landing_root/<year>``; see the module's doc."""
    landing_root = Path(landing_root)
    kind = source_kind(source)
    tables: list[Table] = []
    warnings: list[str] = []
    if kind == "database":
        from .database import display_url, fetch

        shown = display_url(source)
        tables, warnings = fetch(source, year, queries, progress)
    elif kind == "http":
        from .http import TOKEN_ENV, display_url, fetch

        shown = display_url(source)
        tables, warnings = fetch(
            source,
            year,
            token if token is not None else os.environ.get(TOKEN_ENV),
            progress,
            **(http_options or {}),
        )
    else:
        folder, copied = _folder_files(Path(source), year, landing_root)
        shown = str(folder.resolve())
    with year_lock(landing_root, year), staging(landing_root, year) as staged:
        if kind == "folder":
            for path in copied.values():
                staged.add(path.name, source=path)
        else:
            for table in tables:
                staged.add(table.file_name, csv_bytes(table), rows=len(table.rows))
        record = {
            "year": year,
            "source": {"kind": kind, "location": shown},
            "pulled_at": now_text(),
            "code_version": __version__,
            "warnings": warnings,
        }
        files = dict(staged.files)
        target, carried, previous = put_in_place(staged, landing_root, year, record)
    return PullResult(year, target, shown, kind, files, warnings, carried, previous)
