"""Objections (异议) to a publicized list: reading the officer's decisions, applying them to the draft
(uphold, remove, adjust within the clause's amount), and carrying them into a correction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .allocation import city_fractions, split_funding
from .engine.frames import LINE_STATUS_WORDS
from .errors import InputError
from .ingest.contract import OBJECTIONS
from .ingest.parse import parse_table
from .ingest.readers import LandingError, read_table
from .money import fen_to_yuan_text
from .reports.changes import KEY
from .uscc import uscc_valid

DECISION_WORDS = {"uphold": "维持原结果", "remove": "取消奖励", "adjust": "调整金额"}


def read_objections(path: Path) -> pd.DataFrame:
    """The objection outcomes file (CSV in any accepted encoding, or xlsx), checked row by row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"异议处理结果文件不存在：{path}")
    try:
        table = parse_table(OBJECTIONS, read_table(path))
    except LandingError as exc:
        raise InputError(str(exc)) from None
    frame, problems = table.frame, table.problems
    messages = [
        f"{r.file} 第{r.row}行 {r.column}={r.value!r}：{r.message}" for r in problems.itertuples(index=False)
    ]
    bad_uscc = ~uscc_valid(frame["uscc"].fillna("").astype(str).to_numpy())
    messages += [f"{path.name} 第{r}行 uscc：统一社会信用代码校验不通过" for r in frame.loc[bad_uscc, "_row"]]
    adjust_missing = (frame["decision"] == "adjust") & frame["amount"].isna()
    messages += [
        f"{path.name} 第{r}行 amount：处理结果为调整（adjust）时必须填写调整后金额"
        for r in frame.loc[adjust_missing, "_row"]
    ]
    if messages:
        raise InputError("异议处理结果文件有误：\n" + "\n".join(f"  - {m}" for m in messages))
    frame["subject_uscc"] = frame["subject_uscc"].fillna("").astype(str)
    return frame.rename(columns={"_row": "row_no"}).drop(columns=["_extra"])


