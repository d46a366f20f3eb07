"""The results page's FastAPI app, mounted by the Airflow plugin under ``/settlement/``.

Airflow does not authenticate plugin apps; this one does, on every route, with Airflow's own
auth manager (the token the Airflow UI holds in its cookie, or a bearer token): anonymous calls
get 401 and nothing else. Files with bank data (the disbursement list, the bank transfer files)
are served only to users the auth manager allows to trigger the finalize DAG, and each such
download is recorded in the ledger first (who, when, which file, its SHA-256); when it cannot be
recorded, it is refused. Everything else is read-only: the page changes nothing."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from ..engine.frames import LINE_STATUS_WORDS
from ..hashing import sha256_of
from . import files, pages

FINALIZE_DAG = "ecommerce_settlement_finalize"


def _get_user_dependency():
    from airflow.api_fastapi.core_api.security import get_user

    return get_user


User = Annotated[object, Depends(_get_user_dependency())]


def may_pay(user) -> bool:
    """Allowed to trigger the finalize DAG: the permission Airflow already models for paying."""
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

    return bool(
        get_auth_manager().is_authorized_dag(
            method="POST", access_entity=DagAccessEntity.RUN, details=DagDetails(id=FINALIZE_DAG), user=user
        )
    )


def user_name(user) -> str:
    return str(getattr(user, "get_name", lambda: getattr(user, "username", "?"))())


def create_app(out_root: Path | None = None, db: str | None = None) -> FastAPI:
    """The app; ``out_root`` and ``db`` default to the DAGs' settings (SETTLEMENT_OUT, SETTLEMENT_DB_URL)."""
    from ..orchestration import db_url, out_dir

    app = FastAPI(title="结算结果", docs_url=None, redoc_url=None, openapi_url=None)

    def out() -> Path:
        return Path(out_root) if out_root is not None else out_dir()

    def ledger() -> str | None:
        return db if db is not None else db_url()

    def known_year(year: int) -> int:
        if year not in files.years(out()):
            raise HTTPException(404, f"没有 {year} 年度的结算结果")
        return year

    @app.get("/", response_class=HTMLResponse)
    def index(user: User) -> str:
        return pages.index_page([_summary(out(), y) for y in files.years(out())])

    @app.get("/{year}", include_in_schema=False)
    def year_without_slash(year: int, user: User):
        return RedirectResponse(f"{known_year(year)}/")

    @app.get("/{year}/", response_class=HTMLResponse)
    def year_page(year: int, user: User) -> str:
        known_year(year)
        info = _summary(out(), year, with_policies=True)
        info["sources"] = _sources(ledger(), year)
        return pages.year_page(
            year,
            info,
            files.listed(out(), year),
            may_pay(user),
            _downloads(ledger(), year),
            _validation(out(), year),
        )

    @app.get("/{year}/files/{name:path}")
    def download(year: int, name: str, user: User):
        known_year(year)
        found = files.find(out(), year, name)
        if found is None:
            raise HTTPException(404, "没有这个文件")
        if found.bank:
            if not may_pay(user):
                raise HTTPException(
                    403, "含银行账户的文件只提供给有拨付权限（可触发 ecommerce_settlement_finalize）的用户"
                )
            _record_download(ledger(), year, found, user_name(user))
        return FileResponse(
            found.path,
            headers={"Content-Disposition": files.content_disposition(found.name)},
            media_type=_media_type(found.name),
        )

    @app.get("/{year}/validation", response_class=HTMLResponse)
    def validation(year: int, user: User) -> str:
        known_year(year)
        report = _validation(out(), year)
        if report is None:
            raise HTTPException(404, "没有找到该年度的校验报告")
        return pages.validation_page(year, report)

    @app.get("/{year}/data_docs/{sub:path}")
    def data_docs(year: int, sub: str, user: User):
        known_year(year)
        path = files.data_docs_file(out(), year, sub)
        if path is None:
            raise HTTPException(404, "没有这个数据文档页面（Data Docs 只在 SETTLEMENT_DATA_DOCS 打开时生成）")
        return FileResponse(path)

    @app.get("/{year}/search", response_class=HTMLResponse)
    def search(year: int, user: User, q: Annotated[str, Query(min_length=1, max_length=100)]) -> str:
        known_year(year)
        lines, words = _lines_for(ledger(), year, q)
        return pages.search_page(year, q, lines, _prospects_for(out(), year, q), words)

    return app


