"""可申报未申报名单 (免申即享 push list): enterprises that the year's statistics say meet an
application clause's conditions but that filed no application under it.

The same facts and the same condition evaluator as the settlement (:mod:`.conditions`), on
whole columns: for each application clause of a policy in force, the part of its conditions
checkable from the statistics (comparisons of enterprise facts; a branch that also needs an
application's figures is left to the application) and, for a tiered clause on the enterprise's
own figures, reaching a tier. Listed: enterprises in the policy's regions, not blacklisted
where the policy excludes them, meeting all of that, with no application under the clause in
the year (whatever its status: an application that was filed is the desk's business, not a
prospect) and, for a one-time clause, not paid under it before.

Clauses paid to a park's operator are not listed: whether a park qualifies is the park's
figures and its operator's application, which the bureau handles with the park directly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..fact_registry import FACTS
from ..policies.schema import Clause, Condition, Policy
from . import text as tx
from .conditions import Leaf, evaluate
from .context import YearContext
from .facts import FactError
from .tiers import tier_amounts, tier_reached, tier_words
from .wording import metric_words

COLUMNS = [
    "township",
    "name",
    "uscc",
    "region_code",
    "policy_id",
    "policy",
    "clause_id",
    "reward",
    "conditions",
    "needs",
    "estimate_fen",
    "estimate",
    "explanation",
]
ESTIMATE_BY_MATERIALS = "按申报材料核定"
NOT_STATISTICS = ("application.", "park.")  # facts an application or a park gives, not the statistics


def data_part(cond: Condition | None) -> Condition | None:
    """The part of ``cond`` the statistics alone decide: a comparison of an enterprise fact;
    of ``all``, the children that are such parts; ``any`` and ``not`` only when wholly so.
    None when nothing is checkable from the statistics."""
    if cond is None:
        return None
    if cond.fact is not None:
        return None if cond.fact.startswith(NOT_STATISTICS) else cond
    if cond.all is not None:
        kept = [c for c in (data_part(child) for child in cond.all) if c is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Condition(all=kept)
    return cond if _wholly_data(cond) else None


def _wholly_data(cond: Condition) -> bool:
    return not any(name.startswith(NOT_STATISTICS) for name in cond.facts())


def _application_facts(cond: Condition | None) -> list[str]:
    return [] if cond is None else sorted(name for name in cond.facts() if name.startswith("application."))


def needs(clause: Clause) -> str:
    """What an application under ``clause`` must still supply, in the desk's words."""
    fields: list[str] = []
    if clause.kind == "rate":
        fields.append(FACTS[clause.base].label)
    elif clause.kind == "unit":
        fields.append(FACTS["application.quantity"].label)
    elif clause.kind == "approved":
        fields.append(FACTS["application.approved_amount"].label)
    elif clause.kind == "tiered" and (clause.metric or "").startswith("application."):
        fields.append(FACTS[clause.metric].label)
    if clause.item_cap_by_level or getattr(clause, "unit_amount_by_level", None):
        fields.append(FACTS["application.level"].label)
    fields += [FACTS[f].label for f in _application_facts(clause.conditions)]
    seen = list(dict.fromkeys(fields))
    return "申报材料（" + "、".join(seen) + "）" if seen else "申报材料"


def _data_tiered(clause: Clause) -> bool:
    return clause.kind == "tiered" and bool(clause.metric) and not clause.metric.startswith(NOT_STATISTICS)


def candidate_clauses(ctx: YearContext) -> list[tuple[Policy, Clause, Condition | None]]:
    """Application clauses of policies in force with something checkable from the statistics."""
    out = []
    for policy in ctx.catalog.policies:
        if not policy.in_force(ctx.year):
            continue
        for clause in policy.clauses:
            if not clause.application or clause.kind in ("none", "external") or clause.payee != "enterprise":
                continue
            part = data_part(clause.conditions)
            if part is not None or _data_tiered(clause):
                out.append((policy, clause, part))
    return out


def _figure_words(ft, leaf: Leaf, year: int) -> np.ndarray:
    """Each row's figure for one condition and the condition met:
    '2025年零售额5,000.00万元（≥ 2000万元✓）'."""
    name = leaf.condition.fact
    info = FACTS[name]
    met = "（" + leaf.description + "✓）"
    if info.type in ("money", "usd", "ratio"):
        label_year = year - 1 if name.endswith("@prev") else year
        return metric_words(ft, name, label_year) + met
    if info.type == "int":
        values = ft.rational(name)
        shown = np.asarray(values.num, dtype=object)
        return np.where(
            values.known, f"{info.label}" + shown.astype(str) + met, f"{info.label}缺失" + met
        ).astype(object)
    return np.full(ft.n, leaf.description + "✓", dtype=object)


def _marked(ctx: YearContext, codes: np.ndarray) -> np.ndarray:
    """True at the enterprises whose code is among ``codes`` (looked up in the year's index)."""
    mark = np.zeros(ctx.facts.n, dtype=bool)
    if len(codes):
        positions = ctx.index.get_indexer(pd.unique(codes))
        mark[positions[positions >= 0]] = True
    return mark


