"""What the Airflow DAGs need from the settlement package besides the stages: where things are
(environment), and which year a DAG run settles. Plain Python, tested without Airflow."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path(os.environ.get("SETTLEMENT_HOME", Path.cwd()))


def landing_dir() -> Path:
    return Path(os.environ.get("SETTLEMENT_LANDING", DEFAULT_HOME / "landing")).resolve()


def out_dir() -> Path:
    return Path(os.environ.get("SETTLEMENT_OUT", DEFAULT_HOME / "out")).resolve()


def work_dir(year: int, run_id: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)
    return out_dir() / str(year) / ".work" / safe


def watch_state_dir() -> Path:
    return Path(os.environ.get("SETTLEMENT_WATCH_STATE", DEFAULT_HOME / "var" / "watch")).resolve()


def watch_interval() -> float:
    """Seconds between two looks at the landing folder for ready flags."""
    return float(os.environ.get("SETTLEMENT_WATCH_INTERVAL", "30"))


def db_url() -> str | None:
    return os.environ.get("SETTLEMENT_DB_URL")


def year_for_run(params: dict | None, triggering_asset_events, logical_date) -> int:
    """The year a DAG run settles: ``params.year`` (manual run) first; else the year in the
    ready-flag event that started it; else the year before the scheduled (logical) date."""
    year = (params or {}).get("year")
    if year is not None:
        return int(year)
    for events in (triggering_asset_events or {}).values():
        for event in events:
            payload = (getattr(event, "extra", None) or {}).get("payload") or {}
            if payload.get("year") is not None:
                return int(payload["year"])
    if logical_date is None:
        raise ValueError("无法确定结算年度：请在手动运行时填写 year 参数")
    return int(logical_date.year) - 1