def apply_objections(
    lines: pd.DataFrame,
    objections: pd.DataFrame,
    catalog,
    regions: pd.Series,
    file_name: str,
    budgets: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lines after the objection outcomes, and the decisions keyed like the lines (for the change
    list). An outcome may remove or adjust only a line that the publicity list paid; an adjusted
    amount never exceeds the line's amount before any budget scale-down, nor takes a policy past
    its budget (``budgets``: policy -> budget in fen); each line gets one outcome."""
    lines = lines.copy().reset_index(drop=True)
    decided = []
    problems = []
    decided_at: dict[int, int] = {}
    for obj in objections.itertuples(index=False):
        match = (
            (lines["payee_uscc"] == obj.uscc)
            & (lines["policy_id"] == obj.policy_id)
            & (lines["clause_id"] == obj.clause_id)
        )
        if obj.subject_uscc:
            match &= lines["subject_uscc"] == obj.subject_uscc
        hits = np.flatnonzero(match.to_numpy())
        if len(hits) != 1:
            why = "公示名单中没有这一笔" if len(hits) == 0 else "对应多笔（请填写主体信用代码 subject_uscc）"
            problems.append(
                f"{file_name} 第{obj.row_no}行：{obj.uscc} {obj.policy_id} 第{obj.clause_id}条 {why}"
            )
            continue
        i = hits[0]
        where = f"{file_name} 第{obj.row_no}行：{obj.uscc} {obj.policy_id} 第{obj.clause_id}条"
        if i in decided_at:
            problems.append(
                f"{where} 与第{decided_at[i]}行是同一笔奖励：每笔只能有一个处理结果，请合并为一行"
            )
            continue
        decided_at[i] = obj.row_no
        status = str(lines.loc[i, "status"])
        if obj.decision in ("remove", "adjust") and status != "paid":
            problems.append(
                f"{where} 公示时为“{LINE_STATUS_WORDS.get(status, status)}”，"
                "没有兑现：只能对兑现的奖励取消或调整（异议不成立请填 uphold 维持）"
            )
            continue
        if obj.decision == "adjust" and int(obj.amount) > int(lines.loc[i, "capped_amount"]):
            problems.append(
                f"{where} "
                f"调整后金额{fen_to_yuan_text(int(obj.amount))}元超过该笔按条款核定的金额（封顶后、按预算下调前）"
                f"{fen_to_yuan_text(int(lines.loc[i, 'capped_amount']))}元"
            )
            continue
        words = f"公示异议处理：{DECISION_WORDS[obj.decision]}（{obj.reason}）"
        if obj.decision != "uphold" and "remark" in lines:
            old = str(lines.loc[i, "remark"] or "")
            lines.loc[i, "remark"] = (old + "；" if old else "") + f"公示异议：{DECISION_WORDS[obj.decision]}"
        if obj.decision == "remove":
            lines.loc[i, ["final_amount", "city_share", "district_share"]] = 0
            lines.loc[i, "status"] = "excluded"
        elif obj.decision == "adjust":
            amount = int(obj.amount)
            lines.loc[i, "final_amount"] = amount
            lines.loc[i, "status"] = "paid" if amount > 0 else "zero"
            words += f"，调整后金额{fen_to_yuan_text(amount)}元"
        lines.loc[i, "explanation"] = f"{lines.loc[i, 'explanation']}；{words}"
        decided.append({**{k: lines.loc[i, k] for k in KEY}, "decision": obj.decision, "reason": obj.reason})
    for policy_id, budget in (budgets or {}).items():
        total = int(
            lines.loc[(lines["policy_id"] == policy_id) & (lines["status"] == "paid"), "final_amount"]
            .astype(object)
            .sum()
        )
        if total > budget:
            problems.append(
                f"{file_name}：调整后{policy_id}兑现合计{fen_to_yuan_text(total)}元，"
                f"超过该政策的预算{fen_to_yuan_text(budget)}元"
            )
    if problems:
        raise InputError("异议处理结果不能采用，本次不定稿：\n" + "\n".join(f"  - {p}" for p in problems))
    adjusted = pd.DataFrame(decided, columns=KEY + ["decision", "reason"])
    if len(adjusted):
        changed = (
            lines.merge(adjusted[KEY].assign(_hit=True), on=KEY, how="left")["_hit"]
            .fillna(False)
            .astype(bool)
            .to_numpy()
        )
        num, den = city_fractions(catalog, lines["policy_id"], lines["clause_id"], regions)
        city, district = split_funding(lines["final_amount"].to_numpy(dtype=np.int64), num, den)
        lines["city_share"] = np.where(changed, city, lines["city_share"].to_numpy(dtype=np.int64))
        lines["district_share"] = np.where(
            changed, district, lines["district_share"].to_numpy(dtype=np.int64)
        )
    return lines, adjusted


def budgets_of(scale_factors: dict) -> dict[str, int]:
    """Each scaled-down policy's budget (fen), from a run's scale factors."""
    return {pid: int(f["budget"]) for pid, f in scale_factors.items() if f.get("budget") is not None}


def payee_regions(lines: pd.DataFrame, enterprises: pd.DataFrame) -> pd.Series:
    """Each line's payee's region code ('' where none), for the funding split."""
    return lines["payee_uscc"].map(enterprises.set_index("uscc")["region_code"]).fillna("")


def carry_objections(
    new: pd.DataFrame, old: pd.DataFrame, decided: list[dict], catalog, enterprises: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The objection outcomes of the final being corrected, applied again to the correction's
    lines: a line removed on objection stays removed, an adjusted line keeps the amount the
    final gave it (a final year changes only by what the correction corrects; without this a
    correction with unchanged inputs would undo every objection and list the removed awards as
    to be paid). Upheld outcomes change nothing; an outcome whose line the corrected data no
    longer gives is dropped (the change list shows that line going)."""
    none = pd.DataFrame(columns=KEY + ["decision", "reason"])
    if not decided:
        return new, none
    d = pd.DataFrame(decided)
    d = d[d["decision"].isin(["remove", "adjust"])].reset_index(drop=True)
    paid_now = new.loc[
        new["status"] == "paid", KEY
    ]  # an outcome for a line the corrected data no longer pays goes (the change list shows the line)
    present = d[KEY].merge(paid_now.assign(_here=True), on=KEY, how="left")["_here"].notna().to_numpy()
    d = d[present].reset_index(drop=True)
    if d.empty:
        return new, none
    amounts = (
        d[KEY]
        .merge(old[KEY + ["final_amount"]], on=KEY, how="left")["final_amount"]
        .fillna(0)
        .astype(np.int64)
        .to_numpy()
    )
    capped_now = (
        d[KEY]
        .merge(new[KEY + ["capped_amount"]], on=KEY, how="left")["capped_amount"]
        .fillna(0)
        .astype(np.int64)
        .to_numpy()
    )
    amounts = np.minimum(
        amounts, capped_now
    )  # never above what the corrected data gives the line before scale-down
    objections = pd.DataFrame(
        {
            "uscc": d["payee_uscc"].to_numpy(),
            "policy_id": d["policy_id"].to_numpy(),
            "clause_id": d["clause_id"].to_numpy(),
            "subject_uscc": d["subject_uscc"].fillna("").astype(str).to_numpy(),
            "decision": d["decision"].to_numpy(),
            "reason": (d["reason"].astype(str) + "；定稿时的处理结果，更正时沿用").to_numpy(),
            "amount": amounts,
            "row_no": np.arange(1, len(d) + 1),
        }
    )
    lines, _ = apply_objections(
        new, objections, catalog, payee_regions(new, enterprises), "定稿时的异议处理结果"
    )
    return lines, d[KEY + ["decision", "reason"]]
