"""Pull from the statistics platform's data-sharing interface over HTTP, as written in
``data_contracts/pull-http.md``: ``GET {base}/{table}?year=Y&page=N`` with a bearer token,
pages of ``{"rows": [...], "next_page": N or null, "total_rows": n}``.

Connection errors, timeouts and 5xx answers are retried with backoff; a 4xx answer, a page
that is not what the contract says, or a row count that does not match ``total_rows`` stops
the pull at once (retrying cannot fix them). Numbers are read as exact decimals."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

from ..ingest.contract import FILES
from .tables import PullError, Table

TOKEN_ENV = "SETTLEMENT_SOURCE_TOKEN"
MAX_PAGES = 100_000


def display_url(base: str) -> str:
    """The interface's address as it may be written down: no user, password, query or fragment."""
    parts = urlsplit(base)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


class Client:
    def __init__(self, base: str, token: str, timeout: float = 60.0, attempts: int = 4, backoff: float = 1.0):
        import httpx

        self.base = display_url(base)
        self.where = self.base
        self.attempts, self.backoff = max(1, attempts), backoff
        self.http = httpx.Client(
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self.http.close()

    def page(self, table: str, year: int, page: int):
        """One page's JSON, or None when the interface has no such table (404)."""
        import httpx

        url = f"{self.base}/{table}"
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.http.get(url, params={"year": year, "page": page})
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {str(exc)[:200]}"
            else:
                status = response.status_code
                if status < 300:
                    return self._json(response, table, page)
                if status == 404:
                    return None
                if status == 401:
                    raise PullError(
                        f"数据源 {self.where} 拒绝了令牌（HTTP 401，{table} 第 {page} 页）：请检查环境变量"
                        f" {TOKEN_ENV} 中的令牌是否正确、是否过期；之前的着陆目录未改变"
                    )
                if status == 403:
                    raise PullError(
                        f"数据源 {self.where} 拒绝访问 {table}（HTTP 403）：该令牌没有读取此表的权限，"
                        "请联系数据共享平台开通；之前的着陆目录未改变"
                    )
                if status < 500 and status != 429:
                    raise PullError(
                        f"数据源 {self.where} 拒绝了请求 {table} 第 {page} 页（HTTP"
                        f" {status}）：{response.text[:200]}；之前的着陆目录未改变"
                    )
                last = f"HTTP {status}"
            if attempt < self.attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise PullError(
            f"数据源 {self.where} 暂时不可用（{table} 第 {page} 页，重试 {self.attempts} 次仍失败：{last}）。"
            "之前的着陆目录未改变，请稍后重新拉取",
            code=1,
        )

    def _json(self, response, table: str, page: int) -> dict:
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise PullError(
                f"数据源 {self.where} 的 {table} 第 {page} "
                f"页不是合法的 JSON（{str(exc)[:120]}）；之前的着陆目录未改变"
            ) from None
        if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
            raise PullError(
                f'数据源 {self.where} 的 {table} 第 {page} 页格式不对：应为 {{"rows": [...], "next_page":'
                " 页码或 null}；之前的着陆目录未改变"
            )
        return body


def _rows(body: dict, table: str, page: int, where: str) -> list[dict]:
    rows = body["rows"]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise PullError(
                f"数据源 {where} 的 {table} 第 {page} 页第 "
                f"{number} 行不是对象（{{列名: 值}}）；之前的着陆目录未改变"
            )
        for key, value in row.items():
            if isinstance(value, (dict, list)):
                raise PullError(
                    f"数据源 {where} 的 {table} 第 {page} 页第 {number} 行 {key} 列是嵌套结构，"
                    "落地文件只接受文字、数字、日期和是否；之前的着陆目录未改变"
                )
    return rows


def fetch_table(client: Client, spec, year: int) -> Table | None:
    rows: list[dict] = []
    page, total = 1, None
    for _ in range(MAX_PAGES):
        body = client.page(spec.name, year, page)
        if body is None:
            if page == 1:
                return None
            raise PullError(
                f"数据源 {client.where} 的 {spec.name} 第 {page} 页不存在（HTTP 404），"
                "而上一页说有下一页；之前的着陆目录未改变"
            )
        rows.extend(_rows(body, spec.name, page, client.where))
        if body.get("total_rows") is not None:
            stated = body["total_rows"]
            if (
                not isinstance(stated, int)
                or isinstance(stated, bool)
                or (total is not None and stated != total)
            ):
                raise PullError(
                    f"数据源 {client.where} 的 {spec.name} 第 {page} 页 total_rows"
                    f" 不对（{stated!r}）；之前的着陆目录未改变"
                )
            total = stated
        following = body.get("next_page")
        if following is None:
            break
        if not isinstance(following, int) or isinstance(following, bool) or following <= page:
            raise PullError(
                f"数据源 {client.where} 的 {spec.name} 第 {page} 页 next_page 不对（{following!r}，应为大于"
                f" {page} 的页码或 null）；之前的着陆目录未改变"
            )
        page = following
    else:
        raise PullError(
            f"数据源 {client.where} 的 {spec.name} 超过 {MAX_PAGES} 页仍未结束；之前的着陆目录未改变"
        )
    if total is not None and total != len(rows):
        raise PullError(
            f"数据源 {client.where} 的 {spec.name} 说共有 {total} 行，实际收到 {len(rows)}"
            " 行（拉取不完整）；之前的着陆目录未改变，请稍后重新拉取"
        )
    known = [c.code for c in spec.columns]
    seen = {key for row in rows for key in row}
    columns = [c for c in known if c in seen] + sorted(seen - set(known))
    if not rows:
        columns = known
    return Table(spec.name, columns, [tuple(row.get(c) for c in columns) for row in rows])


def fetch(
    base: str, year: int, token: str | None, progress=None, **client_options
) -> tuple[list[Table], list[str]]:
    if not token:
        raise PullError(
            "从 HTTP 接口拉取需要令牌：请把数据共享平台发放的令牌放在环境变量 "
            f"{TOKEN_ENV} 中（不要写在命令或文件里）"
        )
    if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).hostname:
        raise PullError(f"数据源地址不对：{display_url(base)}，应为 http(s)://主机/路径")
    client = Client(base, token, **client_options)
    tables, warnings = [], []
    try:
        for spec in FILES:
            if progress:
                progress(f"拉取 {spec.name}")
            table = fetch_table(client, spec, year)
            if table is None:
                if spec.required:
                    raise PullError(
                        f"数据源 {client.where} 没有 {spec.name}（{spec.label}，"
                        "HTTP 404）：这是必需的着陆表；之前的着陆目录未改变"
                    )
                warnings.append(
                    f"{spec.name}（{spec.label}）：数据源 {client.where} 没有此表（HTTP 404），未拉取"
                )
                continue
            if spec.required and not table.rows:
                raise PullError(
                    f"数据源 {client.where} 的 {spec.name}（{spec.label}）"
                    f"没有任何行（{year} 年度）；之前的着陆目录未改变"
                )
            tables.append(table)
    finally:
        client.close()
    return tables, warnings
