"""``settlement prospects``: the year's context read from the ledger (as the settlement reads
it), the prospects worked out by :mod:`settlement.engine.prospects`, and written as
``out/<year>/prospects/prospects_<year>.xlsx`` and ``.csv``. Reads only: the ledger and the
year's runs are not changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import load_settings
from .engine.prospects import prospects as find_prospects
from .explain import year_run
from .policies import load_catalog
from .publish import fixed_time
from .reports.prospects import write_prospects_csv, write_prospects_xlsx
from .stages.compute import year_context


@dataclass
class Prospects:
    year: int
    run_uid: str
    frame: pd.DataFrame
    xlsx: Path
    csv: Path
    skipped: list[str]  # clauses that could not be checked, with why

    @property
    def enterprises(self) -> int:
        return int(self.frame["uscc"].nunique()) if len(self.frame) else 0


def prospects_year(year: int, db: str | None, out_root: Path) -> Prospects:
    catalog = load_catalog()
    with year_run(year, db, "（可申报名单用同一份已校验入账的数据）") as (conn, run):
        ctx = year_context(conn, year, catalog)
    frame, skipped = find_prospects(ctx)
    folder = Path(out_root) / str(year) / "prospects"  # beside the run's files, not among them
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, csv = folder / f"prospects_{year}.xlsx", folder / f"prospects_{year}.csv"
    write_prospects_xlsx(xlsx, year, frame, load_settings(), run.run_uid, fixed_time(year), skipped)
    write_prospects_csv(csv, frame)
    return Prospects(year, run.run_uid, frame, xlsx, csv, skipped)
