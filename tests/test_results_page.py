"""The results page inside Airflow (settlement/web): every route refuses anonymous calls, bank
data only for users who may trigger the finalize DAG (each download recorded in the ledger),
nothing served from outside the output folder, Chinese file names that download correctly.

Authentication is Airflow's own: the SimpleAuthManager with a throwaway JWT secret and users of
each role; tokens are the ones Airflow issues (sent as the UI's cookie or as a bearer token)."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from urllib.parse import quote

import pytest

pytest.importorskip("airflow")
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

from settlement.lifecycle import finalize, publicize  # noqa: E402
from settlement.pipeline import run  # noqa: E402
from settlement.prospects import prospects_year  # noqa: E402

YEAR = 2025


@pytest.fixture(scope="module")
def settled(demo_landing, tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    db = f"sqlite:///{root / 'ledger.db'}"
    out = root / "out"
    run(YEAR, demo_landing, out, db)
    publicize(YEAR, date(YEAR, 9, 28), db_url=db, out_root=out)
    finalize(YEAR, db_url=db, out_root=out, today=date(YEAR, 10, 20))
    prospects_year(YEAR, db, out)
    return out, db


@pytest.fixture(scope="module")
def airflow_auth(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home")
    saved = dict(os.environ)
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__API_AUTH__JWT_SECRET": (
                "test-secret-for-the-results-page-0123456789-0123456789-0123456789"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer,officer:user",
        }
    )
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    from airflow import settings
    from airflow.api_fastapi.app import init_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.models.revoked_token import RevokedToken

    # Airflow's metadata database (a throwaway SQLite): token checks look up revoked tokens
    previous = settings.SQL_ALCHEMY_CONN
    settings.SQL_ALCHEMY_CONN = os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    settings.configure_orm()
    RevokedToken.__table__.create(settings.engine, checkfirst=True)
    manager = init_auth_manager()
    tokens = {
        name: manager.generate_jwt(SimpleAuthManagerUser(username=name, role=role))
        for name, role in (("viewer", "viewer"), ("officer", "user"), ("admin", "admin"))
    }
    yield tokens
    settings.dispose_orm()
    settings.SQL_ALCHEMY_CONN = previous
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def client(settled, airflow_auth):
    from settlement.web.app import create_app

    out, db = settled
    return TestClient(create_app(out, db))


def as_user(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_anonymous_gets_401_on_every_route(client):
    from starlette.routing import Route

    paths = {
        "/": "/",
        "/{year}": f"/{YEAR}",
        "/{year}/": f"/{YEAR}/",
        "/{year}/files/{name:path}": f"/{YEAR}/files/awards.csv",
        "/{year}/validation": f"/{YEAR}/validation",
        "/{year}/data_docs/{sub:path}": f"/{YEAR}/data_docs/index.html",
        "/{year}/search": f"/{YEAR}/search?q=x",
    }
    routes = [
        r
        for r in client.app.routes
        if isinstance(r, Route) and r.path in paths or getattr(r, "path", "").startswith("/{year}")
    ]
    assert {r.path for r in client.app.routes if isinstance(r, Route)} == set(paths), (
        "a new route needs its anonymous check"
    )
    for route in routes:
        for method in route.methods - {"HEAD"}:
            answer = client.request(method, paths[route.path], follow_redirects=False)
            assert answer.status_code == 401, (route.path, answer.status_code)
    client.cookies.set("_token", "not-a-token")
    assert client.get(f"/{YEAR}/files/awards.csv").status_code in (401, 403)  # a forged cookie is not a user


def test_the_year_page_lists_files_totals_and_validation(client, airflow_auth):
    page = client.get(f"/{YEAR}/", headers=as_user(airflow_auth["viewer"]))
    assert page.status_code == 200
    text = page.text
    assert (
        f"{YEAR}年度结算结果" in text and "已定稿" in text and "按资金来源" in text and "杭州市财政" in text
    )
    assert f'href="files/publicity_{YEAR}.xlsx"' in text
    assert (
        f'href="files/disbursement_{YEAR}.xlsx"' not in text
    )  # a viewer sees the bank files named, not linked
    assert "https://" not in text and "<script" not in text  # works offline; nothing fetched
    index = client.get("/", headers=as_user(airflow_auth["viewer"]))
    assert index.status_code == 200 and f'href="{YEAR}/"' in index.text


def test_bank_data_needs_the_finalize_permission_and_is_recorded(client, settled, airflow_auth):
    from settlement.ledger.models import Download

    out, db = settled
    name = f"disbursement_{YEAR}.xlsx"
    assert client.get(f"/{YEAR}/files/{name}", headers=as_user(airflow_auth["viewer"])).status_code == 403
    bank = next(p.name for p in (out / str(YEAR)).glob("bank_transfer_*.csv"))
    assert (
        client.get(f"/{YEAR}/files/{quote(bank)}", headers=as_user(airflow_auth["viewer"])).status_code == 403
    )
    got = client.get(f"/{YEAR}/files/{name}", headers=as_user(airflow_auth["officer"]))
    assert got.status_code == 200 and got.content == (out / str(YEAR) / name).read_bytes()
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(select(Download.__table__)).all()
    engine.dispose()
    assert [(r.file, r.user, r.sha256) for r in rows][-1] == (
        name,
        "officer",
        hashlib.sha256(got.content).hexdigest(),
    )
    page = client.get(f"/{YEAR}/", headers=as_user(airflow_auth["officer"]))
    assert "officer" in page.text and hashlib.sha256(got.content).hexdigest() in page.text
    # files without bank data: any signed-in user, nothing recorded
    public = client.get(f"/{YEAR}/files/publicity_{YEAR}.xlsx", headers=as_user(airflow_auth["viewer"]))
    assert public.status_code == 200


def test_chinese_file_names_download_correctly(client, settled, airflow_auth):
    out, _ = settled
    bank = next(p.name for p in (out / str(YEAR)).glob("bank_transfer_*.csv"))
    got = client.get(f"/{YEAR}/files/{quote(bank)}", headers=as_user(airflow_auth["admin"]))
    assert got.status_code == 200
    disposition = got.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote(bank, safe='')}" in disposition and disposition.isascii()
    prospects = client.get(
        f"/{YEAR}/files/prospects/prospects_{YEAR}.csv", headers=as_user(airflow_auth["viewer"])
    )
    assert prospects.status_code == 200 and prospects.content.startswith("\ufeff".encode())


def test_nothing_outside_the_output_folder(client, settled, airflow_auth, tmp_path):
    out, _ = settled
    headers = as_user(airflow_auth["admin"])
    for attempt in (
        f"/{YEAR}/files/..%2F..%2Fledger.db",
        f"/{YEAR}/files/%2e%2e/%2e%2e/ledger.db",
        f"/{YEAR}/files/%2Fetc%2Fpasswd",
        f"/{YEAR}/files/data_docs/../../../ledger.db",
        f"/{YEAR}/data_docs/..%2F..%2Fledger.db",
        f"/{YEAR}/files/rejected/rejected.json",
    ):
        answer = client.get(attempt, headers=headers)
        # 404; or 422 where the client already folded the dots away and "ledger.db" is no year
        assert answer.status_code in (404, 422), (attempt, answer.status_code)
        assert b"SQLite format" not in answer.content
    # a symbolic link inside the year's folder that points out of it is never followed
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the page", encoding="utf-8")
    link = out / str(YEAR) / "prospects" / f"prospects_{YEAR}.csv"
    saved = link.read_bytes()
    link.unlink()
    link.symlink_to(secret)
    try:
        assert client.get(f"/{YEAR}/files/prospects/prospects_{YEAR}.csv", headers=headers).status_code == 404
    finally:
        link.unlink()
        link.write_bytes(saved)
    assert client.get("/1999/", headers=headers).status_code == 404


def test_enterprise_search_shows_the_explanation(client, settled, airflow_auth):
    import pandas as pd

    out, _ = settled
    awards = pd.read_csv(out / str(YEAR) / "awards.csv", dtype=str)
    paid = awards[awards["status"] == "paid"].iloc[0]
    by_code = client.get(
        f"/{YEAR}/search", params={"q": paid["uscc"].lower()}, headers=as_user(airflow_auth["viewer"])
    )
    assert by_code.status_code == 200 and paid["name"] in by_code.text and "实付" in by_code.text
    assert paid["explanation"][:20] in by_code.text.replace("&quot;", '"').replace("&#x27;", "'")
    by_name = client.get(
        f"/{YEAR}/search", params={"q": paid["name"][2:6]}, headers=as_user(airflow_auth["viewer"])
    )
    assert paid["name"] in by_name.text
    nothing = client.get(
        f"/{YEAR}/search", params={"q": "<script>alert(1)</script>"}, headers=as_user(airflow_auth["viewer"])
    )
    assert nothing.status_code == 200 and "<script>alert" not in nothing.text


def test_validation_page(client, airflow_auth):
    page = client.get(f"/{YEAR}/validation", headers=as_user(airflow_auth["viewer"]))
    assert page.status_code == 200 and "隔离行" in page.text and "检查" in page.text


def test_the_plugin_registers_its_app_and_nav_entry():
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="airflow.plugins") if e.name == "settlement_results"]
    plugin = entry.load()
    assert plugin.fastapi_apps[0]["url_prefix"] == "/settlement"
    assert (
        plugin.external_views[0]["name"] == "结算结果" and plugin.external_views[0]["href"] == "/settlement/"
    )
