"""The summary `settlement run` prints: totals per policy, quarantined rows, warnings, the files."""

from __future__ import annotations

from rich.table import Table

from .cli_common import console, err, yuan


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
    if getattr(result, "reused", False):
        console.print(
            f"输入文件、政策文件、设置和程序版本与结算 {result.run_uid} 相同，台账此后也未改变："
            "沿用该结算及其文件，未重新读取、计算或写出"
            "（如需强制重算，请先改动输入或删除输出目录中的 manifest.json）。",
            highlight=False,
        )
    else:
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
