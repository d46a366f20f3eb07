"""Evaluating clauses: each clause for all enterprises (or all its applications) at once.

The result of a year is a frame of *lines*, one per (payee, policy, clause, subject[, park]):
the standard amount by the clause's formula, the amount after the clause's own caps, the
status (``candidate``, ``zero``, ``excluded``) and the pieces of a Chinese explanation.
Allocation (caps across clauses, no double benefit, scale-down, funding) happens afterwards.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..ingest.contract import LEVEL_LABELS, NUMBER_SCALE
from ..money import div_half_up
from ..policies.schema import Clause, Policy, Tier
from . import text as tx
from .conditions import Leaf, compare, evaluate
from .context import YearContext
from .exact import Rational, as_int_array, mul
from .fact_registry import FACTS
from .facts import FactTable, application_facts

LINE_COLUMNS = [
    "payee_uscc", "subject_uscc", "park_id", "policy_id", "clause_id", "matter", "status",
    "standard_amount", "capped_amount", "application_ids", "explanation", "trace",
]
STATUS_LABELS = {"approved": "审核通过", "rejected": "未通过", "pending": "待审核"}


def empty_lines() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})
    frame["standard_amount"] = frame["standard_amount"].astype(np.int64)
    frame["capped_amount"] = frame["capped_amount"].astype(np.int64)
    return frame


# --------------------------------------------------------------------------- tiers

def tier_index(clause: Clause, ft: FactTable, extra: np.ndarray | None = None, two_year: str = "geometric") -> np.ndarray:
    """Index of the highest tier reached (-1: none), for every row. Tiers are listed low to high."""
    n = ft.n
    idx = np.full(n, -1, dtype=np.int64)
    for k, tier in enumerate(clause.tiers or []):
        if tier.level is not None:
            reached = np.asarray(ft.value(clause.metric) == tier.level, dtype=bool)
        else:
            reached = compare(ft, clause.metric, tier.op, tier.threshold, two_year)
        if extra is not None:
            reached &= extra
        idx = np.where(reached, np.maximum(idx, k), idx)
    return idx


def tier_amounts(tiers: list[Tier], idx: np.ndarray, attr: str = "amount") -> np.ndarray:
    values = np.array([int(getattr(t, attr) or 0) for t in tiers] + [0], dtype=np.int64)
    return values[np.where(idx < 0, len(tiers), idx)]


def tier_words(tiers: list[Tier], metric: str | None) -> list[str]:
    out = []
    for t in tiers:
        if t.level is not None:
            out.append(t.words or LEVEL_LABELS.get(t.level, t.level))
        else:
            out.append(f"{tx.OP_WORDS[t.op]}{tx.value_words(metric, t.threshold)}")
    return out


def _pick(words: list[str], idx: np.ndarray, none: str = "") -> np.ndarray:
    arr = np.array(words + [none], dtype=object)
    return arr[np.where(idx < 0, len(words), idx)]


# ------------------------------------------------------------------ fact wording

def metric_words(ft: FactTable, metric: str, year: int) -> pd.Series:
    """'2025年网络销售额1.23亿元' for each row (a money, usd or ratio fact)."""
    info = FACTS[metric]
    r = ft.rational(metric)
    prefix = f"{year}年{info.label}"
    if info.type == "money":
        vals = tx.fen_column_words(r.num)
    elif info.type == "usd":
        cents = np.asarray(r.floor_div(Fraction(1)), dtype=object)
        vals = tx.fen_column_words(cents).str.replace("元", "美元", regex=False)
    else:
        vals = tx.pct_column_words(r.to_float())
    return pd.Series(np.where(r.known, prefix + vals.to_numpy(dtype=object), prefix + "缺失"), dtype=object)


def leaves_words(leaves: list[Leaf], n: int) -> pd.Series:
    if not leaves:
        return pd.Series([""] * n, dtype=object)
    parts = [np.where(leaf.passed, leaf.description + "✓", leaf.description + "✗") for leaf in leaves]
    joined = pd.Series(parts[0], dtype=object)
    for p in parts[1:]:
        joined = joined + "，" + pd.Series(p, dtype=object)
    return "条件：" + joined


def failed_words(leaves: list[Leaf], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for leaf in reversed(leaves):
        out = np.where(~leaf.passed, "不满足“" + leaf.description + "”", out)
    return out


# -------------------------------------------------------------- applications

def _exclusions(policy: Policy, ctx: YearContext, apps: pd.DataFrame, ft: FactTable, in_force: bool) -> np.ndarray:
    """First reason each application row is excluded ('' when it is not)."""
    n = len(apps)
    reason = np.full(n, "", dtype=object)

    def exclude(mask, words) -> None:
        nonlocal reason
        reason = np.where((reason == "") & np.asarray(mask, dtype=bool), words, reason)

    status = apps["status"].fillna("").to_numpy(dtype=object)
    labels = pd.Series(status).map(STATUS_LABELS).fillna("未知").to_numpy(dtype=object)
    exclude(status != "approved", "申报审核状态为“" + labels + "”，只计审核通过的申报")
    if not in_force:
        end = policy.effective.end.isoformat() if policy.effective.end else "长期"
        exclude(np.ones(n, bool), f"本政策有效期为{policy.effective.start.isoformat()}至{end}，{ctx.year}年不在有效期内")
    region = ft.value("region_code")
    exclude(~pd.Series(region).isin(policy.regions).to_numpy(), "企业所在行政区划" + pd.Series(region).fillna("未知").astype(str).to_numpy(dtype=object) + "不在本政策适用范围")
    if policy.excludes_blacklisted:
        black = ctx.enterprise_column("credit_blacklisted", apps["uscc"])
        exclude(np.asarray(pd.Series(black).fillna(False), dtype=bool), "企业列入严重失信名单，不予奖励")
    return reason


def _item_amounts(clause: Clause, ft: FactTable, apps: pd.DataFrame, two_year: str):
    """Per application: amount (fen), computable mask, a note, and (tiered) the tier index."""
    n = len(apps)
    tier_idx = np.full(n, -1, dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    note = np.full(n, "", dtype=object)
    why_not = np.full(n, "", dtype=object)
    kind = clause.kind
    if kind == "fixed":
        amount = np.full(n, int(clause.amount), dtype=np.int64)
        note[:] = f"{'一次性' if clause.once else ''}奖励{tx.amount_words(clause.amount)}"
    elif kind == "rate":
        base = ft.rational(clause.base)
        ok = base.known.copy()
        why_not = np.where(ok, why_not, f"申报缺少{FACTS[clause.base].label}")
        rate = Fraction(clause.rate)
        amount = np.asarray(div_half_up(mul(as_int_array(base.num), rate.numerator), rate.denominator), dtype=np.int64)
        note = (tx.fen_column_words(base.num) + f"×{tx.ratio_words(rate)}=" + tx.fen_column_words(amount)).to_numpy(dtype=object)
    elif kind == "unit":
        amount, ok, note, why_not = _unit_amounts(clause, ft, apps)
    elif kind == "approved":
        approved = ft.rational("application.approved_amount")
        ok = approved.known.copy()
        why_not = np.where(ok, why_not, "申报缺少审定金额")
        amount = as_int_array(approved.num).astype(np.int64)
        note = ("审定金额" + tx.fen_column_words(amount)).to_numpy(dtype=object)
    elif kind == "tiered":
        tier_idx = tier_index(clause, ft, two_year=two_year)
        amount = tier_amounts(clause.tiers, tier_idx)
        ok = tier_idx >= 0
        words = _pick(tier_words(clause.tiers, clause.metric), tier_idx)
        note = np.where(ok, "达到“" + words + "”档，标准" + tx.fen_column_words(amount).to_numpy(dtype=object), "")
        if clause.metric and not clause.metric.startswith("application."):
            facts = metric_words(ft, clause.metric, ft.year).to_numpy(dtype=object)
            note = facts + "，" + np.where(ok, note, "未达到任何档位")
        why_not = np.where(ok, why_not, "未达到任何档位")
    else:
        raise ValueError(f"kind {kind} has no application formula")
    if clause.item_cap_by_level:
        levels = pd.Series(ft.value("application.level"))
        caps = levels.map({k: int(v) for k, v in clause.item_cap_by_level.items()})
        known_cap = caps.notna().to_numpy()
        capv = caps.fillna(0).to_numpy(dtype=np.int64)
        over = known_cap & (amount > capv)
        note = np.where(over, note + "，超过单项上限" + tx.fen_column_words(capv).to_numpy(dtype=object) + "按上限计", note)
        amount = np.where(known_cap, np.minimum(amount, capv), amount)
        ok &= known_cap
        why_not = np.where(known_cap, why_not, "级别不在本条适用范围")
    if clause.item_cap is not None:
        over = amount > int(clause.item_cap)
        note = np.where(over, note + f"，超过单项上限{tx.amount_words(clause.item_cap)}按上限计", note)
        amount = np.minimum(amount, int(clause.item_cap))
    amount = np.where(ok, amount, 0).astype(np.int64)
    return amount, ok, note, why_not, tier_idx


def _unit_amounts(clause: Clause, ft: FactTable, apps: pd.DataFrame):
    n = len(apps)
    units = clause.units
    why_not = np.full(n, "", dtype=object)
    if clause.unit_amount_by_level:
        levels = pd.Series(ft.value("application.level"))
        per = levels.map({k: int(v) for k, v in clause.unit_amount_by_level.items()})
        known = per.notna().to_numpy().copy()
        per_unit = per.fillna(0).to_numpy(dtype=np.int64)
        why_not = np.where(known, why_not, "级别不在本条适用范围")
        level_words = levels.map(LEVEL_LABELS).fillna("").to_numpy(dtype=object)
    else:
        known = np.ones(n, dtype=bool)
        per_unit = np.full(n, int(clause.unit_amount), dtype=np.int64)
        level_words = np.full(n, "", dtype=object)
    if units.source == "fact":
        r = ft.rational(units.fact)
        size = Fraction(_fact_value(units.fact, units.size))
        count = r.floor_div(size) if units.full else None
        known &= r.known
        why_not = np.where(r.known, why_not, f"{FACTS[units.fact].label}缺失")
        count = np.asarray(count, dtype=np.int64)
        if units.max_units is not None:
            count = np.minimum(count, units.max_units)
        amount = per_unit * count
        size_words = tx.value_words(units.fact, units.size)
        facts = metric_words(ft, units.fact, ft.year).to_numpy(dtype=object)
        note = facts + f"，每满{size_words}计1个单位，共" + count.astype(str).astype(object) + "个×" + tx.fen_column_words(per_unit).to_numpy(dtype=object)
    else:
        qty = ft.rational("application.quantity")
        known &= qty.known
        why_not = np.where(qty.known, why_not, "申报缺少数量")
        micro = as_int_array(qty.num)
        if units.full:
            micro = (micro // NUMBER_SCALE) * NUMBER_SCALE
        if units.max_units is not None:
            micro = np.minimum(micro, units.max_units * NUMBER_SCALE)
        months = as_int_array(ft.rational("application.months").num) if units.times_months else np.ones(n, dtype=np.int64)
        amount = np.asarray(div_half_up(mul(mul(per_unit, micro), months), NUMBER_SCALE), dtype=np.int64)
        qty_words = tx.scaled_column_words(micro, NUMBER_SCALE).to_numpy(dtype=object)
        note = level_words + "数量" + qty_words + "×" + tx.fen_column_words(per_unit).to_numpy(dtype=object)
        if units.times_months:
            note = note + "×" + months.astype(str).astype(object) + "个月"
    note = note + "=" + tx.fen_column_words(amount).to_numpy(dtype=object)
    amount = np.where(known, amount, 0).astype(np.int64)
    return amount, known, note, why_not


def _fact_value(fact_name: str, raw) -> Fraction:
    from ..policies.schema import check_value

    return Fraction(check_value(fact_name, raw))


def application_lines(policy: Policy, clause: Clause, ctx: YearContext, in_force: bool) -> pd.DataFrame:
    apps = ctx.applications
    apps = apps[(apps["policy_id"] == policy.id) & (apps["clause_id"] == clause.id)]
    if not len(apps):
        return empty_lines()
    apps = apps.sort_values("application_id", kind="stable").reset_index(drop=True)
    ft = application_facts(apps, ctx.facts, ctx.index)
    reason = _exclusions(policy, ctx, apps, ft, in_force)
    eligible = reason == ""
    if clause.kind in ("none", "external") or not in_force or not eligible.any():
        amount = np.zeros(len(apps), dtype=np.int64)
        ok = np.zeros(len(apps), dtype=bool)
        note = np.full(len(apps), "", dtype=object)
        why_not = np.full(len(apps), "", dtype=object)
        tier_idx = np.full(len(apps), -1, dtype=np.int64)
        leaves: list[Leaf] = []
        cond = np.zeros(len(apps), dtype=bool)
        if clause.kind in ("none", "external"):
            reason = np.where(eligible, "本条款无可计算的奖励金额（" + ("由其他文件规定" if clause.kind == "external" else "无金额") + "）", reason)
    else:
        cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
        amount, ok, note, why_not, tier_idx = _item_amounts(clause, ft, apps, policy.two_year_average)
    fail_cond = failed_words(leaves, len(apps))
    zero_reason = np.where(~cond, fail_cond, np.where(~ok, why_not, ""))
    good = eligible & cond & ok
    cond_words = leaves_words(leaves, len(apps)).to_numpy(dtype=object)
    app_words = "申报" + apps["application_id"].astype(str).to_numpy(dtype=object) + "：" + np.where(good, note, np.where(eligible, zero_reason, reason))
    per_app = pd.DataFrame(
        {
            "payee_uscc": apps["uscc"].to_numpy(dtype=object),
            "application_id": apps["application_id"].astype(str).to_numpy(dtype=object),
            "eligible": eligible,
            "good": good,
            "amount": np.where(good, amount, 0).astype(np.int64),
            "tier": np.where(good, tier_idx, -1),
            "reason": np.where(eligible, "", reason),
            "zero_reason": np.where(eligible & ~good, zero_reason, ""),
            "words": app_words,
            "cond_words": cond_words,
        }
    )
    grouped = per_app.groupby("payee_uscc", sort=True)
    agg = grouped.agg(
        application_ids=("application_id", "、".join),
        eligible=("eligible", "any"),
        good=("good", "any"),
        amount_sum=("amount", "sum"),
        amount_max=("amount", "max"),
        tier=("tier", "max"),
        reason=("reason", "first"),
        zero_reason=("zero_reason", lambda s: next((x for x in s if x), "")),
        words=("words", "；".join),
        cond_words=("cond_words", "first"),
    ).reset_index()
    agg["reason"] = agg["reason"].where(~agg["eligible"], "")
    if clause.kind == "fixed":
        standard = agg["amount_max"].to_numpy(dtype=np.int64)  # once per year, however many applications
    elif clause.kind == "tiered":
        standard = tier_amounts(clause.tiers, agg["tier"].to_numpy(dtype=np.int64))
    else:
        standard = agg["amount_sum"].to_numpy(dtype=np.int64)
    lines = pd.DataFrame(
        {
            "payee_uscc": agg["payee_uscc"],
            "subject_uscc": agg["payee_uscc"],
            "park_id": "",
            "excluded": ~agg["eligible"].to_numpy(),
            "amount": np.where(agg["eligible"], standard, 0).astype(np.int64),
            "tier": agg["tier"].to_numpy(dtype=np.int64),
            "facts_text": (agg["words"] + np.where(agg["cond_words"] != "", "；" + agg["cond_words"], "")).to_numpy(dtype=object),
            "reason": np.where(agg["eligible"], agg["zero_reason"].where(~agg["good"], ""), agg["reason"]),
            "application_ids": agg["application_ids"],
        }
    )
    return finish(policy, clause, lines, ctx)


# -------------------------------------------------------------- data-driven

def data_lines(policy: Policy, clause: Clause, ctx: YearContext) -> pd.DataFrame:
    ft = ctx.facts
    n = ft.n
    if n == 0:
        return empty_lines()
    in_scope = pd.Series(ft.value("region_code")).isin(policy.regions).to_numpy()
    cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
    if clause.kind == "tiered":
        fired, amount, tier, facts_text, reason = _tiered_data(policy, clause, ctx, cond)
    elif clause.kind == "contribution_increment":
        fired, amount, tier, facts_text, reason = _contribution_increment(policy, clause, ctx)
        fired &= cond
    elif clause.kind == "fixed":
        fired = cond.copy()
        amount = np.full(n, int(clause.amount), dtype=np.int64)
        tier = np.full(n, -1)
        facts_text = np.full(n, f"奖励{tx.amount_words(clause.amount)}", dtype=object)
        reason = np.full(n, "", dtype=object)
    else:
        raise ValueError(f"{policy.id} {clause.id}: kind {clause.kind} needs an application in this version")
    fired &= in_scope
    if not fired.any():
        return empty_lines()
    cond_words = leaves_words(leaves, n).to_numpy(dtype=object)
    black = ctx.enterprises["credit_blacklisted"].fillna(False).to_numpy(dtype=bool) & policy.excludes_blacklisted
    sel = np.flatnonzero(fired)
    uscc = ctx.enterprises["uscc"].to_numpy(dtype=object)[sel]
    lines = pd.DataFrame(
        {
            "payee_uscc": uscc,
            "subject_uscc": uscc,
            "park_id": "",
            "excluded": black[sel],
            "amount": np.where(black[sel], 0, amount[sel]).astype(np.int64),
            "tier": tier[sel],
            "facts_text": np.where(cond_words[sel] != "", facts_text[sel] + "；" + cond_words[sel], facts_text[sel]),
            "reason": np.where(black[sel], "企业列入严重失信名单，不予奖励", reason[sel]),
            "application_ids": "",
        }
    )
    return finish(policy, clause, lines, ctx)


def _history_reached(clause: Clause, ctx: YearContext, tier: Tier) -> np.ndarray:
    """Per enterprise: was ``tier`` reached in any earlier year of the ledger's history?"""
    hist = ctx.stats_history
    if not len(hist):
        return np.zeros(len(ctx.index), dtype=bool)
    ft = history_facts(hist, ctx.year)
    reached = compare(ft, clause.metric, tier.op, tier.threshold)
    if clause.requires_limit_above:
        reached &= ft.value("limit_above")
    who = hist["uscc"].to_numpy()[reached]
    return ctx.index.isin(pd.unique(who))


