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


def landing_ready_asset():
    """The asset a year's landing folder becomes when its ready flag appears: watched by the
    settlement DAG (``LandingReadyTrigger``) and updated by the pull DAG. One definition, used
    by both DAG files."""
    from airflow.sdk import Asset, AssetWatcher

    from .triggers import LandingReadyTrigger

    return Asset(
        name="settlement_landing_ready",
        uri=f"file://{landing_dir()}",
        watchers=[
            AssetWatcher(
                name="landing_ready_flag",
                trigger=LandingReadyTrigger(str(landing_dir()), str(watch_state_dir()), watch_interval()),
            )
        ],
    )


SOURCE_CONNECTION = "settlement_source"


def source_from_connection(conn) -> tuple[str, str | None]:
    """The pull source and token of an Airflow connection (``settlement_source``):
    a Postgres connection (host, port, login, password, schema = the database; extra
    ``search_path`` for the schema of the tables), an HTTP connection (host, port, schema = the
    scheme; extra ``base_path``; the password is the interface's token), or any connection whose
    extra holds ``sqlalchemy_url`` (no password in it; the connection's password is added)."""
    from sqlalchemy.engine import URL, make_url

    from .pull import PullError

    kind = (conn.conn_type or "").lower()
    extra = dict(getattr(conn, "extra_dejson", None) or {})
    if kind in ("postgres", "postgresql"):
        query = {"options": f"-csearch_path={extra['search_path']}"} if extra.get("search_path") else {}
        url = URL.create(
            "postgresql+psycopg",
            username=conn.login or None,
            password=conn.password or None,
            host=conn.host or None,
            port=conn.port or None,
            database=conn.schema or None,
            query=query,
        )
        return url.render_as_string(hide_password=False), None
    if kind in ("http", "https"):
        host = conn.host or ""
        if "://" not in host:
            host = f"{conn.schema or kind}://{host}"
        base = (
            host.rstrip("/")
            + (f":{conn.port}" if conn.port else "")
            + "/"
            + str(extra.get("base_path", "")).strip("/")
        )
        return base.rstrip("/"), conn.password or None
    if extra.get("sqlalchemy_url"):
        url = make_url(extra["sqlalchemy_url"])
        if conn.password:
            url = url.set(password=conn.password)
        return url.render_as_string(hide_password=False), None
    raise PullError(
        f"Airflow 连接 {SOURCE_CONNECTION} 的类型 {kind or '（空）'} 不能作为数据源：请用 Postgres 或"
        " HTTP 连接，"
        "或在 extra 中写 sqlalchemy_url",
        code=2,
    )


def pull_year(year: int, conn) -> dict:
    """Pull ``year`` from the connection's source into the landing folder; the ready payload
    (year, files, fingerprint), already marked as fired so the watcher does not start the year a
    second time: the pull DAG's asset event starts it."""
    from .pull import pull
    from .triggers import mark_fired, ready_payload

    source, token = source_from_connection(conn)
    result = pull(year, source, landing_dir(), token=token)
    payload = ready_payload(result.folder)
    mark_fired(payload, watch_state_dir())
    return {
        "payload": payload,
        "source": result.source,
        "warnings": result.warnings,
        "files": {name: info["sha256"] for name, info in result.files.items()},
    }
