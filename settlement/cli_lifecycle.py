"""`settlement publicize`, `finalize` and `correct`: a settled year through publicity to final, and
corrected."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli_common import YEAR_HELP, app, console, fail, guard, yuan


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
            fail(f"开始日期格式不对：{start}（应为 YYYY-MM-DD）", 2)
        if restart and not (reason or "").strip():
            fail("--restart 必须同时用 --reason 写明理由", 2)
        result = do_publicize(
            year, start_day, working_days, db, out, restart_reason=reason if restart else None
        )
        console.print(
            f"{year}年结算 {result.run_uid} 已转入公示：{start_day.isoformat()} 起 {working_days} 个工作日，"
            f"截止 {result.deadline.isoformat()}（含）。",
            highlight=False,
        )
        console.print(f"公示名单：{result.out_dir / f'publicity_{year}.xlsx'}", highlight=False)

    guard(body, db)


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

    guard(body, db)


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

    guard(body, db)
