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
console = Console()
err = Console(stderr=True)

YEAR_HELP = "结算年度，如 2025"


def _years(text: str) -> tuple[int, int]:
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def _fail(message: str, code: int) -> None:
    from .ledger.db import scrub

    err.print("[bold red]错误：[/]", end="", highlight=False)
    err.print(scrub(message), highlight=False, markup=False)  # data in a message is never markup
    raise typer.Exit(code)


def _guard(fn):
    """Run a command body and turn errors into messages and exit codes."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from .config import SettingsError
    from .ingest import LandingError
    from .ledger.db import DatabaseConfigError
    from .ledger.locks import YearBusy
    from .pipeline import InputError, RunRefused
    from .policies import PolicyLoadError

    try:
        return fn()
    except typer.Exit:
        raise
    except InputError as exc:
        msg = str(exc) + (f"\n校验报告：{exc.report}" if exc.report else "")
        _fail(msg, 2)
    except LandingError as exc:
        _fail(str(exc), 2)
    except (RunRefused, PolicyLoadError, YearBusy, DatabaseConfigError, SettingsError) as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        _fail("已中断", 1)
    except DBAPIError as exc:  # nothing half-done was committed: the transaction rolled back
        detail = (str(getattr(exc, "orig", None) or "").strip() or type(exc).__name__).splitlines()[0][:200]
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            _fail(f"数据库不可用或连接中断：{detail}\n"
                  "本次操作的数据库事务已回滚，台账中不会留下半个年度；请在数据库恢复后重新运行同一命令。", 1)
        _fail(f"数据库拒绝了本次操作（{type(getattr(exc, 'orig', exc)).__name__}）：{detail}\n本次操作的数据库事务已回滚，台账未改变。", 1)
    except Exception as exc:  # anything unexpected: a message, not a traceback
        if os.environ.get("SETTLEMENT_DEBUG"):
            raise
        from .ledger.db import scrub

        # scrubbed before it is cut short, so that no half URL keeps its password
        _fail(f"{type(exc).__name__}: {scrub(exc)[:500]}（设置 SETTLEMENT_DEBUG=1 可查看详细信息）", 1)


@app.command("demo-data")
def demo_data(
    out: Path = typer.Option(Path("landing"), "--out", help="着陆目录（每年一个子目录）"),
    years: str = typer.Option("2022-2025", "--years", help="年度范围，如 2022-2025"),
    enterprises: int = typer.Option(300, "--enterprises", min=10, help="企业数"),
    seed: int = typer.Option(20250101, "--seed", help="随机种子（同一种子得到同样的数据）"),
    errors: bool = typer.Option(True, "--errors/--no-errors", help="在最后一年加入两行典型错误数据，演示隔离"),
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
    db: str = typer.Option(None, "--db", help="台账数据库 URL（默认 SETTLEMENT_DB_URL 或 sqlite:///./var/settlement.db）"),
) -> None:
    """导入 → 校验 → 计算 → 分配 → 输出草稿（awards.csv、公示名单、manifest.json）。"""

    def body():
        from .pipeline import run as run_pipeline

        with console.status("结算中…") as status:
            result = run_pipeline(year, landing, out, db, progress=lambda s: status.update(f"{s}…"))
        print_summary(result)

    _guard(body)


@app.command()
def validate(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    landing: Path = typer.Option(Path("landing"), "--landing", help="着陆目录"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
) -> None:
    """只做校验并写出校验报告。"""

    def body():
        from .pipeline import ingest
        from .pipeline import validate as run_validate
        from .policies import load_catalog

        landing_data = ingest(year, landing)
        result, report = run_validate(landing_data, load_catalog(), out / str(year))
        table = Table(title=f"{year}年数据校验（未通过的检查）", show_lines=False)
        for col in ("文件", "检查", "级别", "未通过"):
            table.add_column(col)
        for c in result.checks:
            if c.failed:
                table.add_row(c.file, c.description, c.severity, str(c.failed))
        console.print(table)
        console.print(f"检查 {len(result.checks)} 项；隔离行 {sum(result.quarantined_rows.values())}；警告 {len(result.warnings)}", highlight=False)
        console.print(f"报告：{report}、{report.with_suffix('.json')}、{report.parent / 'data_docs' / 'index.html'}", highlight=False)
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
        from .engine.matters import matter_label
        from .explain import lines_for

        lines, run = lines_for(year, uscc, db)
        if run is None:
            _fail(f"{year}年还没有结算记录，请先运行 settlement run --year {year}", 1)
        if not len(lines):
            console.print(f"{uscc} 在 {year} 年（{run.run_uid}，{run.status}）没有奖励记录。", highlight=False)
            return
        console.print(f"[bold]{lines['name'].iloc[0]}（{uscc}）{year}年 · 结算 {run.run_uid}（{run.status}）[/]", highlight=False)
        for r in lines.itertuples(index=False):
            console.print(f"\n[bold]{r.policy_id} 第{r.clause_id}条 · {matter_label(r.matter)} · {STATUS_WORDS.get(r.status, r.status)} · 实付 {r.final_amount / 100:,.2f} 元[/]", highlight=False)
            console.print(r.explanation, highlight=False, soft_wrap=True)

    _guard(body)


@app.command()
def publicize(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    start: str = typer.Option(..., "--start", help="公示开始日期 YYYY-MM-DD"),
    working_days: int = typer.Option(5, "--working-days", min=1, max=60, help="公示期（工作日，按国务院节假日安排含调休）"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
) -> None:
    """把草稿转入公示，按中国工作日计算截止日期，并重新生成带公示期的公示名单。"""

    def body():
        from datetime import date

        from .lifecycle import publicize as do_publicize

        try:
            start_day = date.fromisoformat(start)
        except ValueError:
            _fail(f"开始日期格式不对：{start}（应为 YYYY-MM-DD）", 2)
        result = do_publicize(year, start_day, working_days, db, out)
        console.print(f"{year}年结算 {result.run_uid} 已转入公示：{start_day.isoformat()} 起 {working_days} 个工作日，截止 {result.deadline.isoformat()}（含）。", highlight=False)
        console.print(f"公示名单：{result.out_dir / f'publicity_{year}.xlsx'}", highlight=False)

    _guard(body)


@app.command()
def finalize(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    objections: Path = typer.Option(None, "--objections", help="异议处理结果 CSV/xlsx：uscc, policy_id, clause_id, decision(uphold/remove/adjust), amount, reason"),
    out: Path = typer.Option(Path("out"), "--out", help="输出目录"),
    db: str = typer.Option(None, "--db", help="台账数据库 URL"),
    before_deadline: bool = typer.Option(False, "--before-deadline", help="公示期未满也定稿（记录在台账中）"),
) -> None:
    """公示期满后定稿：应用异议处理结果，写出拨付清单和与草稿的变更清单。"""

    def body():
        from .lifecycle import finalize as do_finalize

        result = do_finalize(year, objections, db, out, before_deadline=before_deadline)
        changed = result.changes
        console.print(f"{year}年已定稿：{result.run_uid}；与公示草稿相比变更 {len(changed)} 笔，合计差额 {changed['difference'].sum() / 100:,.2f} 元。", highlight=False)
        for name in sorted(result.outputs):
            console.print(f"  {result.out_dir / name}", highlight=False)

    _guard(body)


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
        console.print(f"{year}年更正 {result.run_uid}：变更 {len(changed)} 笔，应补拨 {changed.loc[changed['difference'] > 0, 'difference'].sum() / 100:,.2f} 元，应追回 {-changed.loc[changed['difference'] < 0, 'difference'].sum() / 100:,.2f} 元。", highlight=False)
        for name in sorted(result.outputs):
            console.print(f"  {result.out_dir / name}", highlight=False)

    _guard(body)


STATUS_WORDS = {"paid": "兑现", "superseded": "就高不重复未兑现", "excluded": "不予奖励", "zero": "金额为0"}


def print_summary(result) -> None:
    from .policies import load_catalog

    catalog = load_catalog()
    table = Table(title=f"{result.year}年结算（草稿）· {result.run_uid}")
    for col, justify in (("政策", "left"), ("文号", "left"), ("兑现企业", "right"), ("兑现笔数", "right"), ("兑现金额(元)", "right"), ("市级(元)", "right"), ("区县级(元)", "right"), ("下调系数", "right")):
        table.add_column(col, justify=justify)
    grand = 0
    for policy in catalog.policies:
        t = result.totals.get(policy.id)
        if not t:
            continue
        factor = result.scale_factors.get(policy.id, {})
        table.add_row(
            policy.short_name, policy.number_words, str(t["payees"]), str(t["paid_lines"]),
            f"{float(t['paid_total']):,.2f}", f"{float(t['city_share']):,.2f}", f"{float(t['district_share']):,.2f}",
            factor.get("factor_decimal", "1") if factor.get("scaled") else "1",
        )
        grand += round(float(t["paid_total"]) * 100)
    payees = result.lines.loc[result.lines["status"] == "paid", "payee_uscc"].nunique()
    table.add_row("合计", "", str(payees), str(int((result.lines["status"] == "paid").sum())), f"{grand / 100:,.2f}", "", "", "", style="bold")
    console.print(table)
    q = sum(result.quarantined.values())
    changes = ", ".join(f"{k} +{v['inserted']}/~{v['updated']}/-{v['deleted']}" for k, v in result.load_changes.items())
    console.print(f"台账变更（新增/更新/删除）：{changes}", highlight=False)
    console.print(f"隔离行：{q}；警告：{result.warnings}（审计与校验报告：{result.out_dir / f'validation_{result.year}.xlsx'}）", highlight=False)
    missing = result.missing_accounts
    if missing is not None and len(missing):
        err.print(f"[bold yellow]注意：[/]{len(missing)}个兑现收款单位缺少银行账户信息，补全前不能定稿：", highlight=False)
        for r in missing.head(20).itertuples(index=False):
            err.print(f"  - {r.name}（{r.payee_uscc}）缺少{r.missing}", highlight=False, markup=False)
    _settings_notes()
    console.print("输出文件：", highlight=False)
    for name in sorted(result.outputs):
        console.print(f"  {result.out_dir / name}", highlight=False)
    console.print(f"  {result.out_dir / 'manifest.json'}", highlight=False)


def _settings_notes() -> None:
    """Name the settings the lists need that are not set (the lists show blanks for them)."""
    from .config import load_settings, settings_path

    settings = load_settings()
    missing = settings.missing_contact()
    where = settings_path() or "settlement.yaml（当前目录下没有）"
    if missing:
        err.print(f"[bold yellow]注意：[/]设置文件 {where} 未填写{'、'.join(missing)}，公示名单上相应内容为空。", highlight=False)


def main() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)


if __name__ == "__main__":
    main()
