"""settlement pull: a year's landing folder fetched from a database, an HTTP interface or a
folder, written all or nothing with _pull.json and _READY last, and settled exactly as the
same data dropped in a folder.

The database source is the demo landing loaded into typed tables in a schema of its own in
PostgreSQL's database ``test``; the HTTP source is a local server on 127.0.0.1 that serves
the same rows. Every fault leaves the earlier landing folder as it was and no new _READY."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from typer.testing import CliRunner

from settlement.cli import app
from settlement.lifecycle import finalize, publicize
from settlement.pipeline import run
from settlement.pull import PullError, pull
from settlement.pull import database as pull_database
from settlement.pull.demo_source import fill
from settlement.pull.landing import PREVIOUS, RECORD
from settlement.triggers import READY_FLAG

YEAR = 2025
TOKEN = "s3cr3t-token-for-tests"
FAST = {"backoff": 0.01, "timeout": 5.0}


@pytest.fixture(scope="module")
def clean_demo(tmp_path_factory) -> Path:
    """Demo landing 2022-2025 without the demo's deliberate error rows (a source database's
    typed columns could not hold them)."""
    from settlement.demo import DemoSpec, write

    root = tmp_path_factory.mktemp("clean_demo")
    write(DemoSpec(root, (2022, YEAR), enterprises=150, seed=11, with_errors=False))
    return root


@pytest.fixture
def pg_source(pg_url, clean_demo) -> str:
    fill(pg_url, clean_demo, (2022, YEAR))
    return pg_url


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def settle(landing: Path, out: Path, db: str):
    result = run(YEAR, landing, out, db)
    publicize(YEAR, date(YEAR, 9, 28), db_url=db, out_root=out)
    finalize(YEAR, db_url=db, out_root=out, today=date(YEAR, 10, 20))
    return result


def cells(path: Path, run_uid: str) -> dict:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [
            tuple(str(v).replace(run_uid, "<run>") if isinstance(v, str) else v for v in row)
            for row in ws.iter_rows(values_only=True)
        ]
        for ws in book.worksheets
    }


# --- database -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_database_pull_settles_like_the_dropped_folder(pg_source, clean_demo, tmp_path):
    landing = tmp_path / "landing"
    result = pull(YEAR, pg_source, landing)
    folder = landing / str(YEAR)
    assert result.folder == folder and (folder / READY_FLAG).is_file()
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    assert record["source"] == {"kind": "database", "location": pull_database.display_url(pg_source)}
    assert (
        record["files"]["budgets.csv"]["rows"] == 1
    )  # the source holds 2024 and 2025; the pull asks for 2025
    assert set(record["files"]) == {
        f"{n}.csv"
        for n in (
            "enterprises",
            "annual_stats",
            "applications",
            "parks",
            "fx_rates",
            "budgets",
            "prior_awards",
        )
    }

    direct = settle(clean_demo, tmp_path / "direct", f"sqlite:///{tmp_path / 'direct.db'}")
    pulled = settle(landing, tmp_path / "pulled", f"sqlite:///{tmp_path / 'pulled.db'}")
    a, b = direct.out_dir, pulled.out_dir
    same = ["awards.csv", f"publicity_{YEAR}.xlsx", f"changes_{YEAR}.csv"] + sorted(
        p.name for p in a.glob("bank_transfer_*.csv")
    )
    assert len(same) > 4
    for name in same:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # the disbursement list names the run, which is bound to the input files' bytes (CSV
    # written by the pull, GBK and xlsx in the demo folder): every other cell is the same
    assert direct.run_uid != pulled.run_uid
    assert cells(a / f"disbursement_{YEAR}.xlsx", direct.run_uid + "-final") == cells(
        b / f"disbursement_{YEAR}.xlsx", pulled.run_uid + "-final"
    )


@pytest.mark.postgres
def test_the_same_data_pulled_twice_gives_the_same_files_and_run(pg_source, tmp_path):
    from settlement.stages import ingest

    landing = tmp_path / "landing"
    pull(YEAR, pg_source, landing)
    first = files_of(landing / str(YEAR))
    (landing / str(YEAR) / "objections.csv").write_text(
        "uscc,policy_id,clause_id,decision,reason\n", encoding="utf-8"
    )
    (landing / str(YEAR) / "attachments").mkdir()
    (landing / str(YEAR) / "attachments" / "scan.pdf").write_bytes(b"%PDF")
    hashes = ingest(YEAR, landing).hashes
    second = pull(YEAR, pg_source, landing)
    again = files_of(landing / str(YEAR))
    for name, data in first.items():
        if name not in (RECORD, READY_FLAG):
            assert again[name] == data, name
    assert ingest(YEAR, landing).hashes == hashes  # so the draft run id is reused
    assert second.carried_over == ["attachments", "objections.csv"]
    assert (landing / str(YEAR) / "attachments" / "scan.pdf").read_bytes() == b"%PDF"
    assert (
        second.previous == landing / PREVIOUS / str(YEAR) and (second.previous / "enterprises.csv").is_file()
    )
    assert not [
        p for p in landing.iterdir() if p.name.startswith(".pull-") and p.is_dir()
    ]  # no staging left behind


@pytest.mark.postgres
def test_an_optional_table_the_source_lacks_is_named(pg_source, tmp_path):
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_source)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE prior_awards"))
    engine.dispose()
    result = pull(YEAR, pg_source, tmp_path / "landing")
    assert any("prior_awards" in w and "没有此表" in w for w in result.warnings)
    record = json.loads((tmp_path / "landing" / str(YEAR) / RECORD).read_text(encoding="utf-8"))
    assert record["warnings"] == result.warnings and "prior_awards.csv" not in record["files"]


@pytest.mark.postgres
def test_a_missing_required_table_or_bad_query_stops_and_keeps_the_earlier_folder(pg_source, tmp_path):
    from sqlalchemy import create_engine, text

    landing = tmp_path / "landing"
    pull(YEAR, pg_source, landing)
    before = files_of(landing / str(YEAR))
    queries = tmp_path / "queries"
    queries.mkdir()
    for path in pull_database.PROJECT_QUERIES.glob("*.sql"):
        (queries / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (queries / "parks.sql").write_text("SELECT park_id, no_such_column FROM parks", encoding="utf-8")
    with pytest.raises(PullError) as bad:
        pull(YEAR, pg_source, landing, queries=queries)
    assert "parks.sql" in str(bad.value) and "no_such_column" in str(bad.value) and bad.value.code == 2
    engine = create_engine(pg_source)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE enterprises"))
    engine.dispose()
    with pytest.raises(PullError) as missing:
        pull(YEAR, pg_source, landing)
    assert "enterprises" in str(missing.value)
    assert files_of(landing / str(YEAR)) == before


def test_no_password_is_written_anywhere(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "pull",
            "--year",
            "2025",
            "--source",
            "postgresql+psycopg://bob:hunter2@127.0.0.1:1/test",
            "--landing",
            str(tmp_path / "landing"),
        ],
    )
    assert result.exit_code == 1
    assert (
        "hunter2" not in result.output
        and "127.0.0.1" in result.output
        and "之前的着陆目录未改变" in result.output
    )
    assert not (tmp_path / "landing" / "2025").exists()


# --- HTTP -----------------------------------------------------------------------------------


class Source:
    """What the local test server serves and how it misbehaves."""

    def __init__(self, tables: dict[str, list[dict]], page_size: int = 100):
        self.tables, self.page_size = tables, page_size
        self.faults: dict[tuple[str, int], list] = {}  # (table, page) -> answers to give first
        self.requests: list[tuple[str, int, str]] = []
        self.short: set[str] = set()  # tables whose total_rows says one row more than served
        self.stop_after: int | None = None  # the server goes away after this many requests
        self.server = None


def rows_of(tables) -> dict[str, list[dict]]:
    def plain(v):
        return str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v

    return {
        t.name: [{c: plain(v) for c, v in zip(t.columns, row, strict=True)} for row in t.rows] for t in tables
    }


def serve(source: Source):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            table = parts.path.rsplit("/", 1)[-1]
            query = parse_qs(parts.query)
            page = int(query["page"][0])
            source.requests.append((table, page, self.headers.get("Authorization", "")))
            if source.stop_after is not None and len(source.requests) > source.stop_after:
                threading.Thread(
                    target=lambda: (source.server.shutdown(), source.server.server_close()), daemon=True
                ).start()
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.answer(401, b'{"error": "unauthorized"}')
            pending = source.faults.get((table, page))
            if pending:
                fault = pending.pop(0)
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                return self.answer(*fault)
            if table not in source.tables:
                return self.answer(404, b"{}")
            rows = source.tables[table]
            chunk = rows[(page - 1) * source.page_size : page * source.page_size]
            more = page * source.page_size < len(rows)
            body = {
                "rows": chunk,
                "next_page": page + 1 if more else None,
                "total_rows": len(rows) + (1 if table in source.short else 0),
            }
            return self.answer(200, json.dumps(body, ensure_ascii=False).encode())

        def answer(self, status, data: bytes):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    source.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/api/v1"


@pytest.fixture
def http_source(pg_source, tmp_path):
    tables, _ = pull_database.fetch(pg_source, YEAR)
    source = Source(rows_of(tables), page_size=100)
    server, base = serve(source)
    yield source, base
    if source.stop_after is None:
        server.shutdown()
    server.server_close()


@pytest.mark.postgres
def test_http_pull_gives_the_same_files_as_the_database(pg_source, http_source, tmp_path):
    source, base = http_source
    pull(YEAR, pg_source, tmp_path / "db")
    result = pull(YEAR, base, tmp_path / "http", token=TOKEN, http_options=FAST)
    db_files, http_files = files_of(tmp_path / "db" / str(YEAR)), files_of(tmp_path / "http" / str(YEAR))
    for name in db_files:
        if name not in (RECORD, READY_FLAG):
            assert http_files[name] == db_files[name], name
    assert (
        result.source == base and ("annual_stats", 8, f"Bearer {TOKEN}") in source.requests
    )  # 754 rows in pages of 100
    for path in (tmp_path / "http" / str(YEAR)).iterdir():
        assert TOKEN.encode() not in path.read_bytes()


@pytest.mark.postgres
def test_http_retries_a_server_error_then_succeeds(http_source, tmp_path):
    source, base = http_source
    source.faults[("annual_stats", 2)] = [(500, b"oops"), (503, b"busy")]
    result = pull(YEAR, base, tmp_path / "landing", token=TOKEN, http_options=FAST)
    assert [r[:2] for r in source.requests].count(("annual_stats", 2)) == 3
    assert (result.folder / READY_FLAG).is_file()


def earlier(base: str, tmp_path: Path) -> tuple[Path, dict]:
    landing = tmp_path / "landing"
    pull(YEAR, base, landing, token=TOKEN, http_options=FAST)
    return landing, files_of(landing / str(YEAR))


def refused(base: str, landing: Path, before: dict, token: str = TOKEN) -> PullError:
    with pytest.raises(PullError) as caught:
        pull(YEAR, base, landing, token=token, http_options=FAST)
    assert files_of(landing / str(YEAR)) == before  # the earlier landing, _READY included, as it was
    assert not [p for p in landing.iterdir() if p.name.startswith(".pull-") and p.is_dir()]
    assert "之前的着陆目录未改变" in str(caught.value)
    return caught.value


@pytest.mark.postgres
def test_http_faults_stop_the_pull_and_keep_the_earlier_folder(http_source, tmp_path):
    source, base = http_source
    landing, before = earlier(base, tmp_path)

    wrong = refused(base, landing, before, token="wrong")
    assert (
        wrong.code == 2
        and "HTTP 401" in str(wrong)
        and "SETTLEMENT_SOURCE_TOKEN" in str(wrong)
        and "wrong" not in str(wrong)
    )

    source.faults[("applications", 2)] = [
        (200, b'{"rows": [{"application_id": "A1"'),
    ]
    broken = refused(base, landing, before)
    assert broken.code == 2 and "applications 第 2 页不是合法的 JSON" in str(broken)

    source.short.add("enterprises")
    short = refused(base, landing, before)
    assert short.code == 2 and "enterprises 说共有 151 行，实际收到 150 行" in str(short)
    source.short.clear()

    source.faults[("annual_stats", 3)] = ["drop"] * 4
    gone = refused(base, landing, before)
    assert gone.code == 1 and "annual_stats 第 3 页" in str(gone) and "重试 4 次" in str(gone)

    source.faults[("parks", 1)] = [(400, b'{"error": "bad year"}')]
    bad = refused(base, landing, before)
    assert bad.code == 2 and "HTTP 400" in str(bad)


@pytest.mark.postgres
def test_http_server_going_away_mid_pull(http_source, tmp_path):
    source, base = http_source
    landing, before = earlier(base, tmp_path)
    source.stop_after = len(source.requests) + 5  # five more pages, then the server is gone
    gone = refused(base, landing, before)
    assert gone.code == 1 and "暂时不可用" in str(gone) and "重试 4 次" in str(gone)


def test_http_needs_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("SETTLEMENT_SOURCE_TOKEN", raising=False)
    result = CliRunner().invoke(
        app,
        [
            "pull",
            "--year",
            "2025",
            "--source",
            "https://data.example.invalid/api",
            "--landing",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2 and "SETTLEMENT_SOURCE_TOKEN" in result.output


# --- folder ---------------------------------------------------------------------------------


def test_folder_pull_copies_byte_for_byte(clean_demo, tmp_path):
    from settlement.stages import ingest

    landing = tmp_path / "landing"
    result = pull(YEAR, str(clean_demo), landing)
    assert result.kind == "folder"
    src = files_of(clean_demo / str(YEAR))
    got = files_of(landing / str(YEAR))
    assert {k: v for k, v in got.items() if k not in (RECORD, READY_FLAG)} == src
    assert (
        ingest(YEAR, landing).hashes == ingest(YEAR, clean_demo).hashes
    )  # the same run id as settling the folder itself


def test_folder_with_an_unknown_file_is_refused(clean_demo, tmp_path):
    import shutil

    source = tmp_path / "source"
    shutil.copytree(clean_demo / str(YEAR), source)
    (source / "企业名录(1).csv").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["pull", "--year", "2025", "--source", str(source), "--landing", str(tmp_path / "landing")]
    )
    assert result.exit_code == 2 and "企业名录(1).csv" in result.output
    assert not (tmp_path / "landing" / "2025").exists()


# --- Airflow ----------------------------------------------------------------------------------


def test_connections_become_sources():
    from types import SimpleNamespace

    from settlement.orchestration import source_from_connection

    pg = SimpleNamespace(
        conn_type="postgres",
        host="db.stats.local",
        port=5432,
        login="reader",
        password="pw",
        schema="stats",
        extra_dejson={"search_path": "platform"},
    )
    assert source_from_connection(pg) == (
        "postgresql+psycopg://reader:pw@db.stats.local:5432/stats?options=-csearch_path%3Dplatform",
        None,
    )
    http = SimpleNamespace(
        conn_type="http",
        host="data.example.gov.cn",
        port=None,
        login=None,
        password="tok",
        schema="https",
        extra_dejson={"base_path": "/api/v1/"},
    )
    assert source_from_connection(http) == ("https://data.example.gov.cn/api/v1", "tok")
    with pytest.raises(PullError):
        source_from_connection(
            SimpleNamespace(
                conn_type="ftp", host="x", port=None, login=None, password=None, schema=None, extra_dejson={}
            )
        )


@pytest.mark.slow
@pytest.mark.postgres
def test_pull_dag_against_the_database(pg_source, tmp_path):
    import subprocess
    import sys

    from sqlalchemy.engine import make_url
    from test_airflow import DAGS, ROOT, airflow_env

    from settlement.triggers import ready_payload, scan_ready

    schema = make_url(pg_source).query["options"].split("=", 1)[1]
    parsed = make_url(pg_source)
    connection = json.dumps(
        {
            "conn_type": "postgres",
            "host": parsed.host,
            "port": parsed.port,
            "schema": parsed.database,
            "extra": {"search_path": schema},
        }
    )
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(
        home,
        SETTLEMENT_LANDING=str(tmp_path / "landing"),
        SETTLEMENT_WATCH_STATE=str(tmp_path / "watch"),
        AIRFLOW_CONN_SETTLEMENT_SOURCE=connection,
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "airflow_dag_test_runner.py"),
            "ecommerce_pull",
            '{"year": 2025}',
            str(DAGS),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert "DAGRUN_STATE=success" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    folder = tmp_path / "landing" / str(YEAR)
    assert (folder / READY_FLAG).is_file() and (folder / "annual_stats.csv").is_file()
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    assert record["source"]["kind"] == "database" and schema in record["source"]["location"]
    # the pull's own asset event starts the settlement; the watcher does not start it again
    assert scan_ready(tmp_path / "landing", tmp_path / "watch") == []
    assert (tmp_path / "watch" / f"{YEAR}-{ready_payload(folder)['fingerprint'][:32]}.fired").is_file()