def _media_type(name: str) -> str:
    return {
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
    }.get(Path(name).suffix, "application/octet-stream")


def _summary(out_root: Path, year: int, with_policies: bool = False) -> dict:
    m = files.manifest(out_root, year)
    totals = m.get("totals") or {}
    factors = m.get("scale_factors") or {}
    window = m.get("publicity") or {}
    info = {
        "year": year,
        "status": "corrected" if m.get("supersedes_run_id") else m.get("status", "—"),
        "run_id": m.get("run_id", "—"),
        "window": f"{window['start']} 至 {window['deadline']}" if window.get("start") else "—",
        "finalized_on": m.get("finalized_on") or "",
        "paid_lines": sum(int(t.get("paid_lines", 0)) for t in totals.values()),
        "paid_total": sum(int(round(float(t.get("paid_total", 0)) * 100)) for t in totals.values()),
        "factors": "；".join(
            f"{_short_name(pid)} {f.get('factor_decimal')}"
            for pid, f in sorted(factors.items())
            if f.get("scaled")
        )
        or "1",
    }
    if with_policies:
        from ..policies import load_catalog

        names = {p.id: p.citation for p in load_catalog().policies}
        info["policies"] = [
            {
                "name": names.get(pid, pid),
                "paid_lines": int(t.get("paid_lines", 0)),
                "payees": int(t.get("payees", 0)),
                "paid_total": t.get("paid_total", "0"),
                "city_share": t.get("city_share", "0"),
                "district_share": t.get("district_share", "0"),
                "factor": (factors.get(pid) or {}).get("factor_decimal", "1"),
            }
            for pid, t in totals.items()
        ]
    return info


def _short_name(policy_id: str) -> str:
    from ..policies import load_catalog

    policy = load_catalog().by_id.get(policy_id)
    return policy.short_name if policy else policy_id


def _engine(db: str | None):
    from ..explain import NoLedger, existing_ledger

    try:
        return existing_ledger(db)
    except NoLedger:
        return None


def _sources(db: str | None, year: int) -> list[dict]:
    """Per funding source, from the year's newest run: transfers (one per payee) and money."""
    engine = _engine(db)
    if engine is None:
        return []
    from ..explain import latest_run
    from ..ledger.models import AwardLine, Enterprise
    from ..ledger.read import read_table
    from ..policies import load_catalog
    from ..reports.payments import shares, sources_in_order

    try:
        with engine.connect() as conn:
            run = latest_run(conn, year)
            if run is None:
                return []
            table = AwardLine.__table__
            lines = read_table(
                conn,
                AwardLine,
                where=(table.c.run_id == run.id) & (table.c.final_amount != 0),
                order_by=("line_no",),
            )
            enterprises = read_table(conn, Enterprise)
    finally:
        engine.dispose()
    if not len(lines):
        return []
    regions = (
        lines["payee_uscc"]
        .map(enterprises.set_index("uscc")["region_code"])
        .fillna("")
        .astype(str)
        .reset_index(drop=True)
    )
    rows = shares(lines.reset_index(drop=True), load_catalog(), regions)
    rows["payee"] = lines["payee_uscc"].to_numpy()[rows["line"].to_numpy()]
    return [
        {
            "source": s.label,
            "transfers": int(rows.loc[rows["source"] == s.name, "payee"].nunique()),
            "fen": int(rows.loc[rows["source"] == s.name, "amount"].sum()),
        }
        for s in sources_in_order(rows)
    ]