def history_facts(rows: pd.DataFrame, year: int) -> FactTable:
    """Money facts and limit_above of individual stats rows (any years)."""
    ft = FactTable(len(rows), year)
    rows = rows.reset_index(drop=True)
    for metric in ("online_retail", "retail_sales", "wholesale_sales", "operating_revenue",
                   "crossborder_exports", "independent_site_sales", "local_contribution"):
        ft.rationals[metric] = Rational.of_ints(rows[metric].astype("Int64"))
    online_sales = rows["online_sales"].astype("Int64").fillna(rows["online_retail"].astype("Int64"))
    ft.rationals["online_sales"] = Rational.of_ints(online_sales)
    ft.values["limit_above"] = rows["limit_above"].fillna(False).to_numpy(dtype=bool)
    return ft


def _tiered_data(policy: Policy, clause: Clause, ctx: YearContext, cond: np.ndarray):
    ft = ctx.facts
    n = ft.n
    extra = cond.copy()
    if clause.requires_limit_above:
        extra &= ft.value("limit_above")
    reached = tier_index(clause, ft, extra, policy.two_year_average)
    words = tier_words(clause.tiers, clause.metric)
    facts = metric_words(ft, clause.metric, ctx.year).to_numpy(dtype=object)
    if clause.mode == "first_crossing":
        paid = _paid_for(ctx, policy, clause, ctx.enterprises["uscc"])
        idx = np.full(n, -1, dtype=np.int64)
        before_any = np.zeros(n, dtype=bool)
        for k, tier in enumerate(clause.tiers):
            now_k = reached >= k
            before = _history_reached(clause, ctx, tier) | (paid["paid_max"].to_numpy() >= int(tier.amount or 0))
            first = now_k & ~before
            idx = np.where(first, k, idx)
            before_any |= now_k & before
        first_year = ctx.stats_history.groupby("uscc")["year"].min() if len(ctx.stats_history) else pd.Series(dtype=int)
        since = ctx.index.map(first_year).to_numpy()
        since_words = np.where(pd.isna(since), f"无{ctx.year}年以前的历史数据", "查阅" + pd.Series(since).astype("Int64").astype(str).to_numpy(dtype=object) + f"—{ctx.year - 1}年历史数据")
        fired = reached >= 0
        amount = tier_amounts(clause.tiers, idx)
        note = np.where(idx >= 0, "首次达到“" + _pick(words, idx) + "”档，标准" + tx.fen_column_words(amount).to_numpy(dtype=object), "以前年度已达到该档或已奖励，不属首次")
        facts_text = facts + "，" + note + "（" + since_words + "）"
        reason = np.where(idx >= 0, "", "以前年度已达到“" + _pick(words, reached) + "”档或已奖励，不属首次")
        return fired, amount, idx, facts_text, reason
    fired = reached >= 0
    amount = tier_amounts(clause.tiers, reached)
    facts_text = facts + "，达到“" + _pick(words, reached) + "”档，标准" + tx.fen_column_words(amount).to_numpy(dtype=object)
    return fired, amount, reached, facts_text, np.full(n, "", dtype=object)


