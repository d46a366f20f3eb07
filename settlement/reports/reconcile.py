"""勾稽核对: the chain from input rows to money per funding source, each step an identity that
is checked, never assumed. The audit workbook prints these rows; a row says 相符 only where
its two sides are equal (or, for a budget, within it).

    rows read = quarantined + not used + loaded             (per input file)
    loaded    = ledger rows from that file, counted after loading  (per input file)
    award lines = paid + zero + excluded + superseded       (per policy, and in all)
    paid total = city shares + district shares
    paid total = Σ funding sources' shares
    a source's shares = its transfers (拨付)                 (per source)
    a source's transfers = its bank file                    (per source, once written)
    a scaled policy's paid total = its budget
    final paid total = publicized paid total + objection adjustments
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.frames import LINE_STATUS_WORDS
from ..policies import Catalog
from .payments import Payments


@dataclass(frozen=True)
class Identity:
    step: str  # 环节
    what: str  # the identity in words, naming both sides
    left: int
    right: int
    unit: str  # 行 / 笔 / 元 (元 values are fen)
    relation: str = "="  # "=" or "<=" (left within right)
    note: str = ""

    @property
    def holds(self) -> bool:
        return self.left == self.right if self.relation == "=" else self.left <= self.right

    @property
    def verdict(self) -> str:
        return "相符" if self.holds else "不符"


def reconcile(
    summary: dict,
    lines: pd.DataFrame | None = None,
    money: Payments | None = None,
    catalog: Catalog | None = None,
    scale_factors: dict | None = None,
    bank_totals: dict | None = None,
    draft_paid: int | None = None,
    adjustments: int | None = None,
) -> list[Identity]:
    out: list[Identity] = []
    for file in sorted(summary.get("rows_read", {})):
        read = int(summary["rows_read"][file])
        quarantined = int(summary.get("quarantined_rows", {}).get(file, 0))
        ignored = int(summary.get("ignored_rows", {}).get(file, 0))
        loaded = int(summary.get("loaded_rows", {}).get(file, read - quarantined - ignored))
        out.append(
            Identity(
                "输入文件",
                f"{file}：读入行数 = 隔离行数({quarantined}) + 未采用行数({ignored}) + 入账行数({loaded})",
                read,
                quarantined + ignored + loaded,
                "行",
            )
        )
        if file in summary.get("ledger_rows", {}):
            ledger = int(summary["ledger_rows"][file])
            out.append(
                Identity(
                    "写入台账",
                    f"{file}：入账行数 = 台账中来自该文件的行数（写入后核对）",
                    loaded,
                    ledger,
                    "行",
                )
            )
    if lines is None:
        return out

    status = lines["status"].astype(str)
    for label, part in _by_policy(lines, catalog):
        counts = part["status"].value_counts()
        words = " + ".join(f"{LINE_STATUS_WORDS[s]}({int(counts.get(s, 0))})" for s in LINE_STATUS_WORDS)
        out.append(
            Identity(
                "奖励行",
                f"{label}：奖励行数 = {words}",
                len(part),
                int(sum(int(counts.get(s, 0)) for s in LINE_STATUS_WORDS)),
                "笔",
            )
        )
    paid = lines[status == "paid"]
    paid_total = int(paid["final_amount"].sum())
    city, district = int(paid["city_share"].sum()), int(paid["district_share"].sum())
    out.append(
        Identity(
            "资金分担", "兑现金额合计 = 市级承担合计 + 区（县）级承担合计", paid_total, city + district, "元"
        )
    )
    moving = int((lines["final_amount"] - lines.get("previously_paid", 0)).sum())
    if money is not None:
        out.append(
            Identity(
                "资金来源",
                "本次拨付金额 = 各资金来源承担之和",
                moving,
                int(money.details["amount"].sum()),
                "元",
                note="定稿时本次拨付即兑现合计；更正时为与原定稿的差额",
            )
        )
        for source in money.sources:
            d, t = money.source_details(source), money.source_transfers(source)
            out.append(
                Identity(
                    "拨付",
                    f"{source.name}：奖励明细合计 = 转账合计（{len(t)}笔转账）",
                    int(d["amount"].sum()),
                    int(t["amount"].sum()),
                    "元",
                )
            )
            out.append(
                Identity(
                    "拨付",
                    f"{source.name}：奖励明细笔数 = 各笔转账的明细笔数之和",
                    len(d),
                    int(t["lines"].sum()),
                    "笔",
                )
            )
            if bank_totals is not None and source.name in bank_totals:
                rows, fen = bank_totals[source.name]
                pay = t[t["amount"] > 0]
                out.append(
                    Identity(
                        "银行文件",
                        f"{source.name}：银行批量转账文件合计 = 应拨付转账合计",
                        int(fen),
                        int(pay["amount"].sum()),
                        "元",
                    )
                )
                out.append(
                    Identity(
                        "银行文件",
                        f"{source.name}：银行批量转账文件行数 = 应拨付转账笔数",
                        int(rows),
                        len(pay),
                        "笔",
                    )
                )
    for pid, factor in sorted((scale_factors or {}).items()):
        if not factor.get("scaled"):
            continue
        total = int(paid.loc[paid["policy_id"] == pid, "final_amount"].sum())
        name = catalog.policy(pid).short_name if catalog and pid in catalog.by_id else pid
        relation = "=" if draft_paid is None else "<="
        out.append(
            Identity(
                "预算",
                f"{name}：按比例下调后兑现合计 {'=' if relation == '=' else '≤'} 预算",
                total,
                int(factor["budget"]),
                "元",
                relation,
                note="公示后异议处理可减少兑现金额，不再重新按比例分配" if relation == "<=" else "",
            )
        )
    if draft_paid is not None:
        out.append(
            Identity(
                "异议处理",
                "定稿兑现合计 = 公示兑现合计 + 异议处理调整差额",
                paid_total,
                int(draft_paid) + int(adjustments or 0),
                "元",
            )
        )
    return out


def _by_policy(lines: pd.DataFrame, catalog: Catalog | None):
    order = [p.id for p in catalog.policies] if catalog else sorted(set(lines["policy_id"]))
    names = {p.id: p.short_name for p in catalog.policies} if catalog else {}
    for pid in order:
        part = lines[lines["policy_id"] == pid]
        if len(part):
            yield names.get(pid, pid), part
    yield "合计", lines


def all_hold(identities: list[Identity]) -> bool:
    return all(i.holds for i in identities)


def bank_file_totals(paths: dict[str, str], encoding: str) -> dict[str, tuple[int, int]]:
    """Rows and total (fen) of written bank files, read back: source name -> (rows, fen)."""
    from ..money import yuan_to_fen

    out = {}
    for source, path in paths.items():
        frame = pd.read_csv(
            path, dtype=str, encoding="utf-8-sig" if encoding == "utf-8-sig" else "gbk", keep_default_na=False
        )
        fen = int(np.sum([yuan_to_fen(v) for v in frame["金额"]])) if len(frame) else 0
        out[source] = (len(frame), fen)
    return out
