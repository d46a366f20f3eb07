"""The ``settlement`` command. Messages are for people: no traceback for bad input.

Exit status: 0 done; 2 the input failed validation (the report's path is printed); 1 any
other error (set ``SETTLEMENT_DEBUG=1`` to see the traceback of an unexpected error).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help="电子商务扶持政策年度结算（settlement）")
# a terminal's own width; a log or pipe gets lines wide enough for the summary table
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

YEAR_HELP = "结算年度，如 2025"


def _years(text: str) -> tuple[int, int]:
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def _fail(message: str, code: int) -> None:
    from .ledger.db import scrub

    err.print("[bold red]错误：[/]", end="", highlight=False)
    err.print(
        scrub(message), highlight=False, markup=False, soft_wrap=True
    )  # data in a message is never markup; lines are not cut
    raise typer.Exit(code)


OS_WORDS = {
    "ENOSPC": (
        "磁盘空间不足，写入 {path} 失败："
        "请清理磁盘空间后重新运行（已完成的文件都是完整的，写了一半的文件不会留下）"
    ),
    "EDQUOT": "磁盘配额已满，写入 {path} 失败：请清理空间后重新运行",
    "EACCES": "没有权限访问 {path}：请检查该文件或目录的权限，或用 --landing / --out / --db 指定有权限的位置",
    "EPERM": "没有权限访问 {path}：请检查该文件或目录的权限，或用 --landing / --out / --db 指定有权限的位置",
    "EROFS": "{path} 在只读的磁盘上，不能写入：请用 --out / --db 指定可写的位置",
    "EISDIR": "{path} 是一个目录，这里需要的是文件：请检查命令中的路径",
    "ENOTDIR": "{path} 中有一段不是目录（可能是同名的文件）：请检查命令中的路径",
    "ENOENT": "找不到 {path}：请检查命令中的路径",
    "ENAMETOOLONG": "路径过长：{path}",
}


def os_message(exc: OSError) -> str:
    """An operating system's refusal in the bureau's words, naming the path and what to do."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    path = exc.filename or "（未给出路径）"
    words = OS_WORDS.get(name)
    if words:
        return words.format(path=path)
    return (
        f"操作系统拒绝了对 {path} 的操作（{exc.strerror or type(exc).__name__}）：请检查路径、"
        "权限和磁盘空间后重新运行"
    )