def clause_prospects(
    policy: Policy, clause: Clause, part: Condition | None, ctx: YearContext
) -> pd.DataFrame:
    ft = ctx.facts
    n = ft.n
    everyone = np.arange(n)
    keep = ctx.in_regions_at(policy.regions, everyone)
    if policy.excludes_blacklisted:
        keep &= ~ctx.blacklisted_at(everyone)
    leaves: list[Leaf] = []
    if part is not None:
        passed, leaves = evaluate(part, ft, policy.two_year_average)
        keep &= passed
    tiers = None
    if _data_tiered(clause):
        tiers = tier_reached(policy, clause, ft, keep)
        keep &= tiers >= 0
    uscc = ctx.enterprises["uscc"].to_numpy(dtype=object)
    apps = ctx.applications
    if len(apps):
        filed = apps.loc[
            (apps["policy_id"] == policy.id) & (apps["clause_id"] == clause.id), "uscc"
        ].to_numpy(dtype=object)
        keep &= ~_marked(ctx, filed)
    if clause.once and len(ctx.paid_summary):
        paid = ctx.paid_summary
        before = paid.loc[
            (paid["policy_id"] == policy.id)
            & (paid["clause_id"] == clause.id)
            & (paid["payee_uscc"] == paid["subject_uscc"]),
            "payee_uscc",
        ]
        keep &= ~_marked(ctx, before.to_numpy(dtype=object))
    rows = np.flatnonzero(keep)
    if not len(rows):
        return pd.DataFrame(columns=COLUMNS)
    sub = ft.take(rows)
    words = [
        _figure_words(sub, Leaf(leaf.condition, leaf.passed[rows], leaf.description), ctx.year)
        for leaf in leaves
    ]
    estimate = np.full(len(rows), -1, dtype=np.int64)
    if tiers is not None:
        reached = tiers[rows]
        amount = tier_amounts(clause.tiers, reached)
        tier_text = tx.join_columns(
            metric_words(sub, clause.metric, ctx.year),
            "，达到“",
            np.array(tier_words(clause.tiers, clause.metric), dtype=object)[reached],
            "”档",
        )
        words.append(tier_text)
        estimate = amount
    elif clause.kind == "fixed" and clause.amount is not None:
        estimate[:] = int(clause.amount)
    conditions = (
        tx.join_columns(*[part for k, w in enumerate(words) for part in ([] if k == 0 else ["；"]) + [w]])
        if words
        else np.full(len(rows), "", dtype=object)
    )
    estimate_text = np.where(
        estimate >= 0, tx.fen_column_words(np.maximum(estimate, 0)), ESTIMATE_BY_MATERIALS
    ).astype(object)
    reward = f"第{clause.id}条 {clause.matter_label}" if clause.matter else f"第{clause.id}条"
    need = needs(clause)
    once = "（一次性奖励，此前未在本条获奖）" if clause.once else ""
    explanation = tx.join_columns(
        f"{ctx.year}年数据显示符合《{policy.short_name}》{reward}的条件：",
        conditions,
        f"；尚未申报{once}，申报时需提供{need}；预计奖励",
        estimate_text,
        "（以审核为准）" if clause.kind == "fixed" or tiers is not None else "",
    )
    ent = ctx.enterprises.iloc[rows]
    return pd.DataFrame(
        {
            "township": ent["township"].fillna("").astype(str).to_numpy(dtype=object),
            "name": ent["name"].astype(str).to_numpy(dtype=object),
            "uscc": uscc[rows],
            "region_code": ent["region_code"].astype(str).to_numpy(dtype=object),
            "policy_id": policy.id,
            "policy": policy.citation,
            "clause_id": clause.id,
            "reward": reward,
            "conditions": conditions,
            "needs": need,
            "estimate_fen": estimate,
            "estimate": estimate_text,
            "explanation": explanation,
        }
    )


def prospects(ctx: YearContext) -> tuple[pd.DataFrame, list[str]]:
    """Every prospect of the year, sorted by township, then policy and clause order, then code;
    and the clauses that could not be checked, with why (a fact the year's data cannot give,
    such as USD exports without the year's exchange rate): named, never skipped in silence."""
    parts, skipped = [], []
    for policy, clause, part in candidate_clauses(ctx):  # catalog order
        try:
            parts.append(clause_prospects(policy, clause, part, ctx))
        except FactError as exc:
            skipped.append(f"《{policy.short_name}》第{clause.id}条未能判断：{exc}")
    parts = [p.assign(_order=k) for k, p in enumerate(parts) if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS), skipped
    frame = pd.concat(parts, ignore_index=True)
    frame = (
        frame.sort_values(["township", "_order", "uscc"], kind="stable")
        .drop(columns=["_order"])
        .reset_index(drop=True)
    )
    frame["estimate_fen"] = frame["estimate_fen"].astype(np.int64)
    return frame, skipped


__all__ = ["prospects", "data_part", "needs", "candidate_clauses", "ESTIMATE_BY_MATERIALS"]