def _lookup_int(index: pd.Index, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``values`` (integers keyed by uscc) for every row of ``index``: (int64 array with 0 where
    absent, known mask). Exact: never goes through float."""
    pos = pd.Index(values.index).get_indexer(index)
    known = pos >= 0
    arr = values.astype("Int64").fillna(0).to_numpy(dtype=np.int64)
    out = arr[np.where(known, pos, 0)] if len(arr) else np.zeros(len(index), dtype=np.int64)
    return np.where(known, out, 0), known


def _contribution_increment(policy: Policy, clause: Clause, ctx: YearContext):
    """cixi-2024-8 clause 3 (settlement-semantics): qualifying year Q = first year in the
    policy's period meeting ``qualify``; baseline = mean contribution of the ``baseline_years``
    before Q (missing = 0); award in Q .. Q+award_years-1 = rate(Y) x max(0, contribution(Y) - baseline)."""
    ft = ctx.facts
    year = ctx.year
    start = policy.effective.start.year
    stats = ctx.stats[(ctx.stats["year"] >= start) & (ctx.stats["year"] <= year)].reset_index(drop=True)
    hf = history_facts(stats, year)
    q = clause.qualify
    meets = compare(hf, q.fact, q.op, q.value)
    qual_year = stats.loc[meets].groupby("uscc")["year"].min()
    Qi, has_q = _lookup_int(ctx.index, qual_year)
    in_window = has_q & (year >= Qi) & (year <= Qi + clause.award_years - 1)
    # baseline: sum of local_contribution over Q-k .. Q-1 for each enterprise (missing years = 0)
    contrib = ctx.stats[["uscc", "year", "local_contribution"]].dropna(subset=["local_contribution"])
    contrib = contrib[contrib["uscc"].isin(ctx.index[in_window])]
    q_of = pd.Series(Qi, index=ctx.index)
    contrib = contrib.assign(Q=contrib["uscc"].map(q_of))
    base_rows = contrib[(contrib["year"] >= contrib["Q"] - clause.baseline_years) & (contrib["year"] < contrib["Q"])]
    base_sum, _ = _lookup_int(ctx.index, base_rows.groupby("uscc")["local_contribution"].sum())
    cur = ft.rational("local_contribution")
    c = as_int_array(cur.num)
    k = clause.baseline_years
    rate_idx = tier_index(clause, ft)
    rates = [Fraction(t.rate) for t in clause.tiers]
    num = np.array([r.numerator for r in rates] + [0], dtype=np.int64)[np.where(rate_idx < 0, len(rates), rate_idx)]
    den = np.array([r.denominator for r in rates] + [1], dtype=np.int64)[np.where(rate_idx < 0, len(rates), rate_idx)]
    increment_k = np.maximum(0, mul(c, k) - base_sum)  # k x (contribution - baseline)
    amount = np.asarray(div_half_up(mul(increment_k, num), mul(den, k)), dtype=np.int64)
    amount = np.where(cur.known & (rate_idx >= 0), amount, 0)
    rate_words = _pick([tx.ratio_words(r) for r in rates], rate_idx, "无")
    base_words = tx.fen_column_words(div_half_up(base_sum, k)).to_numpy(dtype=object)
    q_words = pd.Series(Qi).astype(str).to_numpy(dtype=object)
    facts_text = (
        "达标年" + q_words + "年（" + tx.describe_comparison(q) + "），"
        + metric_words(ft, clause.metric, year).to_numpy(dtype=object)
        + "；基数=" + q_words + "年前" + str(k) + "年地方综合贡献平均值" + base_words
        + "；" + metric_words(ft, "local_contribution", year).to_numpy(dtype=object)
        + "；增量部分按" + rate_words + "奖励"
    )
    reason = np.where(~cur.known, f"{year}年地方综合贡献缺失", np.where(rate_idx < 0, f"{year}年网络销售额未达到1亿元档", ""))
    return in_window, amount.astype(np.int64), rate_idx, facts_text, reason


# ------------------------------------------------------------------ finishing

def _paid_for(ctx: YearContext, policy: Policy, clause: Clause, payees, subjects=None) -> pd.DataFrame:
    keys = pd.DataFrame({"payee_uscc": np.asarray(payees, dtype=object)})
    keys["subject_uscc"] = keys["payee_uscc"] if subjects is None else np.asarray(subjects, dtype=object)
    summary = ctx.paid_summary[(ctx.paid_summary["policy_id"] == policy.id) & (ctx.paid_summary["clause_id"] == clause.id)]
    merged = keys.merge(summary[["payee_uscc", "subject_uscc", "paid_total", "paid_max", "paid_years"]], how="left", on=["payee_uscc", "subject_uscc"])
    merged["paid_total"] = merged["paid_total"].fillna(0).astype(np.int64)
    merged["paid_max"] = merged["paid_max"].fillna(0).astype(np.int64)
    merged["paid_years"] = merged["paid_years"].fillna("")
    return merged


def finish(policy: Policy, clause: Clause, lines: pd.DataFrame, ctx: YearContext) -> pd.DataFrame:
    """Once, differential, the clause's annual and cumulative caps, status and explanation."""
    lines = lines.reset_index(drop=True)
    paid = _paid_for(ctx, policy, clause, lines["payee_uscc"], lines["subject_uscc"])
    amount = lines["amount"].to_numpy(dtype=np.int64)
    excluded = lines["excluded"].to_numpy(dtype=bool)
    paid_total = paid["paid_total"].to_numpy(dtype=np.int64)
    paid_words = paid["paid_years"].to_numpy(dtype=object) + "年已兑现" + tx.fen_column_words(paid_total).to_numpy(dtype=object)
    notes = pd.Series([""] * len(lines), dtype=object)
    reason = lines["reason"].to_numpy(dtype=object)
    if clause.once:
        blocked = (paid_total > 0) & ~excluded
        notes = notes.where(~blocked, "一次性奖励：" + pd.Series(paid_words) + "，本年不再奖励")
        reason = np.where(blocked & (reason == ""), "一次性奖励已兑现", reason)
        amount = np.where(blocked, 0, amount)
    if clause.mode == "differential":
        has_paid = (paid_total > 0) & ~excluded
        net = np.maximum(0, amount - paid_total)
        notes = notes.where(~has_paid, notes + "进档补差：" + pd.Series(paid_words) + "，补差" + tx.fen_column_words(net))
        reason = np.where(has_paid & (net == 0) & (reason == ""), "已按该档或更高档兑现，无差额", reason)
        amount = net
    standard = amount.copy()
    capped = standard.copy()
    if clause.cap is not None:
        over = capped > int(clause.cap)
        notes = notes.where(~over, notes + f"；超过每年上限{tx.amount_words(clause.cap)}，按上限计")
        capped = np.minimum(capped, int(clause.cap))
    if clause.cumulative_cap is not None:
        remaining = np.maximum(0, int(clause.cumulative_cap) - paid_total)
        over = capped > remaining
        notes = notes.where(
            ~over,
            notes + f"；累计上限{tx.amount_words(clause.cumulative_cap)}，此前已兑现" + tx.fen_column_words(paid_total) + "，本年至多" + tx.fen_column_words(remaining),
        )
        capped = np.minimum(capped, remaining)
    status = np.where(excluded, "excluded", np.where(capped > 0, "candidate", "zero"))
    reason = np.where((status == "zero") & (reason == ""), "计算金额为0", reason)
    header = f"《{policy.short_name}》（{policy.document_number}）第{clause.id}条"
    explanation = (
        header + "："
        + lines["facts_text"].astype(str)
        + notes.str.replace(r"^；", "", regex=True).map(lambda s: f"；{s}" if s else "")
        + pd.Series(np.where(status == "candidate", "；计" + tx.fen_column_words(capped).to_numpy(dtype=object), "；" + reason))
    )
    out = pd.DataFrame(
        {
            "payee_uscc": lines["payee_uscc"].to_numpy(dtype=object),
            "subject_uscc": lines["subject_uscc"].to_numpy(dtype=object),
            "park_id": lines["park_id"].to_numpy(dtype=object),
            "policy_id": policy.id,
            "clause_id": clause.id,
            "matter": clause.matter or "",
            "status": status,
            "standard_amount": standard.astype(np.int64),
            "capped_amount": capped.astype(np.int64),
            "application_ids": lines["application_ids"].to_numpy(dtype=object),
            "explanation": explanation.to_numpy(dtype=object),
            "trace": _trace(clause, lines, paid, standard, capped, reason),
        }
    )
    return out


def _trace(clause: Clause, lines: pd.DataFrame, paid: pd.DataFrame, standard, capped, reason) -> np.ndarray:
    frame = pd.DataFrame(
        {
            "kind": clause.kind,
            "mode": clause.mode or "",
            "tier": lines["tier"].to_numpy(dtype=np.int64) + 1,
            "paid_before": paid["paid_total"].to_numpy(dtype=np.int64),
            "paid_years": paid["paid_years"].to_numpy(dtype=object),
            "standard_fen": np.asarray(standard, dtype=np.int64),
            "capped_fen": np.asarray(capped, dtype=np.int64),
            "annual_cap_fen": int(clause.cap) if clause.cap is not None else -1,
            "cumulative_cap_fen": int(clause.cumulative_cap) if clause.cumulative_cap is not None else -1,
            "reason": np.asarray(reason, dtype=object),
            "facts": lines["facts_text"].to_numpy(dtype=object),
        }
    )
    if not len(frame):
        return np.array([], dtype=object)
    return np.array(frame.to_json(orient="records", lines=True, force_ascii=False).splitlines(), dtype=object)


# ------------------------------------------------------------------ year

def evaluate_year(ctx: YearContext, policies: list[Policy] | None = None) -> pd.DataFrame:
    """Every clause of every policy for the year: data-driven clauses of policies in force, and
    every application (lines of policies not in force are excluded with the reason)."""
    parts = []
    for policy in policies or ctx.catalog.policies:
        in_force = policy.in_force(ctx.year)
        for clause in policy.clauses:
            if clause.application or clause.kind in ("none", "external"):
                parts.append(application_lines(policy, clause, ctx, in_force))
            elif in_force:
                parts.append(data_lines(policy, clause, ctx))
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_lines()
    return pd.concat(parts, ignore_index=True)