def _guard(fn, db: str | None = None):
    """Run a command body and turn errors into messages and exit codes (``db``: the ledger URL
    the command uses, named in database errors)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from .config import SettingsError
    from .engine.facts import FactError
    from .errors import InputError, RunRefused
    from .ingest import LandingError
    from .ledger.db import DatabaseConfigError, db_url, scrub
    from .ledger.locks import LedgerBusy, YearBusy
    from .policies import PolicyLoadError

    try:
        return fn()
    except typer.Exit:
        raise
    except InputError as exc:
        msg = str(exc) + (f"\n校验报告：{exc.report}" if exc.report else "")
        _fail(msg, 2)
    except (LandingError, FactError) as exc:
        _fail(str(exc), 2)
    except (RunRefused, PolicyLoadError, YearBusy, LedgerBusy, DatabaseConfigError, SettingsError) as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        _fail("已中断", 1)
    except DBAPIError as exc:  # nothing half-done was committed: the transaction rolled back
        detail = (str(getattr(exc, "orig", None) or "").strip() or type(exc).__name__).splitlines()[0][:200]
        where = f"台账数据库 {scrub(db_url(db))}"
        if "readonly" in detail or "read-only" in detail:
            _fail(
                f"{where} 是只读的，不能写入："
                f"{detail}\n请检查数据库文件及其目录的写权限，或用 --db 指定可写的台账。",
                1,
            )
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            _fail(
                f"{where} 不可用或连接中断：{detail}\n"
                "本次操作的数据库事务已回滚，台账中不会留下半个年度；请在数据库恢复后重新运行同一命令。",
                1,
            )
        _fail(
            f"{where}"
            f" 拒绝了本次操作（{type(getattr(exc, 'orig', exc)).__name__}）"
            f"：{detail}\n本次操作的数据库事务已回滚，"
            "台账未改变。",
            1,
        )
    except OSError as exc:
        _fail(os_message(exc), 1)
    except Exception as exc:  # anything unexpected: a message, not a traceback
        if os.environ.get("SETTLEMENT_DEBUG"):
            raise
        # scrubbed before it is cut short, so that no half URL keeps its password
        _fail(f"{type(exc).__name__}: {scrub(exc)[:500]}（设置 SETTLEMENT_DEBUG=1 可查看详细信息）", 1)


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

        written = write(DemoSpec(out, _years(years), enterprises, seed, errors))
        for year, paths in written.items():
            console.print(f"{year}: " + "、".join(p.name for p in paths), highlight=False)
        console.print(f"演示数据已写入 {out}", highlight=False)

    _guard(body)


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
        from .pipeline import run as run_pipeline

        if replace_publicized and not (reason or "").strip():
            _fail("--replace-publicized 必须同时用 --reason 写明理由", 2)
        with console.status("结算中…") as status:
            result = run_pipeline(
                year,
                landing,
                out,
                db,
                progress=lambda s: status.update(f"{s}…"),
                replace_reason=reason if replace_publicized else None,
            )
        print_summary(result)

    _guard(body, db)


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
            _fail(str(exc), exc.code)
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

    _guard(body)


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

        span = _years(years)
        with tempfile.TemporaryDirectory() as folder:
            write(DemoSpec(Path(folder), span, enterprises, seed, False))
            try:
                counts = fill(url, Path(folder), span)
            except PullError as exc:
                _fail(str(exc), exc.code)
        console.print("、".join(f"{name} {rows:,} 行" for name, rows in counts.items()), highlight=False)
        console.print(
            f"演示数据源已写入 {display_url(url)}。拉取：settlement pull --year {span[1]} --source '<同一"
            " URL>'",
            highlight=False,
        )

    _guard(body)


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
            _fail("数据校验未通过：\n" + "\n".join(result.blocking) + f"\n校验报告：{report}", 2)

    _guard(body)


@app.command()
def explain(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    uscc: str = typer.Option(..., "--uscc", help="统一社会信用代码"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
) -> None:
    """逐条打印一家企业当年的每一笔奖励及其计算说明。"""

    def body():
        from .engine.frames import LINE_STATUS_WORDS
        from .explain import NoLedger, lines_for, normalise_code
        from .ledger.db import db_url, scrub
        from .policies.loader import load_catalog

        code = normalise_code(uscc)
        try:
            lines, run = lines_for(year, code, db)
        except NoLedger as exc:
            _fail(str(exc), 1)
        if run is None:
            _fail(
                f"台账 {scrub(db_url(db))} 中没有{year}年的结算记录，请先运行 settlement run --year"
                f" {year}（或用 --db 指定另一个台账）",
                1,
            )
        if not len(lines):
            console.print(
                f"{code} 在 {year} 年（{run.run_uid}，{run.status}）没有奖励记录。", highlight=False
            )
            return
        console.print(
            f"[bold]{lines['name'].iloc[0]}（{code}）{year}年 · 结算 {run.run_uid}（{run.status}）[/]",
            highlight=False,
        )
        matter_label = load_catalog().matter_label
        for r in lines.itertuples(index=False):
            console.print(
                f"\n[bold]{r.policy_id} 第{r.clause_id}条 · {matter_label(r.matter)} ·"
                f" {LINE_STATUS_WORDS.get(r.status, r.status)} · 实付 {yuan(int(r.final_amount))} 元[/]",
                highlight=False,
            )
            console.print(r.explanation, highlight=False, soft_wrap=True)

    _guard(body, db)


@app.command()
def prospects(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录（写 <输出目录>/<年度>/prospects/）"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
) -> None:
    """可申报未申报名单（免申即享推送）：按统计数据符合条款条件、但未提交申报的企业。只读台账。"""

    def body():
        from .explain import NoLedger
        from .prospects import prospects_year

        try:
            result = prospects_year(year, db, out)
        except NoLedger as exc:
            _fail(str(exc), 1)
        frame = result.frame
        table = Table(title=f"{year}年可申报未申报企业（结算 {result.run_uid} 的数据）", title_justify="left")
        for col in ("政策文件", "条款及奖励事项", "企业数", "预计奖励合计(元，按数据可定的)"):
            table.add_column(
                col, justify="right" if "企业" in col or "元" in col else "left", overflow="fold"
            )
        if len(frame):
            from .policies import load_catalog

            order = {
                (p.id, c.id): k
                for k, (p, c) in enumerate((p, c) for p in load_catalog().policies for c in p.clauses)
            }
            groups = sorted(
                frame.groupby(["policy_id", "clause_id"], sort=False),
                key=lambda g: order.get(g[0], len(order)),
            )
            for _, part in groups:
                known = part["estimate_fen"][part["estimate_fen"] >= 0]
                estimate = yuan(int(known.sum())) if len(known) == len(part) else "按申报材料核定"
                table.add_row(
                    part["policy"].iloc[0], part["reward"].iloc[0], str(part["uscc"].nunique()), estimate
                )
        console.print(table)
        for note in result.skipped:
            err.print("注意：" + note, highlight=False, markup=False)
        console.print(
            f"可申报未申报：{len(frame)}项，{result.enterprises}家企业。名单：{result.xlsx}、{result.csv}",
            highlight=False,
        )

    _guard(body, db)


@app.command()
def whatif(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    budget: list[str] = typer.Option(
        None,
        "--budget",
        help="假设预算：政策编号=金额（元），如 cixi-2024-8=12000000；可写多次，每个单独测算",
    ),
    out: Path = typer.Option(
        Path("out"), "--out", help="输出目录（写 <输出目录>/<年度>/whatif/whatif_<年度>.json）"
    ),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
) -> None:
    """预算测算：全额兑现需要多少、给定预算能兑现多少（按比例下调到分）。只读台账，不改变任何结算。"""

    def body():
        from .allocation import factor_text
        from .explain import NoLedger
        from .policies import load_catalog
        from .whatif import parse_budgets
        from .whatif import whatif as run_whatif

        try:
            assumed = [parse_budgets([value], load_catalog()) for value in budget or []]
            result = run_whatif(year, db, assumed, out)
        except ValueError as exc:
            _fail(str(exc), 2)
        except NoLedger as exc:
            _fail(str(exc), 1)
        console.print(
            f"[bold]{year}年预算测算[/] · 结算 {result.run_uid}（{result.run_status}）· 金额单位：元",
            highlight=False,
        )
        for s in result.scenarios:
            table = Table(title=s.label, title_justify="left")
            for col in ("政策", "全额兑现(足额所需预算)", "预算", "下调系数", "实付合计", "市级", "区县级"):
                table.add_column(col, justify="left" if col == "政策" else "right", overflow="fold")
            for p in s.policies:
                table.add_row(
                    p.name,
                    yuan(p.full_total),
                    yuan(p.budget) if p.budget is not None else f"—（{p.budget_source}）",
                    factor_text(p.factor),
                    yuan(p.paid_total),
                    yuan(p.city_total),
                    yuan(p.district_total),
                )
            table.add_row(
                "合计",
                yuan(sum(p.full_total for p in s.policies)),
                "",
                "",
                yuan(s.paid_total),
                yuan(sum(p.city_total for p in s.policies)),
                yuan(sum(p.district_total for p in s.policies)),
            )
            console.print(table)
            sources = Table(title="按资金来源", title_justify="left")
            for col in ("资金来源", "级别", "市级承担", "区县级承担", "合计"):
                sources.add_column(col, justify="left" if col in ("资金来源", "级别") else "right")
            for row in s.sources:
                sources.add_row(
                    row["source"],
                    row["level"],
                    yuan(row["city_fen"]),
                    yuan(row["district_fen"]),
                    yuan(row["total_fen"]),
                )
            console.print(sources)
        console.print(f"测算结果：{result.path}（只读台账，未改变任何结算）", highlight=False)

    _guard(body, db)


@app.command()
def publicize(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    start: str = typer.Option(..., "--start", help="公示开始日期 YYYY-MM-DD"),
    working_days: int = typer.Option(
        5, "--working-days", min=1, max=60, help="公示期（工作日，按国务院节假日安排含调休）"
    ),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
    restart: bool = typer.Option(
        False, "--restart", help="已在公示时改用新的公示期重新公示（须同时写明 --reason）"
    ),
    reason: str = typer.Option(None, "--reason", help="重新公示的理由（记录在台账、manifest 和公示名单上）"),
) -> None:
    """把草稿转入公示，按中国工作日计算截止日期，并重新生成带公示期的公示名单。"""

    def body():
        from datetime import date

        from .lifecycle import publicize as do_publicize

        try:
            start_day = date.fromisoformat(start)
        except ValueError:
            _fail(f"开始日期格式不对：{start}（应为 YYYY-MM-DD）", 2)
        if restart and not (reason or "").strip():
            _fail("--restart 必须同时用 --reason 写明理由", 2)
        result = do_publicize(
            year, start_day, working_days, db, out, restart_reason=reason if restart else None
        )
        console.print(
            f"{year}年结算 {result.run_uid} 已转入公示：{start_day.isoformat()} 起 {working_days} 个工作日，"
            f"截止 {result.deadline.isoformat()}（含）。",
            highlight=False,
        )
        console.print(f"公示名单：{result.out_dir / f'publicity_{year}.xlsx'}", highlight=False)

    _guard(body, db)


@app.command()
def finalize(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    objections: Path = typer.Option(
        None,
        "--objections",
        help=(
            "异议处理结果 CSV/xlsx：uscc, policy_id, clause_id, decision(uphold/remove/adjust), amount,"
            " reason"
        ),
    ),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
    before_deadline: bool = typer.Option(False, "--before-deadline", help="公示期未满也定稿（记录在台账中）"),
) -> None:
    """公示期满后定稿：应用异议处理结果，写出拨付清单和与草稿的变更清单。"""

    def body():
        from .lifecycle import finalize as do_finalize

        result = do_finalize(year, objections, db, out, before_deadline=before_deadline)
        changed = result.changes
        console.print(
            f"{year}年已定稿：{result.run_uid}；与公示草稿相比变更 {len(changed)} 笔，合计差额"
            f" {yuan(int(changed['difference'].sum()))} 元。",
            highlight=False,
        )
        for name in sorted(result.outputs):
            console.print(f"  {result.out_dir / name}", highlight=False)

    _guard(body, db)


@app.command()
def correct(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    reason: str = typer.Option(..., "--reason", help="更正理由（记录在台账和 manifest 中）"),
    landing: Path = typer.Option(Path("landing"), "--landing", help="着陆目录（含更正后的文件）"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
) -> None:
    """对已定稿年度做更正：按更正后的数据重算，只拨付（或追回）差额，并列出每一笔变更。"""

    def body():
        from .lifecycle import correct as do_correct

        result = do_correct(year, landing, out, db, reason)
        if result.message:
            console.print(result.message, highlight=False)
            return
        changed = result.changes
        console.print(
            f"{year}年更正 {result.run_uid}：变更 {len(changed)} 笔，应补拨"
            f" {yuan(int(changed.loc[changed['difference'] > 0, 'difference'].sum()))} 元，应追回"
            f" {yuan(-int(changed.loc[changed['difference'] < 0, 'difference'].sum()))} 元。",
            highlight=False,
        )
        for name in sorted(result.outputs):
            console.print(f"  {result.out_dir / name}", highlight=False)

    _guard(body, db)


def yuan(fen: int) -> str:
    """Fen as 元 with thousands separators and two decimals, exactly (never through a float)."""
    from .money import fen_to_yuan_grouped

    return fen_to_yuan_grouped(fen)


def print_summary(result) -> None:
    from .money import yuan_to_fen
    from .policies import load_catalog

    catalog = load_catalog()
    table = Table(title=f"{result.year}年结算（草稿）· {result.run_uid}")
    for col, justify in (
        ("政策", "left"),
        ("文号", "left"),
        ("兑现企业", "right"),
        ("兑现笔数", "right"),
        ("兑现金额(元)", "right"),
        ("市级(元)", "right"),
        ("区县级(元)", "right"),
        ("下调系数", "right"),
    ):
        table.add_column(
            col, justify=justify, overflow="fold"
        )  # a figure wraps; it is never cut to "22,861…"
    grand = 0
    for policy in catalog.policies:
        t = result.totals.get(policy.id)
        if not t:
            continue
        factor = result.scale_factors.get(policy.id, {})
        table.add_row(
            policy.short_name,
            policy.number_words,
            str(t["payees"]),
            str(t["paid_lines"]),
            yuan(yuan_to_fen(t["paid_total"])),
            yuan(yuan_to_fen(t["city_share"])),
            yuan(yuan_to_fen(t["district_share"])),
            factor.get("factor_decimal", "1") if factor.get("scaled") else "1",
        )
        grand += yuan_to_fen(t["paid_total"])
    payees = result.lines.loc[result.lines["status"] == "paid", "payee_uscc"].nunique()
    table.add_row(
        "合计",
        "",
        str(payees),
        str(int((result.lines["status"] == "paid").sum())),
        yuan(grand),
        "",
        "",
        "",
        style="bold",
    )
    console.print(table)
    q = sum(result.quarantined.values())
    changes = ", ".join(
        f"{k} +{v['inserted']}/~{v['updated']}/-{v['deleted']}" for k, v in result.load_changes.items()
    )
    console.print(f"台账变更（新增/更新/删除）：{changes}", highlight=False)
    console.print(
        f"隔离行：{q}；警告：{result.warnings}（审计与校验报告："
        f"{result.out_dir / f'validation_{result.year}.xlsx'}）",
        highlight=False,
    )
    _print_findings(result.out_dir / f"validation_{result.year}.json")
    missing = result.missing_accounts
    if missing is not None and len(missing):
        err.print(
            f"[bold yellow]注意：[/]{len(missing)}个兑现收款单位缺少银行账户信息，补全前不能定稿：",
            highlight=False,
        )
        for r in missing.head(20).itertuples(index=False):
            err.print(f"  - {r.name}（{r.payee_uscc}）缺少{r.missing}", highlight=False, markup=False)
    _settings_notes()
    console.print("输出文件：", highlight=False)
    for name in sorted(result.outputs):
        console.print(f"  {result.out_dir / name}", highlight=False)
    console.print(f"  {result.out_dir / 'manifest.json'}", highlight=False)


def _print_findings(report) -> None:
    """Quarantined rows and warnings grouped by file and reason, with their rows, so that nothing
    the run set aside or doubted passes unseen (the audit workbook has every row)."""
    import json

    try:
        summary = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for title, records in (("隔离", summary.get("quarantine", [])), ("警告", summary.get("warnings", []))):
        groups: dict[tuple, list] = {}
        for r in records:
            groups.setdefault((r["file"], r["message"]), []).append(r)
        for (file, message), rows in list(groups.items())[:12]:
            numbers = sorted({int(r["row"]) for r in rows})
            shown = "、".join(map(str, numbers[:8])) + (f"等{len(numbers)}行" if len(numbers) > 8 else "")
            columns = "、".join(sorted({str(r["column"]) for r in rows}))
            console.print(
                f"  {title}：{file} 第{shown}行（{columns}）：{message}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        if len(groups) > 12:
            console.print(f"  ……另有{len(groups) - 12}类{title}，见审计与校验报告", highlight=False)


def _settings_notes() -> None:
    """Name the settings the lists need that are not set (the lists show blanks for them)."""
    from .config import load_settings, settings_path

    settings = load_settings()
    missing = settings.missing_contact()
    where = settings_path() or "settlement.yaml（当前目录下没有）"
    if missing:
        err.print(
            f"[bold yellow]注意：[/]设置文件 {where} 未填写{'、'.join(missing)}，公示名单上相应内容为空。",
            highlight=False,
        )


def main() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)


if __name__ == "__main__":
    main()
