"""Ingest: find a year's landing files, read them whatever their format, parse them to typed
frames (money in integer fen) and collect cell problems for quarantine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import pandas_options  # noqa: F401  (text storage fixed before any frame is made)
from .contract import FILES, FILES_BY_NAME, LandingFile
from .parse import ParsedTable, parse_table
from .readers import LandingError, confined, read_table

__all__ = ["Landing", "LandingError", "read_landing", "find_file", "landing_files", "FILES", "FILES_BY_NAME"]

SUFFIXES = (".csv", ".xlsx")
OLD_EXCEL = (".xls", ".et", ".xlsb", ".xlsm", ".ods", ".numbers")
NOT_LANDING = ("objections",)  # read by finalize only (settlement finalize --objections)


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


def _ignored(path: Path) -> bool:
    """Office lock files (~$…), hidden files and the project's own flags and records (_READY,
    _pull.json): never landing data."""
    return path.name.startswith(("~$", ".", "_"))


def landing_files(folder: Path) -> dict[str, Path]:
    """The landing files of a year's folder by contract name. File names match whatever their
    case (``Budgets.CSV`` is budgets.csv); subfolders are never read. Anything else in the folder
    stops the run naming it and the expected names, because a file that is skipped in silence
    changes the money: an old Excel file is refused with what to do, two files for one contract
    file are refused, and any other file is refused."""
    found: dict[str, list[Path]] = {}
    unknown: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_dir() or _ignored(path):
            continue
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if stem in NOT_LANDING and suffix in SUFFIXES:
            continue
        spec = FILES_BY_NAME.get(stem)
        if spec is not None and suffix in SUFFIXES:
            found.setdefault(spec.name, []).append(path)
        elif spec is not None and suffix in OLD_EXCEL:
            raise LandingError(
                f"{path.name}：不能读取{suffix}格式，请在 Excel 或 WPS 中打开后“另存为” Excel"
                f" 工作簿（.xlsx）或 CSV，文件名改为 {spec.name}.xlsx，目录 {folder}",
                file=path.name,
            )
        else:
            unknown.append(path.name)
    if unknown:
        expected = "、".join(f"{f.name}.csv（{f.label}）" for f in FILES)
        raise LandingError(
            f"着陆目录 {folder} 中有不认识的文件：{'、'.join(unknown)}。"
            "结算只读这些文件（.csv 或 .xlsx，文件名不区分大小写）"
            f"：{expected}；objections 文件只在定稿时读取。"
            "请把文件改成其中一个名字，或移到子目录（如 attachments/，结算不读子目录）后重新运行。",
            file=unknown[0],
        )
    for name, paths in found.items():
        if len(paths) > 1:
            raise LandingError(
                f"{name}：同时存在{' 和 '.join(p.name for p in paths)}，请只保留一个（目录 {folder}）",
                file=paths[0].name,
            )
    return {name: paths[0] for name, paths in found.items()}


def find_file(folder: Path, spec: LandingFile) -> Path | None:
    return landing_files(folder).get(spec.name)


def read_landing(landing_root: Path, year: int, on_table=None) -> Landing:
    """Read and parse every landing file of ``year``. Raises :class:`LandingError` for a file
    that is missing (when required), unreadable, or lacks a required column. ``on_table(name,
    file_name, frame)`` is called with each file's frame as soon as it is read."""
    landing_root = Path(landing_root)
    folder = landing_root / str(year)
    if not folder.is_dir():
        raise LandingError(f"着陆目录不存在：{folder}（应包含 enterprises.csv、annual_stats.csv 等文件）")
    landing = Landing(year=year, folder=folder)
    files = landing_files(folder)
    for spec in FILES:
        path = files.get(spec.name)
        if path is None:
            if spec.required:
                raise LandingError(
                    f"缺少必需的文件：{spec.name}.csv（{spec.label}），目录 {folder}", file=f"{spec.name}.csv"
                )
            continue
        path = confined(path, landing_root)
        table = parse_table(spec, read_table(path))
        refuse_if_mostly_unreadable(table)
        landing.tables[spec.name] = table
        if on_table is not None:
            on_table(spec.name, table.file_name, table.frame)
    return landing


MOSTLY = 0.5  # a file more than half of whose rows cannot be read is not the file it is named as


def refuse_if_mostly_unreadable(table: ParsedTable, least_rows: int = 100) -> None:
    """Stop at once on a file whose rows mostly cannot be read (cells, or the enterprise code):
    a wrong file under a landing name, or one in another layout. Quarantining each of its rows
    would settle nothing, take the machine's memory and bury the one message that matters."""
    from ..uscc import uscc_valid

    n = len(table.frame)
    if n < least_rows:
        return
    bad = np.zeros(n, dtype=bool)
    if len(table.problems):
        bad[
            np.searchsorted(table.frame["_row"].to_numpy(), table.problems["row"].to_numpy(dtype=np.int64))
        ] = True
    code = "operator_uscc" if table.spec.name == "parks" else "uscc"
    if code in table.frame:
        bad |= ~uscc_valid(table.frame[code].fillna("").astype(str).to_numpy())
    if bad.mean() > MOSTLY:
        reasons = (
            table.problems["message"].value_counts().head(3).index.tolist() if len(table.problems) else []
        )
        reasons += [] if code not in table.frame else ["统一社会信用代码无效"]
        raise LandingError(
            f"{table.file_name}：{n:,}行中有{int(bad.sum()):,}行（{bad.mean():.0%}）读不出有效数据（{'、'.join(reasons[:4])}），"
            f"不像是约定格式的{table.spec.label}文件，已停止。请确认放的是不是这个文件、"
            "各列是否对应约定的列名",
            file=table.file_name,
        )
