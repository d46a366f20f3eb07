"""What the results page may serve, and nothing else: the files a year's manifest lists (the
last good run's outputs), the prospects and what-if files beside them, and the Data Docs site,
all inside the configured output folder. A name is looked up in that list, never joined onto
a path as given; a file reached through a symbolic link, or whose real path leaves the year's
folder, is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BANK_PREFIXES = ("disbursement_", "bank_transfer_")  # files with bank accounts: finance officers only

KINDS = (
    ("publicity_", "公示名单"),
    ("disbursement_", "拨付清单（含银行账户）"),
    ("bank_transfer_", "银行批量转账文件（含银行账户）"),
    ("validation_", "审计与校验报告"),
    ("awards", "全部奖励明细（awards.csv）"),
    ("changes_", "定稿变更清单"),
    ("manifest", "运行记录（manifest.json）"),
    ("prospects/", "可申报未申报名单"),
    ("whatif/", "预算测算"),
)


@dataclass(frozen=True)
class OutputFile:
    name: str  # relative to the year's folder: publicity_2025.xlsx, prospects/prospects_2025.csv
    path: Path
    size: int
    kind: str

    @property
    def bank(self) -> bool:
        return has_bank_data(self.name)


def has_bank_data(name: str) -> bool:
    return Path(name).name.startswith(BANK_PREFIXES)


def kind_of(name: str) -> str:
    return next((words for prefix, words in KINDS if name.startswith(prefix)), "其他")


def year_dir(out_root: Path, year: int) -> Path:
    return Path(out_root) / str(int(year))


def manifest(out_root: Path, year: int) -> dict:
    path = year_dir(out_root, year) / "manifest.json"
    if not inside(path, year_dir(out_root, year)):
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def years(out_root: Path) -> list[int]:
    root = Path(out_root)
    if not root.is_dir():
        return []
    return sorted(
        (int(p.name) for p in root.iterdir() if p.name.isdigit() and p.is_dir() and not p.is_symlink()),
        reverse=True,
    )


def inside(path: Path, folder: Path) -> bool:
    """``path`` exists within ``folder``, its real path too, with no symbolic link on the way
    from the folder to it."""
    try:
        real_folder = folder.resolve(strict=True)
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    if not real.is_relative_to(real_folder) or not path.is_relative_to(folder):
        return False
    current = path
    while current != folder:
        if current.is_symlink():
            return False
        current = current.parent
    return True


def listed(out_root: Path, year: int) -> list[OutputFile]:
    """The year's files people may download, in the manifest's order, then prospects and what-if."""
    folder = year_dir(out_root, year)
    names = list((manifest(out_root, year).get("outputs") or {}).keys())
    names += [
        f"prospects/prospects_{year}.xlsx",
        f"prospects/prospects_{year}.csv",
        f"whatif/whatif_{year}.json",
    ]
    out = []
    for name in names:
        path = folder / name
        if (
            "\\" in name
            or name.startswith("/")
            or ".." in Path(name).parts
            or not path.is_file()
            or not inside(path, folder)
        ):
            continue
        out.append(OutputFile(name, path, path.stat().st_size, kind_of(name)))
    rank = {prefix: k for k, (prefix, _) in enumerate(KINDS)}
    return sorted(
        out,
        key=lambda f: (
            next((r for prefix, r in rank.items() if f.name.startswith(prefix)), len(rank)),
            f.name,
        ),
    )


def find(out_root: Path, year: int, name: str) -> OutputFile | None:
    return next((f for f in listed(out_root, year) if f.name == name), None)


def data_docs_file(out_root: Path, year: int, sub: str) -> Path | None:
    folder = year_dir(out_root, year) / "data_docs"
    parts = Path(sub or "index.html").parts
    if not parts or ".." in parts or sub.startswith("/") or "\\" in sub:
        return None
    path = folder.joinpath(*parts)
    return path if path.is_file() and inside(path, folder) else None


def content_disposition(name: str) -> str:
    """attachment with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987), so Chinese
    names download correctly in every browser."""
    base = Path(name).name
    fallback = (
        "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in base) or "download"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(base, safe='')}"
