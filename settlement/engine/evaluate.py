"""Evaluating clauses: each clause for all enterprises (or all its applications) at once.

The result of a year is a frame of *lines*, one per (payee, policy, clause, subject[, park]):
the standard amount by the clause's formula, the amount after the clause's own caps, the
status (``candidate``, ``zero``, ``excluded``), a Chinese explanation and an audit trace.
Each clause gives its lines' amounts and the pieces of their wording
(:func:`application_amounts`, :func:`data_amounts`); the lines of all clauses are then
finished together (once, differential, the clause's caps, status: :func:`finish`) and their
explanations and traces put together in one pass (:func:`render`).
An enterprise clause works on the enterprises it can fire for only (:func:`_candidates`).
Allocation (caps across clauses, no double benefit, scale-down, funding) happens afterwards.
"""

from __future__ import annotations

import operator
from fractions import Fraction

import numpy as np
import pandas as pd

from ..ingest.contract import LEVEL_LABELS, NUMBER_SCALE
from ..money import div_half_up
from ..policies.schema import Clause, Policy, Tier, Units
from . import text as tx
from . import trace
from .collector import paused_collection
from .conditions import Leaf, compare, evaluate
from .context import ApplicationRows, YearContext
from .exact import AmountOverflow, add_reduceat, as_int_array, fit_int64, mul, mul_int64
from .fact_registry import FACTS
from .facts import FactError, FactTable, history_facts
from .frames import lines_frame
from .grouping import Pairs, group_starts, in_order, min_per, pairs, text_rank

LINE_COLUMNS = [
    "payee_uscc", "subject_uscc", "park_id", "policy_id", "clause_id", "matter", "status",
    "standard_amount", "capped_amount", "application_ids", "explanation", "trace",
]


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

def metric_words(ft: FactTable, metric: str, year: int) -> np.ndarray:
    """'2025年网络销售额1.23亿元' for each row (a money, usd or ratio fact)."""
    info = FACTS[metric]
    r = ft.rational(metric)
    prefix = f"{year}年{info.label}"
    if info.type == "money":
        vals = tx.fen_column_words(r.num, prefix)
    elif info.type == "usd":
        cents = np.asarray(r.floor_div(Fraction(1)), dtype=object)
        vals = prefix + np.array([w.replace("元", "美元") for w in tx.fen_column_words(cents)], dtype=object)
    else:
        vals = prefix + tx.pct_column_words(r.to_float())
    return np.where(r.known, vals, prefix + "缺失").astype(object)


def leaves_words(leaves: list[Leaf], n: int) -> np.ndarray:
    """'条件：A✓，B✗' for each row ('' when the clause has no conditions)."""
    if not leaves:
        return np.full(n, "", dtype=object)
    parts: list = ["条件："]
    for k, leaf in enumerate(leaves):
        parts += ([] if k == 0 else ["，"]) + [np.where(leaf.passed, leaf.description + "✓", leaf.description + "✗").astype(object)]
    return tx.join_columns(*parts)


