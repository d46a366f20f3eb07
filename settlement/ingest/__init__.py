"""Ingest: find a year's landing files, read them whatever their format, parse them to typed
frames (money in integer fen) and collect cell problems for quarantine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .contract import FILES, FILES_BY_NAME, LandingFile
from .parse import ParsedTable, parse_table
from .readers import LandingError, confined, read_table

__all__ = ["Landing", "LandingError", "read_landing", "find_file", "FILES", "FILES_BY_NAME"]

SUFFIXES = (".csv", ".xlsx")


@dataclass
class Landing:
    year: int
    folder: Path
    tables: dict[str, ParsedTable] = field(default_factory=dict)

    def frame(self, name: str):
        table = self.tables.get(name)
        return None if table is None else table.frame

    @property
    def hashes(self) -> dict[str, str]:
        return {t.file_name: t.sha256 for t in sorted(self.tables.values(), key=lambda t: t.file_name)}


def find_file(folder: Path, spec: LandingFile) -> Path | None:
    found = [folder / f"{spec.name}{suffix}" for suffix in SUFFIXES if (folder / f"{spec.name}{suffix}").exists()]
    if len(found) > 1:
        raise LandingError(
            f"{spec.name}：同时存在{' 和 '.join(p.name for p in found)}，请只保留一个", file=spec.name
        )
    return found[0] if found else None


def read_landing(landing_root: Path, year: int) -> Landing:
    """Read and parse every landing file of ``year``. Raises :class:`LandingError` for a file
    that is missing (when required), unreadable, or lacks a required column."""
    landing_root = Path(landing_root)
    folder = landing_root / str(year)
    if not folder.is_dir():
        raise LandingError(f"着陆目录不存在：{folder}（应包含 enterprises.csv、annual_stats.csv 等文件）")
    landing = Landing(year=year, folder=folder)
    for spec in FILES:
        path = find_file(folder, spec)
        if path is None:
            if spec.required:
                raise LandingError(f"缺少必需的文件：{spec.name}.csv（{spec.label}），目录 {folder}", file=f"{spec.name}.csv")
            continue
        path = confined(path, landing_root)
        landing.tables[spec.name] = parse_table(spec, read_table(path))
    return landing