def _downloads(db: str | None, year: int) -> list[dict]:
    engine = _engine(db)
    if engine is None:
        return []
    from sqlalchemy import inspect, select

    from ..ledger.models import Download

    try:
        if not inspect(engine).has_table(Download.__tablename__):
            return []
        with engine.connect() as conn:
            t = Download.__table__
            rows = conn.execute(select(t).where(t.c.year == year).order_by(t.c.id.desc()).limit(200)).all()
    finally:
        engine.dispose()
    return [
        {
            "at": r.at.strftime("%Y-%m-%d %H:%M:%S") if r.at else "",
            "user": r.user,
            "file": r.file,
            "sha256": r.sha256,
        }
        for r in rows
    ]


def _record_download(db: str | None, year: int, found: files.OutputFile, who: str) -> None:
    """Write the download to the ledger before the file leaves; refuse when it cannot be written."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from ..ledger.models import Download

    digest = sha256_of(found.path)
    engine = _engine(db)
    if engine is None:
        raise HTTPException(503, "台账不可用，无法记录下载，含银行账户的文件暂不提供")
    try:
        if not inspect(engine).has_table(Download.__tablename__):
            raise HTTPException(
                503, "台账尚未升级（没有下载记录表），请先运行一次 settlement run；含银行账户的文件暂不提供"
            )
        with engine.begin() as conn:
            conn.execute(
                Download.__table__.insert().values(
                    year=year, file=found.name, sha256=digest, user=who[:200], at=datetime.now(UTC)
                )
            )
    except SQLAlchemyError:
        raise HTTPException(503, "台账写入失败，无法记录下载，含银行账户的文件暂不提供") from None
    finally:
        engine.dispose()


def _validation(out_root: Path, year: int) -> dict | None:
    folder = files.year_dir(out_root, year)
    path = folder / f"validation_{year}.json"
    if not files.inside(path, folder):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _lines_for(db: str | None, year: int, query: str) -> tuple[list[dict], str]:
    """The year's award lines of the enterprises whose code is ``query`` or whose name contains it."""
    engine = _engine(db)
    if engine is None:
        return [], "台账不可用"
    from sqlalchemy import or_, select

    from ..explain import latest_run, normalise_code
    from ..ledger.models import AwardLine

    code = normalise_code(query)
    t = AwardLine.__table__
    try:
        with engine.connect() as conn:
            run = latest_run(conn, year)
            if run is None:
                return [], f"台账中没有{year}年的结算"
            found = conn.execute(
                select(t)
                .where(
                    t.c.run_id == run.id,
                    or_(
                        t.c.payee_uscc == code,
                        t.c.subject_uscc == code,
                        t.c.name.contains(query.strip(), autoescape=True),
                    ),
                )
                .order_by(t.c.payee_uscc, t.c.line_no)
                .limit(200)
            ).all()
    finally:
        engine.dispose()
    lines = [
        {
            "name": r.name,
            "payee_uscc": r.payee_uscc,
            "policy": _short_name(r.policy_id),
            "clause_id": r.clause_id,
            "status_words": LINE_STATUS_WORDS.get(r.status, r.status),
            "final_amount": r.final_amount,
            "explanation": r.explanation,
        }
        for r in found
    ]
    return lines, f"结算 {run.run_uid}（{pages.STATUS_WORDS.get(run.status, run.status)}）；最多列出 200 笔"


def _prospects_for(out_root: Path, year: int, query: str) -> list[dict]:
    from ..explain import normalise_code

    found = files.find(out_root, year, f"prospects/prospects_{year}.csv")
    if found is None:
        return []
    code, text = normalise_code(query), query.strip()
    with open(found.path, encoding="utf-8-sig", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["uscc"] == code or (text and text in r["name"])][:100]
