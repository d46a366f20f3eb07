"""The driver of application clauses: which applications a clause sees and why one is excluded,
the kind's amount of each (``kinds/<kind>.py``), the caps of one application, and one line
per payee (and park) from its applications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest.contract import LEVEL_LABELS, NUMBER_SCALE
from ..policies.schema import ClauseBase, Policy
from . import text as tx
from .clause_job import ApplicationJob, Items
from .conditions import Leaf, evaluate
from .context import ApplicationRows, YearContext
from .exact import add_reduceat, as_int_array, mul_int64
from .facts import FactTable
from .grouping import group_starts, in_order, text_rank
from .kinds import module
from .tiers import tier_amounts
from .wording import failed_words, leaves_words, with_conditions

PARK_KIND_WORDS = {"ecommerce": "电商", "crossborder": "跨境电商"}


def _exclusions(
    policy: Policy,
    ctx: YearContext,
    apps: ApplicationRows,
    ft: FactTable,
    in_force: bool,
    ent_indexer: np.ndarray,
) -> np.ndarray:
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
        exclude(
            np.ones(n, bool),
            f"本政策有效期为{policy.effective.start.isoformat()}至{end}，{ctx.year}年不在有效期内",
        )
    outside = ~ctx.in_regions_at(policy.regions, ent_indexer)
    if outside.any():
        region = pd.Series(ft.value("region_code")).fillna("未知").astype(str).to_numpy(dtype=object)
        exclude(outside, "企业所在行政区划" + region + "不在本政策适用范围")
    if policy.excludes_blacklisted:
        exclude(ctx.blacklisted_at(ent_indexer), "企业列入严重失信名单，不予奖励")
    return reason


def _application_caps(clause: ClauseBase, ft: FactTable, apps: ApplicationRows, items: Items) -> Items:
    """The caps of one application: by its level, per unit of its quantity, per item."""
    amount, ok, note, why_not = items.amount, items.ok, items.note, items.why_not
    if clause.item_cap_by_level:
        levels = pd.Series(ft.value("application.level"))
        caps = levels.map({k: int(v) for k, v in clause.item_cap_by_level.items()})
        known_cap = caps.notna().to_numpy()
        capv = caps.fillna(0).to_numpy(dtype=np.int64)
        over = known_cap & (amount > capv)
        level_words = levels.map(LEVEL_LABELS).fillna("").to_numpy(dtype=object)
        note = np.where(
            over, note + "，超过" + level_words + "上限" + tx.fen_column_words(capv) + "按上限计", note
        )
        amount = np.where(known_cap, np.minimum(amount, capv), amount)
        why_not = np.where(known_cap | ~ok, why_not, "级别不在本条适用范围")
        ok &= known_cap
    if clause.item_cap_per_unit is not None:
        qty = ft.rational("application.quantity")
        units = np.where(qty.known, as_int_array(qty.num) // NUMBER_SCALE, 1)
        capv = mul_int64(units, int(clause.item_cap_per_unit), apps["application_id"])
        over = amount > capv
        words = (
            f"，超过每项上限{tx.amount_words(clause.item_cap_per_unit)}×"
            + units.astype(str).astype(object)
            + "项，按"
            + tx.fen_column_words(capv)
            + "计"
        )
        note = np.where(over, note + words, note)
        amount = np.minimum(amount, capv)
    if clause.item_cap is not None:
        over = amount > int(clause.item_cap)
        note = np.where(over, note + f"，超过单项上限{tx.amount_words(clause.item_cap)}按上限计", note)
        amount = np.minimum(amount, int(clause.item_cap))
    amount = np.where(ok, amount, 0).astype(np.int64)
    return Items(amount, ok, note, why_not, items.tier)


def _operator_parks(
    ctx: YearContext, operators: np.ndarray, kind: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """For each operator USCC: the park it runs (of ``kind``; the lowest park id when several),
    as (park_id, position in ctx.parks or -1)."""
    parks = ctx.parks
    if kind is not None:
        parks = parks[parks["kind"] == kind]
    first = parks.sort_values("park_id").drop_duplicates("operator_uscc")
    pos_of = pd.Series(first.index.to_numpy(), index=first["operator_uscc"].to_numpy())
    pos = pd.Series(operators).map(pos_of).fillna(-1).to_numpy(dtype=np.int64)
    all_ids = ctx.parks["park_id"].to_numpy(dtype=object)
    ids = np.where(pos >= 0, all_ids[np.where(pos >= 0, pos, 0)] if len(ctx.parks) else "", "")
    return ids.astype(object), pos


def application_amounts(
    policy: Policy, clause: ClauseBase, ctx: YearContext, in_force: bool
) -> dict[str, np.ndarray] | None:
    """One line per payee (and park) from the clause's applications, before the lines are
    finished (None: no application under the clause)."""
    apps = ctx.applications_for(policy.id, clause.id)
    if not len(apps):
        return None
    ent_indexer, ft = apps.positions, apps.facts
    n = len(apps)
    kind = module(clause.kind)
    park_id = np.full(n, "", dtype=object)
    reason = _exclusions(policy, ctx, apps, ft, in_force, ent_indexer)
    if clause.payee == "park":
        # filed by the park's operator: the park's facts join the application's
        park_id, pos = _operator_parks(ctx, apps["uscc"], clause.park_kind)
        ft.merge(ctx.park_facts.take(pos))
        not_operator = f"申报企业不是{PARK_KIND_WORDS.get(clause.park_kind, '')}园区的运营主体"
        reason = np.where((reason == "") & (pos < 0), not_operator, reason)
    eligible = reason == ""
    leaves: list[Leaf] = []
    no_amount = getattr(kind, "NO_AMOUNT", None)
    if no_amount is not None or not in_force or not eligible.any():
        items = Items.start(n)
        items.ok[:] = False
        cond = np.zeros(n, dtype=bool)
        if no_amount is not None:
            reason = np.where(eligible, f"本条款无可计算的奖励金额（{no_amount}）", reason)
            eligible = reason == ""
    else:
        if not hasattr(kind, "application_amounts"):
            raise ValueError(f"{policy.id} {clause.id}: kind {clause.kind} has no application formula")
        cond, leaves = evaluate(clause.conditions, ft, policy.two_year_average)
        items = kind.application_amounts(ApplicationJob(policy, clause, ctx, apps, ent_indexer))
        items = _application_caps(clause, ft, apps, items)
    zero_reason = np.where(~cond, failed_words(leaves, n), np.where(~items.ok, items.why_not, ""))
    good = eligible & cond & items.ok
    app_ids = apps["application_id"]
    app_words = "申报" + app_ids + "：" + np.where(good, items.note, np.where(eligible, zero_reason, reason))
    agg = _per_payee(
        {
            "payee_uscc": apps["uscc"],
            "park_id": park_id,
            "application_id": app_ids,
            "eligible": eligible,
            "good": good,
            "amount": np.where(good, items.amount, 0).astype(np.int64),
            "tier": np.where(good, items.tier, -1),
            "reason": np.where(eligible, "", reason),
            "zero_reason": np.where(eligible & ~good, zero_reason, ""),
            "words": app_words,
            "cond_words": leaves_words(leaves, n),
        }
    )
    per_payee = getattr(kind, "PER_PAYEE", "sum")
    if per_payee == "max":
        standard = agg["amount_max"]  # once per year, however many applications
    elif per_payee == "tier":
        standard = tier_amounts(clause.tiers, agg["tier"])  # the year's highest tier
    else:
        standard = agg["amount_sum"]
    eligible = agg["eligible"]
    return {
        "payee_uscc": agg["payee_uscc"],
        "subject_uscc": agg["payee_uscc"],
        "park_id": agg["park_id"],
        "excluded": ~eligible,
        "amount": np.where(eligible, standard, 0).astype(np.int64),
        "tier": agg["tier"],
        "facts_text": with_conditions(agg["words"], agg["cond_words"]),
        "reason": np.where(eligible, np.where(agg["good"], "", agg["zero_reason"]), agg["reason"]),
        "application_ids": agg["application_ids"],
    }


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
