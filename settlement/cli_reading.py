"""`settlement explain`, `prospects` and `whatif`: read the ledger, change nothing."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .cli_common import YEAR_HELP, app, console, err, fail, guard, yuan


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
            fail(str(exc), 1)
        if run is None:
            fail(
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

    guard(body, db)


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
            fail(str(exc), 1)
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

    guard(body, db)


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
            fail(str(exc), 2)
        except NoLedger as exc:
            fail(str(exc), 1)
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

    guard(body, db)
