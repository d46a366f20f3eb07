"""The results page's HTML: plain, server-rendered, Chinese, no script and nothing fetched from
the internet (it must work offline), every link relative (it works behind a proxy), readable on
a 1366-pixel office screen. Every value is escaped."""

from __future__ import annotations

from html import escape

from ..money import AmountError, fen_to_yuan_grouped, yuan_to_fen
from .files import OutputFile

STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2933;
background:#f7f8fa}
header{background:#1f4e79;color:#fff;padding:10px 24px}header a{color:#fff}
main{max-width:1280px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:4px 0}
h2{font-size:18px;margin:24px 0 8px;border-left:4px solid #1f4e79;padding-left:8px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{border:1px solid #c9ced6;padding:5px 8px;font-size:14px;text-align:left;vertical-align:top}
th{background:#e8eef5}td.n{text-align:right;white-space:nowrap}
.note{color:#52606d;font-size:13px}.bad{color:#b42318}.ok{color:#067647}
form{margin:8px 0}input[type=text]{width:360px;padding:5px;font-size:14px}
button{padding:5px 14px;font-size:14px}
.explain{white-space:pre-wrap;font-size:13px;line-height:1.5}
"""

STATUS_WORDS = {
    "draft": "草稿",
    "publicity": "公示中",
    "final": "已定稿",
    "corrected": "已定稿（已更正）",
    "superseded": "已被更正",
    "running": "运行中",
    "failed": "失败",
}


def e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, home: str = "./") -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(title)}</title><meta'
        ' name="viewport" content="width=device-width,'
        f' initial-scale=1"><style>{STYLE}</style></head><body><header><a href="{e(home)}">结算结果</a> ·'
        f" 电子商务扶持政策年度结算</header><main><h1>{e(title)}</h1>{body}</main></body></html>"
    )


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """``rows`` hold HTML already escaped (cells built with :func:`e` or links)."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if k in numeric else f"<td>{c}</td>" for k, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def yuan(text_or_fen) -> str:
    """Fen (int), or 元 as the manifest writes it ("22861302.10"), with thousands separators."""
    try:
        return fen_to_yuan_grouped(
            text_or_fen if isinstance(text_or_fen, int) else yuan_to_fen(str(text_or_fen))
        )
    except (AmountError, ValueError, ArithmeticError):
        return str(text_or_fen)


def size_words(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{-(-size // 1024)} KB"


def index_page(rows: list[dict]) -> str:
    if not rows:
        return page(
            "结算结果",
            "<p>输出目录中还没有任何年度的结算结果。运行一次结算（ecommerce_settlement）后，"
            "这里会列出各年度的名单和报告。</p>",
        )
    body = table(
        ["年度", "状态", "结算编号", "公示期", "定稿日期", "兑现笔数", "兑现金额(元)", "下调系数"],
        [
            [
                f'<a href="{r["year"]}/">{r["year"]}年</a>',
                e(STATUS_WORDS.get(r["status"], r["status"])),
                e(r["run_id"]),
                e(r["window"]),
                e(r["finalized_on"]),
                e(f"{r['paid_lines']:,}"),
                e(yuan(r["paid_total"])),
                e(r["factors"]),
            ]
            for r in rows
        ],
        numeric={5, 6},
    )
    return page(
        "结算结果",
        body + '<p class="note">点击年度查看名单下载、按政策和资金来源的合计、校验报告和企业查询。</p>',
    )


def year_page(
    year: int,
    info: dict,
    files: list[OutputFile],
    may_pay: bool,
    downloads: list[dict],
    validation: dict | None,
) -> str:
    parts = [
        f"<p>状态：<b>{e(STATUS_WORDS.get(info['status'], info['status']))}</b>　结算编号："
        f"{e(info['run_id'])}　"
        f"公示期：{e(info['window'])}　定稿日期：{e(info['finalized_on'] or '—')}</p>"
    ]
    parts.append(
        '<form action="search" method="get">企业查询（统一社会信用代码或企业名称）：'
        '<input type="text" name="q" required maxlength="100"> <button type="submit">查询</button></form>'
    )
    parts.append("<h2>下载</h2>")
    rows = []
    for f in files:
        if f.bank and not may_pay:
            link = (
                f'{e(f.name)} <span class="note">（含银行账户，需有拨付权限：可触发'
                " ecommerce_settlement_finalize 的用户）</span>"
            )
        else:
            link = f'<a href="files/{e(f.name)}">{e(f.name)}</a>'
        rows.append([link, e(f.kind), e(size_words(f.size))])
    parts.append(
        table(["文件", "内容", "大小"], rows, numeric={2}) if rows else "<p>该年度没有可下载的文件。</p>"
    )
    parts.append(
        '<p class="note">含银行账户的文件每次下载都记入台账（下载人、时间、文件及其 SHA-256），'
        "列在本页下方。</p>"
    )
    parts.append("<h2>按政策</h2>")
    parts.append(
        table(
            ["政策", "兑现笔数", "兑现企业", "兑现金额(元)", "市级(元)", "区县级(元)", "下调系数"],
            [
                [
                    e(p["name"]),
                    e(f"{p['paid_lines']:,}"),
                    e(f"{p['payees']:,}"),
                    e(yuan(p["paid_total"])),
                    e(yuan(p["city_share"])),
                    e(yuan(p["district_share"])),
                    e(p["factor"]),
                ]
                for p in info["policies"]
            ],
            numeric={1, 2, 3, 4, 5},
        )
    )
    if info["sources"]:
        parts.append("<h2>按资金来源</h2>")
        parts.append(
            table(
                ["资金来源", "拨付笔数", "金额(元)"],
                [[e(s["source"]), e(f"{s['transfers']:,}"), e(yuan(s["fen"]))] for s in info["sources"]],
                numeric={1, 2},
            )
        )
    parts.append("<h2>数据校验</h2>")
    if validation is None:
        parts.append("<p>没有找到该年度的校验报告。</p>")
    else:
        failed = [c for c in validation.get("checks", []) if c.get("failed")]
        quarantined = sum((validation.get("quarantined_rows") or {}).values())
        parts.append(
            f"<p>检查 {len(validation.get('checks', []))} 项，未通过 {len(failed)} 项；隔离行 {quarantined}"
            f" 行；警告 {len(validation.get('warnings', []))} 条。 <a"
            ' href="validation">查看校验详情</a>　<a href="data_docs/index.html">Great Expectations'
            " 数据文档</a></p>"
        )
    parts.append("<h2>含银行账户文件的下载记录</h2>")
    parts.append(
        table(
            ["时间（UTC）", "下载人", "文件", "SHA-256"],
            [[e(d["at"]), e(d["user"]), e(d["file"]), f"<code>{e(d['sha256'])}</code>"] for d in downloads],
        )
        if downloads
        else "<p>还没有下载记录。</p>"
    )
    return page(f"{year}年度结算结果", "".join(parts), home="../")


def validation_page(year: int, validation: dict) -> str:
    checks = table(
        ["文件", "检查", "要求", "级别", "检查行数", "未通过"],
        [
            [
                e(c.get("file")),
                e(c.get("label") or c.get("description")),
                e(c.get("requirement", "")),
                e(
                    {"blocking": "阻断", "error": "隔离", "warning": "警告"}.get(
                        c.get("severity"), c.get("severity")
                    )
                ),
                e(c.get("checked", "")),
                f'<span class="{"bad" if c.get("failed") else "ok"}">{e(c.get("failed", 0))}</span>',
            ]
            for c in validation.get("checks", [])
        ],
        numeric={4, 5},
    )
    quarantine = validation.get("quarantine") or []
    rows = [
        [
            e(q.get("file")),
            e(q.get("row")),
            e(q.get("column")),
            e(q.get("value", "")),
            e(q.get("message") or q.get("reason")),
        ]
        for q in quarantine[:2000]
    ]
    more = (
        f'<p class="note">共 {len(quarantine)} 行，此处列出前 2000'
        f" 行；全部见审计与校验报告（validation_{year}.xlsx）。</p>"
        if len(quarantine) > 2000
        else ""
    )
    warnings = validation.get("warnings") or []
    body = (
        "<h2>检查</h2>"
        + checks
        + "<h2>隔离行（不参与结算，待更正）</h2>"
        + (table(["文件", "行", "列", "值", "原因"], rows) + more if rows else "<p>没有隔离行。</p>")
        + "<h2>警告</h2>"
        + (
            "<ul>"
            + "".join(f"<li>{e(w if isinstance(w, str) else w.get('message', w))}</li>" for w in warnings)
            + "</ul>"
            if warnings
            else "<p>没有警告。</p>"
        )
        + '<p><a href="./">返回</a></p>'
    )
    return page(f"{year}年度数据校验", body, home="../")


def search_page(year: int, query: str, lines: list[dict], prospects: list[dict], run_words: str) -> str:
    parts = [
        '<form action="search" method="get">企业查询（统一社会信用代码或企业名称）：<input type="text"'
        f' name="q" value="{e(query)}" required maxlength="100"> <button type="submit">查询</button></form>'
    ]
    if not lines and not prospects:
        parts.append(f"<p>{year}年没有与“{e(query)}”相符的企业奖励记录。</p>")
    for line in lines:
        parts.append(
            f"<h2>{e(line['name'])}（{e(line['payee_uscc'])}）· {e(line['policy'])}"
            f" 第{e(line['clause_id'])}条 · "
            f"{e(line['status_words'])} · 实付 {e(yuan(int(line['final_amount'])))} 元</h2>"
            f'<div class="explain">{e(line["explanation"])}</div>'
        )
    if prospects:
        parts.append("<h2>可申报未申报（按统计数据符合条件、尚未申报）</h2>")
        parts.append(
            table(
                ["企业", "政策", "条款及奖励事项", "符合的条件", "申报需提供", "预计奖励"],
                [
                    [
                        e(p["name"]),
                        e(p["policy"]),
                        e(p["reward"]),
                        e(p["conditions"]),
                        e(p["needs"]),
                        e(p["estimate"]),
                    ]
                    for p in prospects
                ],
            )
        )
    parts.append(f'<p class="note">{e(run_words)}　<a href="./">返回</a></p>')
    return page(f"{year}年度企业查询：{query}", "".join(parts), home="../")
