"""Pull from a database the bureau is granted read access to: one query per landing table,
read from ``sql/pull/<table>.sql`` (a bureau edits the SQL, not Python), with the year bound
as ``:year``. Any dialect SQLAlchemy speaks; the connection is read-only in intent (the queries
are SELECTs) and closed when the pull ends."""

from __future__ import annotations

from pathlib import Path

from ..ingest.contract import FILES
from .tables import PullError, Table

PROJECT_QUERIES = Path(__file__).resolve().parents[2] / "sql" / "pull"
MISSING_TABLE_STATES = {"42P01", "42S02"}  # undefined table (PostgreSQL; SQL standard / ODBC)


def queries_dir(given: Path | None = None) -> Path:
    """The folder of query files: the one given, else ``./sql/pull`` where the command runs,
    else the project's shipped defaults."""
    for folder in (given,) if given else (Path("sql/pull"), PROJECT_QUERIES):
        if folder and folder.is_dir():
            return folder
    raise PullError(
        f"找不到拉取查询目录 {given or PROJECT_QUERIES}：其中应有每个着陆表的查询文件（如 enterprises.sql），"
        "请用 --queries 指定",
        code=2,
    )


def display_url(url: str) -> str:
    """The source as it may be written down: no password, no query options that could hold one."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    secret = ("pass", "token", "secret", "key", "auth")
    query = {k: v for k, v in parsed.query.items() if not any(word in k.lower() for word in secret)}
    return parsed._replace(password=None).set(query=query).render_as_string(hide_password=False)


def _missing_table(exc) -> bool:
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    if state in MISSING_TABLE_STATES:
        return True
    text = str(orig or exc).lower()
    return "no such table" in text or "doesn't exist" in text  # SQLite, MySQL/MariaDB (1146)


def fetch(url: str, year: int, queries: Path | None = None, progress=None) -> tuple[list[Table], list[str]]:
    """Every landing table from the database at ``url``: the tables and the warnings (optional
    tables the source does not have). A required table that is missing, a query that fails or
    returns no rows for a required table stops the pull."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    folder = queries_dir(queries)
    where = display_url(url)
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise PullError(
            f"数据源 URL 无法使用（{type(exc).__name__}）：{where}。请写成 SQLAlchemy URL，如"
            " postgresql+psycopg://用户@主机:5432/库名",
            code=2,
        ) from None
    tables, warnings = [], []
    try:
        with engine.connect() as conn:
            for spec in FILES:
                path = folder / f"{spec.name}.sql"
                if not path.is_file():
                    if spec.required:
                        raise PullError(
                            f"缺少查询文件 {path}：{spec.name}（{spec.label}）是必需的着陆表", code=2
                        )
                    warnings.append(
                        f"{spec.name}（{spec.label}）：查询目录 {folder} 中没有 {spec.name}.sql，未拉取"
                    )
                    continue
                if progress:
                    progress(f"拉取 {spec.name}")
                statement = text(path.read_text(encoding="utf-8"))
                params = {"year": year} if "year" in statement.compile().params else {}
                try:
                    result = conn.execute(statement, params)
                except DBAPIError as exc:
                    conn.rollback()
                    if _missing_table(exc) and not spec.required:
                        warnings.append(
                            f"{spec.name}（{spec.label}）：数据源 {where} 中没有此表，未拉取（查询 {path}）"
                        )
                        continue
                    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
                    if isinstance(exc.orig, Exception) and exc.connection_invalidated:
                        raise PullError(
                            f"数据源 {where} 连接中断：{detail}。之前的着陆目录未改变，请恢复后重新拉取",
                            code=1,
                        ) from None
                    raise PullError(
                        f"数据源 {where} 执行查询 {path} 失败：{detail}。"
                        "请检查该查询或数据源中的表和列后重新拉取；之前的着陆目录未改变",
                        code=2,
                    ) from None
                table = Table(spec.name, [str(c) for c in result.keys()], [tuple(row) for row in result])
                if spec.required and not table.rows:
                    raise PullError(
                        f"数据源 {where} 的 {spec.name}（{spec.label}）查询 {path} 没有返回任何行（{year}"
                        " 年度）；之前的着陆目录未改变",
                        code=2,
                    )
                tables.append(table)
    except PullError:
        raise
    except DBAPIError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise PullError(
            f"无法连接数据源 {where}：{detail}。之前的着陆目录未改变，请检查地址、网络和权限后重新拉取",
            code=1,
        ) from None
    finally:
        engine.dispose()
    return tables, warnings