def failed_words(leaves: list[Leaf], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for leaf in reversed(leaves):
        out = np.where(~leaf.passed, "不满足“" + leaf.description + "”", out)
    return out


# -------------------------------------------------------------- applications

def _exclusions(policy: Policy, ctx: YearContext, apps: ApplicationRows, ft: FactTable, in_force: bool, ent_indexer: np.ndarray) -> np.ndarray:
    """First reason each application row is excluded ('' when it is not)."""
    n = len(apps)
    reason = np.full(n, "", dtype=object)

    def exclude(mask, words) -> None:
        nonlocal reason
        reason = np.where((reason == "") & np.asarray(mask, dtype=bool), words, reason)

    status = apps["status"]
    exclude(status != "approved", "申报审核状态为“" + apps["status_label"] + "”，只计审核通过的申报")
    if not in_force:
        end = policy.effective.end.isoformat() if policy.effective.end else "长期"
        exclude(np.ones(n, bool), f"本政策有效期为{policy.effective.start.isoformat()}至{end}，{ctx.year}年不在有效期内")
    outside = ~ctx.in_regions_at(policy.regions, ent_indexer)
    if outside.any():
        region = ft.value("region_code")
        exclude(outside, "企业所在行政区划" + pd.Series(region).fillna("未知").astype(str).to_numpy(dtype=object) + "不在本政策适用范围")
    if policy.excludes_blacklisted:
        exclude(ctx.blacklisted_at(ent_indexer), "企业列入严重失信名单，不予奖励")
    return reason


def _item_amounts(policy: Policy, clause: Clause, ft: FactTable, apps: ApplicationRows, ctx: YearContext, ent_indexer: np.ndarray):
    """Per application: amount (fen), computable mask, a note, a reason when not computable, and
    (tiered) the tier index. Several applications of one payee are summed afterwards."""
    n = len(apps)
    two_year = policy.two_year_average
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
        num = mul(as_int_array(base.num), rate.numerator)
        den = np.full(n, rate.denominator, dtype=np.int64)
        note = tx.fen_column_words(base.num) + f"×{tx.ratio_words(rate)}"
        if clause.units is not None and clause.units.max_units is not None:
            # e.g. 展位费的70%，不超过6个标准展位: base x rate x min(q, 6) / q
            qty = ft.rational("application.quantity")
            q = np.where(qty.known & (as_int_array(qty.num) > 0), as_int_array(qty.num), NUMBER_SCALE)
            limit = np.minimum(q, clause.units.max_units * NUMBER_SCALE)
            num = mul(num, limit)
            den = mul(den, q)
            over = q > limit
            note = np.where(over, note + "×" + tx.scaled_column_words(limit, NUMBER_SCALE) + "/" + tx.scaled_column_words(q, NUMBER_SCALE) + f"（最多{clause.units.max_units}个）", note)
        amount = fit_int64(div_half_up(num, den), apps["application_id"])
        note = note + "=" + tx.fen_column_words(amount)
    elif kind == "unit":
        amount, ok, note, why_not = _unit_amounts(policy, clause, ft, apps, ctx, ent_indexer)
    elif kind == "approved":
        approved = ft.rational("application.approved_amount")
        ok = approved.known.copy()
        why_not = np.where(ok, why_not, "申报缺少审定金额")
        amount = as_int_array(approved.num).astype(np.int64)
        note = tx.fen_column_words(amount, "审定金额")
        if clause.tiers:
            # the cap depends on a tier of a metric (hangzhou 5.3: 物流收入 1亿/3亿/5亿 -> 50/100/200万)
            tier_idx = tier_index(clause, ft, two_year=two_year)
            caps = tier_amounts(clause.tiers, tier_idx, "cap")
            words = _pick(tier_words(clause.tiers, clause.metric), tier_idx)
            reached = tier_idx >= 0
            over = reached & (amount > caps)
            note = np.where(reached, note + "，达到“" + words + "”档，上限" + tx.fen_column_words(caps), note)
            note = np.where(over, note + "，按上限计", note)
            amount = np.where(reached, np.minimum(amount, caps), 0)
            why_not = np.where(reached | ~ok, why_not, "未达到任何档位")
            ok &= reached
    elif kind == "tiered":
        if clause.metric.startswith("application."):
            tier_idx = tier_index(clause, ft, two_year=two_year)
            amount = tier_amounts(clause.tiers, tier_idx)
            words = _pick(tier_words(clause.tiers, clause.metric), tier_idx)
            ok = tier_idx >= 0
            note = np.where(ok, "达到“" + words + "”档，标准" + tx.fen_column_words(amount), "")
            why_not = np.where(ok, why_not, "未达到任何档位")
        else:
            # a tier of the enterprise's own figures, decided once per enterprise
            # (on the applicants only)
            applicants = ctx.subset(np.unique(ent_indexer[ent_indexer >= 0]))
            _, ent_amount, ent_idx, ent_text, ent_reason = _tiered_enterprises(policy, clause, applicants, np.ones(applicants.facts.n, dtype=bool))
            ent_indexer = applicants.index.get_indexer(apps["uscc"])
            safe = np.where(ent_indexer < 0, 0, ent_indexer)
            tier_idx = np.where(ent_indexer < 0, -1, ent_idx[safe]) if len(ent_idx) else np.full(n, -1)
            amount = np.where(tier_idx >= 0, ent_amount[safe], 0) if len(ent_amount) else np.zeros(n, dtype=np.int64)
            ok = tier_idx >= 0
            note = ent_text[safe] if len(ent_text) else np.full(n, "", dtype=object)
            why_not = np.where(ok, why_not, np.where(ent_reason[safe] != "", ent_reason[safe], "未达到任何档位") if len(ent_reason) else "未达到任何档位")
    elif kind == "step":
        amount, ok, note, why_not = _step_amounts(policy, clause, ft, apps["uscc"], ctx)
    else:
        raise ValueError(f"kind {kind} has no application formula")
    if clause.item_cap_by_level:
        levels = pd.Series(ft.value("application.level"))
        caps = levels.map({k: int(v) for k, v in clause.item_cap_by_level.items()})
        known_cap = caps.notna().to_numpy()
        capv = caps.fillna(0).to_numpy(dtype=np.int64)
        over = known_cap & (amount > capv)
        note = np.where(over, note + "，超过" + levels.map(LEVEL_LABELS).fillna("").to_numpy(dtype=object) + "上限" + tx.fen_column_words(capv) + "按上限计", note)
        amount = np.where(known_cap, np.minimum(amount, capv), amount)
        why_not = np.where(known_cap | ~ok, why_not, "级别不在本条适用范围")
        ok &= known_cap
    if clause.item_cap_per_unit is not None:
        qty = ft.rational("application.quantity")
        units = np.where(qty.known, as_int_array(qty.num) // NUMBER_SCALE, 1)
        capv = mul_int64(units, int(clause.item_cap_per_unit), apps["application_id"])
        over = amount > capv
        note = np.where(over, note + f"，超过每项上限{tx.amount_words(clause.item_cap_per_unit)}×" + units.astype(str).astype(object) + "项，按" + tx.fen_column_words(capv) + "计", note)
        amount = np.minimum(amount, capv)
    if clause.item_cap is not None:
        over = amount > int(clause.item_cap)
        note = np.where(over, note + f"，超过单项上限{tx.amount_words(clause.item_cap)}按上限计", note)
        amount = np.minimum(amount, int(clause.item_cap))
    amount = np.where(ok, amount, 0).astype(np.int64)
    return amount, ok, note, why_not, tier_idx


def _step_amounts(policy: Policy, clause: Clause, ft: FactTable, payees: np.ndarray, ctx: YearContext):
    """每增长X给予Y: full steps of the rise of a metric over last year, times the step amount.
    With ``first_award``: the first award under the clause (nothing paid before) is that amount
    when the metric passes ``first_above``; later years pay the steps (jinyun-2025 clause 3)."""
    n = ft.n
    amount = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    note = np.full(n, "", dtype=object)
    why_not = np.full(n, "", dtype=object)
    configs = []
    if clause.step_by_level:
        levels = ft.value("application.level")
        for level, cfg in clause.step_by_level.items():
            configs.append((np.asarray(levels == level, dtype=bool), cfg.metric, cfg.step, cfg.first_above, LEVEL_LABELS.get(level, level)))
        why_not = np.where(pd.Series(levels).isin(list(clause.step_by_level)).to_numpy(), why_not, "级别不在本条适用范围")
    else:
        configs.append((np.ones(n, dtype=bool), clause.metric, clause.step, None, ""))
    paid = _paid_for(ctx, policy, clause, payees)["paid_total"] if clause.first_award is not None else np.zeros(n, dtype=np.int64)
    for mask, metric, step, first_above, label in configs:
        cur = ft.rational(metric)
        prev = ft.rational(f"{metric}@prev")
        c = as_int_array(cur.num)
        p = as_int_array(prev.num)
        step_fen = Fraction(_fact_value(metric, step))
        rise = np.where(cur.known & prev.known, c - p, 0)
        units = np.maximum(0, np.asarray(mul(rise, step_fen.denominator) // step_fen.numerator, dtype=np.int64))
        steps_amount = mul_int64(units, int(clause.step_amount), payees)
        info = FACTS[metric]
        fact_words = (f"{ctx.year}年{info.label}" + tx.fen_column_words(c) + f"，{ctx.year - 1}年" + tx.fen_column_words(p) + "，增长" + tx.fen_column_words(np.maximum(rise, 0)))
        step_note = fact_words + f"，每满{tx.value_words(metric, step)}奖励{tx.amount_words(clause.step_amount)}，计" + units.astype(str).astype(object) + "档"
        if first_above is not None and clause.first_award is not None:
            first = paid == 0
            passes = compare(ft, metric, ">", first_above)
            first_amount = np.where(passes, int(clause.first_award), 0)
            first_note = f"{label}首年：{ctx.year}年{info.label}" + tx.fen_column_words(c) + np.where(passes, f"＞{tx.value_words(metric, first_above)}，首年奖励{tx.amount_words(clause.first_award)}", f"未超过{tx.value_words(metric, first_above)}")
            this_amount = np.where(first, first_amount, steps_amount)
            this_note = np.where(first, first_note, f"{label}后续年度：" + step_note)
            this_ok = np.where(first, cur.known, cur.known & prev.known)
        else:
            this_amount, this_note, this_ok = steps_amount, step_note, cur.known & prev.known
        amount = np.where(mask, this_amount, amount)
        note = np.where(mask, this_note, note)
        ok = np.where(mask, this_ok, ok)
        why_not = np.where(mask & ~this_ok, f"{info.label}或上年数据缺失", why_not)
    return amount.astype(np.int64), ok, note, why_not


def _unit_amounts(policy: Policy, clause: Clause, ft: FactTable, apps: ApplicationRows, ctx: YearContext, ent_indexer: np.ndarray):
    n = len(apps)
    units = clause.units or Units()
    why_not = np.full(n, "", dtype=object)
    prefix = np.full(n, "", dtype=object)
    if clause.unit_amount_by_level:
        levels = pd.Series(ft.value("application.level"))
        per = levels.map({k: int(v) for k, v in clause.unit_amount_by_level.items()})
        known = per.notna().to_numpy().copy()
        per_unit = per.fillna(0).to_numpy(dtype=np.int64)
        why_not = np.where(known, why_not, "级别不在本条适用范围")
        prefix = levels.map(LEVEL_LABELS).fillna("").to_numpy(dtype=object)
    elif clause.tiers:
        # the amount per unit depends on a tier of a metric (jinyun 5: 网络零售额超2000万 6元/m²/月)
        idx = tier_index(clause, ft, two_year=policy.two_year_average)
        known = idx >= 0
        per_unit = tier_amounts(clause.tiers, idx)
        words = _pick(tier_words(clause.tiers, clause.metric), idx)
        prefix = metric_words(ft, clause.metric, ctx.year) + "，“" + words + "”档每单位" + tx.fen_column_words(per_unit) + "："
        why_not = np.where(known, why_not, "未达到任何档位")
    else:
        known = np.ones(n, dtype=bool)
        per_unit = np.full(n, int(clause.unit_amount), dtype=np.int64)
    if units.source == "fact":
        r = ft.rational(units.fact)
        size = Fraction(_fact_value(units.fact, units.size))
        count = np.asarray(r.floor_div(size), dtype=np.int64)
        why_not = np.where(r.known | ~known, why_not, f"{FACTS[units.fact].label}缺失")
        known &= r.known
        if units.max_units is not None:
            count = np.minimum(count, units.max_units)
        amount = mul_int64(per_unit, count, apps["application_id"])
        size_words = tx.value_words(units.fact, units.size)
        facts = metric_words(ft, units.fact, ft.year)
        note = facts + f"，每满{size_words}计1个单位，共" + count.astype(str).astype(object) + "个×" + tx.fen_column_words(per_unit)
    else:
        qty = ft.rational("application.quantity")
        why_not = np.where(qty.known | ~known, why_not, "申报缺少数量")
        known &= qty.known
        micro = as_int_array(qty.num)
        if units.full:
            micro = (micro // NUMBER_SCALE) * NUMBER_SCALE
        if units.max_units is not None:
            micro = np.minimum(micro, units.max_units * NUMBER_SCALE)
        months = as_int_array(ft.rational("application.months").num) if units.times_months else np.ones(n, dtype=np.int64)
        amount = fit_int64(div_half_up(mul(mul(per_unit, micro), months), NUMBER_SCALE), apps["application_id"])
        qty_words = tx.scaled_column_words(micro, NUMBER_SCALE)
        note = prefix + "数量" + qty_words + "×" + tx.fen_column_words(per_unit)
        if units.times_months:
            note = note + "×" + months.astype(str).astype(object) + "个月"
    note = note + "=" + tx.fen_column_words(amount)
    amount = np.where(known, amount, 0).astype(np.int64)
    return amount, known, note, why_not


def _fact_value(fact_name: str, raw) -> Fraction:
    from ..policies.schema import check_value

    return Fraction(check_value(fact_name, raw))


def _operator_parks(ctx: YearContext, operators: np.ndarray, kind: str | None) -> tuple[np.ndarray, np.ndarray]:
    """For each operator USCC: the park it runs (of ``kind``; the lowest park id when several),
    as (park_id, position in ctx.parks or -1)."""
    parks = ctx.parks
    if kind is not None:
        parks = parks[parks["kind"] == kind]
    first = parks.sort_values("park_id").drop_duplicates("operator_uscc")
    pos_of = pd.Series(first.index.to_numpy(), index=first["operator_uscc"].to_numpy())
    pos = pd.Series(operators).map(pos_of).fillna(-1).to_numpy(dtype=np.int64)
    ids = np.where(pos >= 0, ctx.parks["park_id"].to_numpy(dtype=object)[np.where(pos >= 0, pos, 0)] if len(ctx.parks) else "", "")
    return ids.astype(object), pos


def application_lines(policy: Policy, clause: Clause, ctx: YearContext, in_force: bool) -> dict[str, np.ndarray]:
    """The lines of one application clause, finished (see :func:`finish`)."""
    return finish([(policy, clause, application_amounts(policy, clause, ctx, in_force))], ctx)


def data_lines(policy: Policy, clause: Clause, ctx: YearContext) -> dict[str, np.ndarray]:
    """The lines of one data-driven clause, finished (see :func:`finish`)."""
    return finish([(policy, clause, data_amounts(policy, clause, ctx))], ctx)


def application_amounts(policy: Policy, clause: Clause, ctx: YearContext, in_force: bool) -> dict[str, np.ndarray] | None:
    """One line per payee (and park) from the clause's applications, before :func:`finish`
    (None: no application under the clause)."""
    apps = ctx.applications_for(policy.id, clause.id)
    if not len(apps):
        return None
    ent_indexer, ft = apps.positions, apps.facts
    n = len(apps)
    park_id = np.full(n, "", dtype=object)
    reason = _exclusions(policy, ctx, apps, ft, in_force, ent_indexer)
    if clause.payee == "park":
        # filed by the park's operator: the park's facts join the application's
        park_id, pos = _operator_parks(ctx, apps["uscc"], clause.park_kind)
        ft.merge(ctx.park_facts.take(pos))
        reason = np.where((reason == "") & (pos < 0), f"申报企业不是{PARK_KIND_WORDS.get(clause.park_kind, '')}园区的运营主体", reason)
    eligible = reason == ""
    leaves: list[Leaf] = []
    if clause.kind in ("none", "external") or not in_force or not eligible.any():
        amount = np.zeros(n, dtype=np.int64)
        ok = np.zeros(n, dtype=bool)
        note = np.full(n, "", dtype=object)
        why_not = np.full(n, "", dtype=object)
        tier_idx = np.full(n, -1, dtype=np.int64)
        cond = np.zeros(n, dtype=bool)
        if clause.kind in ("none", "external"):
            reason = np.where(eligible, "本条款无可计算的奖励金额（" + ("由其他文件规定" if clause.kind == "external" else "无金额") + "）", reason)
            eligible = reason == ""
    else:
        cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
        amount, ok, note, why_not, tier_idx = _item_amounts(policy, clause, ft, apps, ctx, ent_indexer)
    fail_cond = failed_words(leaves, n)
    zero_reason = np.where(~cond, fail_cond, np.where(~ok, why_not, ""))
    good = eligible & cond & ok
    cond_words = leaves_words(leaves, n)
    app_ids = apps["application_id"]
    app_words = "申报" + app_ids + "：" + np.where(good, note, np.where(eligible, zero_reason, reason))
    agg = _per_payee(
        {
            "payee_uscc": apps["uscc"],
            "park_id": park_id,
            "application_id": app_ids,
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
    if clause.kind == "fixed":
        standard = agg["amount_max"]  # once per year, however many applications
    elif clause.kind == "tiered":
        standard = tier_amounts(clause.tiers, agg["tier"])  # the year's highest tier
    else:
        standard = agg["amount_sum"]
    eligible = agg["eligible"]
    lines = {
        "payee_uscc": agg["payee_uscc"],
        "subject_uscc": agg["payee_uscc"],
        "park_id": agg["park_id"],
        "excluded": ~eligible,
        "amount": np.where(eligible, standard, 0).astype(np.int64),
        "tier": agg["tier"],
        "facts_text": _with_conditions(agg["words"], agg["cond_words"]),
        "reason": np.where(eligible, np.where(agg["good"], "", agg["zero_reason"]), agg["reason"]),
        "application_ids": agg["application_ids"],
    }
    return lines


PARK_KIND_WORDS = {"ecommerce": "电商", "crossborder": "跨境电商"}


def _per_payee(per_app: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One row per (payee, park) from its applications (in application order): ids and words
    joined, any eligible / good, sum and max of amounts, highest tier, first reason."""
    payee, park = per_app["payee_uscc"], per_app["park_id"]
    if not in_order(payee, park):  # a clause's applications come in USCC order
        order = np.lexsort((text_rank(park), text_rank(payee)))
        per_app = {k: np.asarray(v)[order] for k, v in per_app.items()}
        payee, park = per_app["payee_uscc"], per_app["park_id"]
    n = len(payee)
    starts = np.flatnonzero(group_starts(payee, park))
    sizes = np.diff(np.r_[starts, n])

    def combined(col: str, combine) -> np.ndarray:
        """The first value of each group; ``combine`` of the values where a payee has several."""
        values = per_app[col]
        out = values[starts].astype(object)
        for g in np.flatnonzero(sizes > 1):  # only payees with several applications
            out[g] = combine(values[starts[g] : starts[g] + sizes[g]])
        return out

    amount = per_app["amount"].astype(np.int64)
    return {
        "payee_uscc": payee[starts],
        "park_id": park[starts],
        "application_ids": combined("application_id", "、".join),
        "eligible": np.logical_or.reduceat(per_app["eligible"], starts),
        "good": np.logical_or.reduceat(per_app["good"], starts),
        "amount_sum": add_reduceat(amount, starts, payee[starts]),
        "amount_max": np.maximum.reduceat(amount, starts),
        "tier": np.maximum.reduceat(per_app["tier"].astype(np.int64), starts),
        "reason": per_app["reason"][starts].astype(object),
        "zero_reason": combined("zero_reason", max),
        "words": combined("words", "；".join),
        "cond_words": per_app["cond_words"][starts].astype(object),
    }


# -------------------------------------------------------------- data-driven

def _data_rows(policy: Policy, clause: Clause, ctx: YearContext):
    """The rows a data-driven clause is evaluated on, with payee, subject and park per row:
    enterprises (payee itself), parks (payee the operator), or park members (payee the
    operator of the member's park, subject the member)."""
    if clause.payee == "park":
        parks = ctx.parks
        rows = np.flatnonzero((parks["kind"] == clause.park_kind).to_numpy()) if len(parks) else np.array([], dtype=np.int64)
        ft = ctx.park_facts.take(rows)
        operators = parks["operator_uscc"].to_numpy(dtype=object)[rows]
        return ft, operators, operators, parks["park_id"].to_numpy(dtype=object)[rows], "园区"
    if clause.payee == "park_member":
        park_of = ctx.facts.value("park_id")  # '' where none
        rows = np.flatnonzero(park_of != "")
        ft = ctx.facts.take(rows)
        entry = ctx.facts.value("park_entry_on")[rows]
        ft.values["entered_park_on_or_after_policy_start"] = pd.notna(entry) & (entry >= np.datetime64(policy.effective.start, "s"))
        op_of = pd.Series(ctx.parks["operator_uscc"].to_numpy(dtype=object), index=ctx.parks["park_id"].to_numpy(dtype=object)) if len(ctx.parks) else pd.Series(dtype=object)
        operators = pd.Series(park_of[rows]).map(op_of).fillna("").to_numpy(dtype=object)
        return ft, operators, ctx.enterprises["uscc"].to_numpy(dtype=object)[rows], park_of[rows], "企业"
    uscc = ctx.enterprises["uscc"].to_numpy(dtype=object)
    return ctx.facts, uscc, uscc, np.full(len(uscc), "", dtype=object), "企业"


def _candidates(policy: Policy, clause: Clause, ctx: YearContext) -> np.ndarray:
    """Positions of the enterprises an enterprise clause can fire for: in the policy's regions,
    meeting the clause's conditions and (tiered) reaching a tier this year. Every other row
    would give no line, so the rest of the work (and all wording) is done on these only."""
    ft = ctx.facts
    keep = ctx.in_regions_at(policy.regions, np.arange(ft.n))
    if clause.conditions is not None:
        keep &= evaluate(clause.conditions, ft, policy.two_year_average)[0]
    if clause.kind == "tiered":
        keep = _tier_reached(policy, clause, ft, keep) >= 0
    return np.flatnonzero(keep)


def data_amounts(policy: Policy, clause: Clause, ctx: YearContext) -> dict[str, np.ndarray] | None:
    """The lines of a data-driven clause (one per payee, subject and park it fires for), before
    :func:`finish` (None: it fires for nobody)."""
    if clause.payee == "enterprise":
        ctx = ctx.subset(_candidates(policy, clause, ctx))
    ft, payee, subject, park_id, _ = _data_rows(policy, clause, ctx)
    if clause.payee == "park_member" and clause.kind == "tiered":
        # only the members that reach a tier give a line: the rest need no words
        keep = np.flatnonzero(_tier_reached(policy, clause, ft, evaluate(clause.conditions, ft, policy.two_year_average)[0]) >= 0)
        ft, payee, subject, park_id = ft.take(keep), payee[keep], subject[keep], park_id[keep]
    n = ft.n
    if n == 0:
        return None
    # the payee's own row (an enterprise clause's rows are its payees; an operator may be none)
    at = np.arange(n) if clause.payee == "enterprise" else ctx.index.get_indexer(payee)
    in_scope = ctx.in_regions_at(policy.regions, at)
    cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
    if clause.kind == "tiered" and clause.payee == "enterprise":
        fired, amount, tier, facts_text, reason = _tiered_enterprises(policy, clause, ctx, cond)
    elif clause.kind == "tiered":
        fired, amount, tier, facts_text, reason = _tiered_rows(policy, clause, ft, cond)
    elif clause.kind == "contribution_increment":
        fired, amount, tier, facts_text, reason = _contribution_increment(policy, clause, ctx)
        fired &= cond
    elif clause.kind == "step":
        amount, ok, facts_text, reason = _step_amounts(policy, clause, ft, payee, ctx)
        fired = cond & ok & (amount > 0)
        tier = np.full(n, -1)
    elif clause.kind == "fixed":
        fired = cond.copy()
        amount = np.full(n, int(clause.amount), dtype=np.int64)
        tier = np.full(n, -1)
        facts_text = np.full(n, f"奖励{tx.amount_words(clause.amount)}", dtype=object)
        reason = np.full(n, "", dtype=object)
    else:
        raise ValueError(f"{policy.id} {clause.id}: kind {clause.kind} needs an application")
    fired &= in_scope & (payee != "")
    if not fired.any():
        return None
    cond_words = leaves_words(leaves, n)
    black = ctx.blacklisted_at(at) & policy.excludes_blacklisted
    sel = np.flatnonzero(fired)
    if clause.payee != "enterprise":
        # in payee, subject and park order like every other clause's lines (enterprises are in USCC order)
        sel = sel[np.lexsort((text_rank(park_id[sel]), text_rank(subject[sel]), text_rank(payee[sel])))]
        who = np.where(clause.payee == "park", "园区" + park_id[sel] + "（运营主体）", "园区" + park_id[sel] + "入驻企业" + subject[sel] + "（奖励运营主体）")
        facts_text = np.asarray(facts_text, dtype=object).copy()
        facts_text[sel] = who + "：" + facts_text[sel]
    lines = {
        "payee_uscc": payee[sel],
        "subject_uscc": subject[sel],
        "park_id": park_id[sel],
        "excluded": black[sel],
        "amount": np.where(black[sel], 0, amount[sel]).astype(np.int64),
        "tier": np.asarray(tier)[sel],
        "facts_text": _with_conditions(facts_text[sel], cond_words[sel]),
        "reason": np.where(black[sel], "运营主体/企业列入严重失信名单，不予奖励", reason[sel]),
        "application_ids": np.full(len(sel), "", dtype=object),
    }
    return lines


def _with_conditions(facts: np.ndarray, cond_words: np.ndarray) -> np.ndarray:
    """'facts；条件：…' where a row has conditions worded, the facts alone where not."""
    out = np.asarray(facts, dtype=object).copy()
    rows = np.flatnonzero(cond_words != "")
    if len(rows):
        out[rows] = tx.join_columns(out[rows], "；", cond_words[rows])
    return out


def _history_reached(clause: Clause, ctx: YearContext, tier: Tier) -> np.ndarray:
    """Per enterprise: was ``tier`` reached in any earlier year of the ledger's history (with
    limit_above in that year where the clause requires it)?"""
    rows = ctx.history_rows
    if not len(rows):
        return np.zeros(len(ctx.index), dtype=bool)
    ft = ctx.history(clause.metric)
    reached = compare(ft, clause.metric, tier.op, tier.threshold)
    if clause.requires_limit_above:
        reached &= ft.value("limit_above")
    return ctx.per_enterprise(rows[reached])


def _with_limit_above(clause: Clause, ft: FactTable, facts: np.ndarray) -> np.ndarray:
    if not clause.requires_limit_above or "limit_above" not in ft.value_names():
        return facts
    return facts + np.where(ft.value("limit_above"), f"（{ft.year}年限上✓）", f"（{ft.year}年非限上✗）")


def _tier_reached(policy: Policy, clause: Clause, ft: FactTable, cond: np.ndarray) -> np.ndarray:
    """The highest tier each row reaches this year, with the clause's conditions and, where it
    says so, limit-above (-1: none)."""
    extra = cond & ft.value("limit_above") if clause.requires_limit_above else cond
    return tier_index(clause, ft, extra, policy.two_year_average)


def _reached_tiers(policy: Policy, clause: Clause, ft: FactTable, cond: np.ndarray):
    """:func:`_tier_reached`, the tiers' words, and the metric's wording with its year."""
    reached = _tier_reached(policy, clause, ft, cond)
    facts = _with_limit_above(clause, ft, metric_words(ft, clause.metric, ft.year))
    return reached, tier_words(clause.tiers, clause.metric), facts


def _tiered_rows(policy: Policy, clause: Clause, ft: FactTable, cond: np.ndarray):
    """highest / differential tiers on any rows (parks, members); differential nets in finish()."""
    n = ft.n
    reached, words, facts = _reached_tiers(policy, clause, ft, cond)
    amount = tier_amounts(clause.tiers, reached)
    facts_text = tx.join_columns(facts, "，达到“", _pick(words, reached), tx.fen_column_words(amount, "”档，标准"))
    return reached >= 0, amount, reached, facts_text, np.full(n, "", dtype=object)


def _tiered_enterprises(policy: Policy, clause: Clause, ctx: YearContext, cond: np.ndarray):
    """Tiers of every enterprise's own figures; ``first_crossing`` looks at all earlier years of
    the ledger and at what was already paid under the clause."""
    ft = ctx.facts
    n = ft.n
    if clause.mode != "first_crossing":
        return _tiered_rows(policy, clause, ft, cond)
    reached, words, facts = _reached_tiers(policy, clause, ft, cond)
    paid = _paid_for(ctx, policy, clause, ctx.enterprises["uscc"].to_numpy(dtype=object))
    idx = np.full(n, -1, dtype=np.int64)
    for k, tier in enumerate(clause.tiers):
        before = _history_reached(clause, ctx, tier) | (paid["paid_max"] >= int(tier.amount or 0))
        idx = np.where((reached >= k) & ~before, k, idx)
    since, has_since = ctx.first_history_year()
    since_codes, since_years = pd.factorize(np.where(has_since, since, -1))
    since_words = np.array([f"查阅{y}—{ctx.year - 1}年历史数据" if y >= 0 else f"无{ctx.year}年以前的历史数据" for y in since_years.tolist()], dtype=object)[since_codes]
    amount = tier_amounts(clause.tiers, idx)
    # the note and the reason of a row depend on its tiers only: a table of them, one entry per
    # first tier, then per tier reached before, then "no tier"
    amounts = list(tx.fen_column_words(np.array([int(t.amount or 0) for t in clause.tiers], dtype=np.int64)))
    not_first = [f"以前年度已达到“{w}”档或已奖励，不属首次" for w in words]
    k = len(words)
    which = np.where(idx >= 0, idx, np.where(reached >= 0, k + reached, 2 * k))
    note = np.array([f"首次达到“{w}”档，标准{a}" for w, a in zip(words, amounts, strict=True)] + not_first + [""], dtype=object)[which]
    reason = np.array([""] * k + not_first + ["未达到任何档位"], dtype=object)[which]
    facts_text = np.empty(n, dtype=object)
    rows = np.flatnonzero(reached >= 0)
    facts_text[rows] = tx.join_columns(facts[rows], "，", note[rows], "（", since_words[rows], "）")
    rows = np.flatnonzero(reached < 0)
    facts_text[rows] = facts[rows] + "，未达到任何档位"
    return reached >= 0, amount, idx, facts_text, reason


def _contribution_increment(policy: Policy, clause: Clause, ctx: YearContext):
    """cixi-2024-8 clause 3 (settlement-semantics): qualifying year Q = first year in the
    policy's period meeting ``qualify``; baseline = mean contribution of the ``baseline_years``
    before Q (missing = 0); award in Q .. Q+award_years-1 = rate(Y) x max(0, contribution(Y) - baseline)."""
    ft = ctx.facts
    year = ctx.year
    k = clause.baseline_years
    owners, years = ctx.stats_positions, ctx.stats_years
    # qualifying year of these enterprises (by position in the year), from their stats rows
    own = ctx.own_stats_rows()
    rows = own[(years[own] >= policy.effective.start.year) & (years[own] <= year)]
    q = clause.qualify
    meets = rows[compare(history_facts(ctx.stats_arrays, rows, year, (q.fact,)), q.fact, q.op, q.value)]
    qualified, has_qualified = min_per(owners[meets], years[meets], ctx.enterprise_count)
    # baseline: sum of local_contribution over Q-k .. Q-1 of each enterprise that qualified
    # (missing years = 0), from the stats rows of those years of those enterprises only
    owned = own[has_qualified[owners[own]]]
    owner, row_year = owners[owned], years[owned]
    q_of_row = qualified[owner]
    base = np.flatnonzero((row_year >= q_of_row - k) & (row_year < q_of_row))
    contribution, _ = ctx.stats_arrays.rows("local_contribution", owned[base])  # 0 where missing
    base_total = np.zeros(ctx.enterprise_count, dtype=np.int64)
    np.add.at(base_total, owner[base], contribution)
    Qi, has_q = qualified[ctx.positions], has_qualified[ctx.positions]
    in_window = has_q & (year >= Qi) & (year <= Qi + clause.award_years - 1)
    # the award, its tier and its words only where the clause can fire (in the award window)
    n = len(Qi)
    w = np.flatnonzero(in_window)
    ft_w = ft.take(w)
    base_sum = base_total[ctx.positions[w]]
    cur = ft_w.rational("local_contribution")
    c = as_int_array(cur.num)
    tier_w = tier_index(clause, ft_w)
    rates = [Fraction(t.rate) for t in clause.tiers]
    num = np.array([r.numerator for r in rates] + [0], dtype=np.int64)[np.where(tier_w < 0, len(rates), tier_w)]
    den = np.array([r.denominator for r in rates] + [1], dtype=np.int64)[np.where(tier_w < 0, len(rates), tier_w)]
    increment_k = np.maximum(0, mul(c, k) - base_sum)  # k x (contribution - baseline)
    amount_w = np.asarray(div_half_up(mul(increment_k, num), mul(den, k)), dtype=np.int64)
    amount = np.zeros(n, dtype=np.int64)
    amount[w] = np.where(cur.known & (tier_w >= 0), amount_w, 0)
    rate_idx = np.full(n, -1, dtype=np.int64)
    rate_idx[w] = tier_w
    q_words = Qi[w].astype(str).astype(object)
    facts_text = np.full(n, "", dtype=object)
    facts_text[w] = tx.join_columns(
        "达标年", q_words, "年（" + tx.describe_comparison(q) + "），", metric_words(ft_w, clause.metric, year),
        "；基数=", q_words, f"年前{k}年地方综合贡献平均值", tx.fen_column_words(div_half_up(base_sum, k)),
        "；", metric_words(ft_w, "local_contribution", year),
        "；增量部分按", _pick([tx.ratio_words(r) for r in rates], tier_w, "无"), "奖励",
    )
    reason = np.full(n, "", dtype=object)
    reason[w] = np.where(~cur.known, f"{year}年地方综合贡献缺失", np.where(tier_w < 0, f"{year}年网络销售额未达到1亿元档", ""))
    return in_window, amount.astype(np.int64), rate_idx, facts_text, reason


# ------------------------------------------------------------------ finishing

def _paid_for(ctx: YearContext, policy: Policy, clause: Clause, payees, subjects=None) -> dict[str, np.ndarray]:
    """What each (payee, subject) was paid under the clause in earlier years: paid_total,
    paid_max (fen) and paid_years ('2023、2024'; '' when nothing)."""
    payees = np.asarray(payees, dtype=object)
    subjects = payees if subjects is None else np.asarray(subjects, dtype=object)
    n = len(payees)
    out = {"paid_total": np.zeros(n, dtype=np.int64), "paid_max": np.zeros(n, dtype=np.int64), "paid_years": np.full(n, "", dtype=object)}
    summary = ctx.paid_under(policy.id, clause.id)
    if summary is None or not n:  # nothing paid before under this clause
        return out
    known = pd.Index(summary["payee_uscc"].to_numpy(dtype=object) + "\x1f" + summary["subject_uscc"].to_numpy(dtype=object))
    at = known.get_indexer(payees + "\x1f" + subjects)
    found = at >= 0
    for column in out:
        values = summary[column].to_numpy(dtype=out[column].dtype)
        out[column][found] = values[at[found]]
    return out


# Columns a clause's lines carry until :func:`render` words them, once for the whole year.
RAW_COLUMNS = [c for c in LINE_COLUMNS if c not in ("explanation", "trace")] + ["facts", "notes", "reason", "tier", "paid_before", "paid_years"]


_INTEGER_COLUMNS = ("standard_amount", "capped_amount", "tier", "paid_before")


def empty_raw() -> dict[str, np.ndarray]:
    """No lines (a clause without applications or candidates)."""
    return {c: np.zeros(0, dtype=np.int64 if c in _INTEGER_COLUMNS else object) for c in RAW_COLUMNS}


def finish(parts: list[tuple[Policy, Clause, dict[str, np.ndarray] | None]], ctx: YearContext) -> dict[str, np.ndarray]:
    """Once, differential, the clause's annual and cumulative caps and the status of the lines
    of several clauses at once (each clause's parameters spread to its lines); the notes these
    add to the explanation (worded with the rest in :func:`render`). Each part: a clause and its
    lines (None for none) with columns payee_uscc, subject_uscc, park_id, excluded, amount,
    tier, facts_text, reason, application_ids."""
    parts = [(p, c, lines) for p, c, lines in parts if lines is not None and len(lines["payee_uscc"])]
    if not parts:
        return empty_raw()
    sizes = [len(lines["payee_uscc"]) for _, _, lines in parts]
    bounds = np.cumsum([0, *sizes])
    by_part = Pairs(np.repeat(np.arange(len(parts)), sizes), [(p.id, c.id) for p, c, _ in parts])  # each line's part
    per_part = by_part.per_row

    def column(name: str, dtype=object) -> np.ndarray:
        return np.concatenate([np.asarray(lines[name], dtype=dtype) for _, _, lines in parts])

    clauses = [c for _, c, _ in parts]
    n = int(bounds[-1])
    payee, subject = column("payee_uscc"), column("subject_uscc")
    paid_total = np.zeros(n, dtype=np.int64)
    paid_years = np.full(n, "", dtype=object)
    for i, (policy, clause, _) in enumerate(parts):  # only the clauses something was paid under
        if ctx.paid_under(policy.id, clause.id) is not None:
            a, b = bounds[i], bounds[i + 1]
            paid = _paid_for(ctx, policy, clause, payee[a:b], subject[a:b])
            paid_total[a:b], paid_years[a:b] = paid["paid_total"], paid["paid_years"]
    amount = column("amount", np.int64)
    excluded = column("excluded", bool)
    notes = np.full(n, "", dtype=object)
    reason = column("reason")

    def paid_words(rows: np.ndarray) -> np.ndarray:
        return paid_years[rows] + "年已兑现" + tx.fen_column_words(paid_total[rows])

    blocked = per_part([c.once for c in clauses], bool) & (paid_total > 0) & ~excluded
    rows = np.flatnonzero(blocked)
    notes[rows] = "一次性奖励：" + paid_words(rows) + "，本年不再奖励"
    reason = np.where(blocked & (reason == ""), "一次性奖励已兑现", reason)
    amount = np.where(blocked, 0, amount)
    differential = per_part([c.mode == "differential" for c in clauses], bool)
    has_paid = differential & (paid_total > 0) & ~excluded
    net = np.maximum(0, amount - paid_total)
    rows = np.flatnonzero(has_paid)
    notes[rows] = notes[rows] + "进档补差：" + paid_words(rows) + "，补差" + tx.fen_column_words(net[rows])
    reason = np.where(has_paid & (net == 0) & (reason == ""), "已按该档或更高档兑现，无差额", reason)
    amount = np.where(differential, net, amount)
    standard = amount.copy()
    capped = standard.copy()
    has_cap = per_part([c.cap is not None for c in clauses], bool)
    if has_cap.any():
        cap = per_part([int(c.cap) if c.cap is not None else 0 for c in clauses], np.int64)
        rows = np.flatnonzero(has_cap & (capped > cap))
        notes[rows] = notes[rows] + per_part([f"；超过每年上限{tx.amount_words(c.cap)}，按上限计" if c.cap is not None else "" for c in clauses])[rows]
        capped = np.where(has_cap, np.minimum(capped, cap), capped)
    has_cumulative = per_part([c.cumulative_cap is not None for c in clauses], bool)
    if has_cumulative.any():
        cumulative = per_part([int(c.cumulative_cap) if c.cumulative_cap is not None else 0 for c in clauses], np.int64)
        remaining = np.maximum(0, cumulative - paid_total)
        rows = np.flatnonzero(has_cumulative & (capped > remaining))
        words = per_part([f"；累计上限{tx.amount_words(c.cumulative_cap)}，此前已兑现" if c.cumulative_cap is not None else "" for c in clauses])
        notes[rows] = notes[rows] + words[rows] + tx.fen_column_words(paid_total[rows]) + "，本年至多" + tx.fen_column_words(remaining[rows])
        capped = np.where(has_cumulative, np.minimum(capped, remaining), capped)
    status = np.where(excluded, "excluded", np.where(capped > 0, "candidate", "zero"))
    reason = np.where((status == "zero") & (reason == ""), "计算金额为0", reason)
    return {
        "payee_uscc": payee,
        "subject_uscc": subject,
        "park_id": column("park_id"),
        "policy_id": per_part([p for p, _ in by_part.distinct]),
        "clause_id": per_part([c for _, c in by_part.distinct]),
        "matter": per_part([c.matter or "" for c in clauses]),
        "status": status.astype(object),
        "standard_amount": standard.astype(np.int64),
        "capped_amount": capped.astype(np.int64),
        "application_ids": column("application_ids"),
        "facts": column("facts_text"),
        "notes": notes,
        "reason": reason.astype(object),
        "tier": column("tier", np.int64),
        "paid_before": paid_total,
        "paid_years": paid_years,
    }


def render(raw: dict[str, np.ndarray], catalog) -> pd.DataFrame:
    """The explanation and the audit trace of every line, worded in one pass over the lines of
    all clauses (the columns :func:`finish` left: facts, notes and reason). The explanation
    carries the words (the facts and years used, notes, the reason); the trace the figures
    behind them (kind and mode of the clause, tier, amounts before and after the clause's caps,
    the caps, what was paid before and in which years, the reason), not the words again."""
    if not len(raw["payee_uscc"]):
        return empty_lines()
    by_clause = pairs(raw["policy_id"], raw["clause_id"])
    clauses = [(catalog.policy(p), catalog.policy(p).clause(c)) for p, c in by_clause.distinct]

    status, capped, facts, reason, notes = raw["status"], raw["capped_amount"], raw["facts"], raw["reason"], raw["notes"]
    header = by_clause.per_row([f"《{p.short_name}》（{p.number_words}）第{c.id}条：" for p, c in clauses])
    candidate = status == "candidate"
    tail = "；" + reason
    rows = np.flatnonzero(candidate)
    tail[rows] = tx.fen_column_words(capped[rows], "；计")
    # a reason the application notes already give is not said twice
    rows = np.flatnonzero(~candidate & (reason != ""))
    said = np.fromiter(map(operator.contains, facts[rows], reason[rows]), dtype=bool, count=len(rows))
    tail[rows[said]] = ""
    noted = np.full(len(notes), "", dtype=object)
    rows = np.flatnonzero(notes != "")
    stripped = [s[1:] if s.startswith("；") else s for s in notes[rows]]
    noted[rows] = ["；" + s if s else "" for s in stripped]
    out = {c: raw[c] for c in LINE_COLUMNS if c in raw}
    out["explanation"] = tx.join_columns(header, facts, noted, tail)

    def per_clause_coded(values: list, encode) -> trace.Coded:
        return trace.Coded(by_clause.codes, np.array([encode(v) for v in values], dtype=object))

    out["trace"] = trace.records(
        {
            "kind": per_clause_coded([c.kind for _, c in clauses], trace.json_string),
            "mode": per_clause_coded([c.mode or "" for _, c in clauses], trace.json_string),
            "tier": trace.coded(raw["tier"] + 1, trace.json_int),
            "paid_before": trace.coded(raw["paid_before"], trace.json_int),
            "paid_years": trace.coded(raw["paid_years"], trace.json_string),
            "standard_fen": trace.coded(raw["standard_amount"], trace.json_int),
            "capped_fen": trace.coded(capped, trace.json_int),
            "annual_cap_fen": per_clause_coded([int(c.cap) if c.cap is not None else -1 for _, c in clauses], trace.json_int),
            "cumulative_cap_fen": per_clause_coded([int(c.cumulative_cap) if c.cumulative_cap is not None else -1 for _, c in clauses], trace.json_int),
            "reason": trace.coded(reason, trace.json_string),
        }
    )
    return lines_frame({c: out[c] for c in LINE_COLUMNS})


# ------------------------------------------------------------------ year

@paused_collection()
def evaluate_year(ctx: YearContext, policies: list[Policy] | None = None) -> pd.DataFrame:
    """Every clause of every policy for the year: data-driven clauses of policies in force, and
    every application (lines of policies not in force are excluded with the reason)."""
    parts = []
    for policy in policies or ctx.catalog.policies:
        in_force = policy.in_force(ctx.year)
        for clause in policy.clauses:
            try:
                if clause.application or clause.kind in ("none", "external"):
                    parts.append((policy, clause, application_amounts(policy, clause, ctx, in_force)))
                elif in_force:
                    parts.append((policy, clause, data_amounts(policy, clause, ctx)))
            except AmountOverflow as exc:
                raise FactError(overflow_message(f"《{policy.short_name}》第{clause.id}条", exc)) from None
    try:
        return render(finish(parts, ctx), ctx.catalog)
    except AmountOverflow as exc:
        raise FactError(overflow_message("封顶与补差", exc)) from None


def overflow_message(where: str, exc: AmountOverflow) -> str:
    return (f"{where}：金额计算超出可计算的范围（超过约9.2×10^16元），结算已停止，不会按溢出后的数字兑现。"
            f"涉及：{exc}。请核实这些申报或企业的金额（多为录入错误，如多写了位数）后重新运行")
