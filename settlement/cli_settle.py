"""`settlement demo-data`, `run`, `pull`, `demo-source` and `validate`: getting a year's data and
settling it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .cli_common import YEAR_HELP, app, console, err, fail, guard, parse_years
from .cli_summary import print_summary


@app.command("demo-data")
def demo_data(
    out: Path = typer.Option(Path("landing"), "--out", help="着陆目录（每年一个子目录）"),
    years: str = typer.Option("2022-2025", "--years", help="年度范围，如 2022-2025"),
    enterprises: int = typer.Option(300, "--enterprises", min=10, help="企业数"),
    seed: int = typer.Option(20250101, "--seed", help="随机种子（同一种子得到同样的数据）"),
    errors: bool = typer.Option(
        True, "--errors/--no-errors", help="在最后一年加入两行典型错误数据，演示隔离"
    ),
) -> None:
    """生成演示用着陆数据（五个辖区、合法信用代码、园区、多年历史、各条款申报）。"""

    def body():
        from .demo import DemoSpec, write

        written = write(DemoSpec(out, parse_years(years), enterprises, seed, errors))
        for year, paths in written.items():
            console.print(f"{year}: " + "、".join(p.name for p in paths), highlight=False)
        console.print(f"演示数据已写入 {out}", highlight=False)

    guard(body)


@app.command()
def run(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    landing: Path = typer.Option(Path("landing"), "--landing", help="着陆目录"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(
        None, "--db", help="台账数据库 URL（默认 SETTLEMENT_DB_URL 或 sqlite:///./var/settlement.db）"
    ),
    replace_publicized: bool = typer.Option(
        False,
        "--replace-publicized",
        help="年度正在公示时，按新的输入重新结算、替换公示中的名单（须同时写明 --reason）",
    ),
    reason: str = typer.Option(
        None, "--reason", help="替换公示中名单的理由（记录在台账、manifest 和新名单上）"
    ),
) -> None:
    """导入 → 校验 → 计算 → 分配 → 输出草稿（awards.csv、公示名单、manifest.json）。"""

    def body():
        from .validation import background

        if replace_publicized and not (reason or "").strip():
            fail("--replace-publicized 必须同时用 --reason 写明理由", 2)
        background.start()  # Great Expectations' import, while this process reads the files
        try:
            from .pipeline import run as run_pipeline

            with console.status("结算中…") as status:
                result = run_pipeline(
                    year,
                    landing,
                    out,
                    db,
                    progress=lambda s: status.update(f"{s}…"),
                    replace_reason=reason if replace_publicized else None,
                )
        finally:
            background.stop()
        print_summary(result)

    guard(body, db)


@app.command()
def pull(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    source: str = typer.Option(
        ...,
        "--source",
        help=(
            "数据源：数据库 URL（如 postgresql+psycopg://…）、HTTP 接口地址（https://…，令牌放在"
            " SETTLEMENT_SOURCE_TOKEN）或一个着陆目录"
        ),
    ),
    landing: Path = typer.Option(Path("landing"), "--landing", help="着陆目录（写入 <着陆目录>/<年度>/）"),
    queries: Path = typer.Option(
        None, "--queries", help="数据库查询目录（默认 ./sql/pull，其次项目自带的 sql/pull）"
    ),
) -> None:
    """从数据库、HTTP 接口或目录拉取年度着陆数据，整体写入着陆目录，最后写 _pull.json 和 _READY。"""

    def body():
        from .pull import PullError
        from .pull import pull as run_pull

        try:
            with console.status("拉取中…") as status:
                result = run_pull(
                    year, source, landing, queries=queries, progress=lambda s: status.update(f"{s}…")
                )
        except PullError as exc:
            fail(str(exc), exc.code)
        console.print(f"数据源：{result.source}", highlight=False, markup=False)
        table = Table(title=f"{year}年着陆数据")
        for col, justify in (("文件", "left"), ("行数", "right"), ("SHA-256", "left")):
            table.add_column(col, justify=justify, overflow="fold")
        for name, info in sorted(result.files.items()):
            table.add_row(
                name, "" if info["rows"] is None else f"{info['rows']:,}", info["sha256"][:16] + "…"
            )
        console.print(table)
        for warning in result.warnings:
            err.print("注意：" + warning, highlight=False, markup=False)
        if result.carried_over:
            console.print(f"原目录中的{'、'.join(result.carried_over)}已保留到新目录", highlight=False)
        if result.previous:
            console.print(f"上一次的着陆目录已移到 {result.previous}", highlight=False)
        console.print(
            f"已写入 {result.folder}（拉取记录 _pull.json，就绪标志 _READY）。下一步：settlement run --year"
            f" {year} --landing {landing}（Airflow 中由就绪标志自动开始结算）",
            highlight=False,
        )

    guard(body)


@app.command("demo-source")
def demo_source(
    url: str = typer.Option(
        ...,
        "--url",
        help="要写入演示数据表的数据库 URL（PostgreSQL 可用 ?options=-csearch_path%3D模式名 指定模式）",
    ),
    years: str = typer.Option("2022-2025", "--years", help="年度范围，如 2022-2025"),
    enterprises: int = typer.Option(300, "--enterprises", min=10, help="企业数"),
    seed: int = typer.Option(20250101, "--seed", help="随机种子"),
) -> None:
    """生成演示数据并写入数据库表（表名与着陆文件同名），作为 settlement pull 的演示数据源。"""

    def body():
        import tempfile

        from .demo import DemoSpec, write
        from .pull import PullError
        from .pull.database import display_url
        from .pull.demo_source import fill

        span = parse_years(years)
        with tempfile.TemporaryDirectory() as folder:
            write(DemoSpec(Path(folder), span, enterprises, seed, False))
            try:
                counts = fill(url, Path(folder), span)
            except PullError as exc:
                fail(str(exc), exc.code)
        console.print("、".join(f"{name} {rows:,} 行" for name, rows in counts.items()), highlight=False)
        console.print(
            f"演示数据源已写入 {display_url(url)}。拉取：settlement pull --year {span[1]} --source '<同一"
            " URL>'",
            highlight=False,
        )

    guard(body)


@app.command()
def validate(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    landing: Path = typer.Option(Path("landing"), "--landing", help="着陆目录"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
) -> None:
    """只做校验并写出校验报告。"""

    def body():
        from .outputs import keep_validated, reject, staging_dir
        from .policies import load_catalog
        from .stages import ingest, run_uid_for
        from .stages import validate as run_validate

        catalog = load_catalog()
        landing_data = ingest(year, landing)
        run_uid = run_uid_for(year, landing_data.hashes, catalog.sha256)
        result, report = run_validate(landing_data, catalog, staging_dir(out, year, run_uid))
        # the year's folder holds the last good run's files: a check alone goes beside them
        folder = (
            keep_validated(out, year, run_uid)
            if result.ok
            else reject(out, year, run_uid, "；".join(result.blocking))
        )
        report = folder / report.name
        table = Table(title=f"{year}年数据校验（未通过的检查）", show_lines=False)
        for col in ("文件", "检查", "级别", "未通过"):
            table.add_column(col, overflow="fold")
        for c in result.checks:
            if c.failed:
                table.add_row(c.file, c.description, c.severity, str(c.failed))
        console.print(table)
        console.print(
            f"检查 {len(result.checks)} 项；隔离行 {sum(result.quarantined_rows.values())}；警告"
            f" {len(result.warnings)}",
            highlight=False,
        )
        console.print(
            f"报告：{report}、{report.with_suffix('.json')}、{report.parent / 'data_docs' / 'index.html'}",
            highlight=False,
        )
        if not result.ok:
            fail("数据校验未通过：\n" + "\n".join(result.blocking) + f"\n校验报告：{report}", 2)

    guard(body)
