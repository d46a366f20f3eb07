"""Deciding what is actually paid (settlement-semantics "Caps", "No double benefit",
"Budget scale-down", "Funding split"), for all lines of a year at once.

Order: the clause caps are already applied by the engine; here come cap groups, then no
double benefit across and within policies, then each policy's budget scale-down, then the
split between city and district. Every step adds its words to the line's explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from ..engine import text as tx
from ..engine.context import YearContext
from ..engine.matters import matter_label
from ..money import div_half_up, largest_remainder
from ..policies import Catalog


@dataclass
class Allocation:
    lines: pd.DataFrame
    scale_factors: dict[str, dict] = field(default_factory=dict)  # policy -> {budget, total, factor}


def _clause_positions(lines: pd.DataFrame, pairs: list[tuple[str, str]]) -> np.ndarray:
    """For each line, the position of its (policy_id, clause_id) in ``pairs`` (-1: not there)."""
    if not len(lines) or not pairs:
        return np.full(len(lines), -1, dtype=np.int64)
    wanted = pd.MultiIndex.from_tuples(pairs)
    return wanted.get_indexer(pd.MultiIndex.from_arrays([lines["policy_id"].to_numpy(dtype=object), lines["clause_id"].to_numpy(dtype=object)]))


def _orders(lines: pd.DataFrame, catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    policy_order = {p.id: i for i, p in enumerate(catalog.policies)}
    pairs = [(p.id, c.id) for p in catalog.policies for c in p.clauses]
    clause_order = np.array([j for p in catalog.policies for j, _ in enumerate(p.clauses)], dtype=np.int64)
    po = lines["policy_id"].map(policy_order).fillna(99).to_numpy(dtype=np.int64)
    pos = _clause_positions(lines, pairs)
    co = np.where(pos >= 0, clause_order[np.maximum(pos, 0)] if len(clause_order) else 999, 999)
    return po, co


def sort_lines(lines: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    po, co = _orders(lines, catalog)
    lines = lines.assign(_po=po, _co=co)
    lines = lines.sort_values(["_po", "_co", "payee_uscc", "subject_uscc", "park_id"], kind="stable")
    return lines.drop(columns=["_po", "_co"]).reset_index(drop=True)


def _append(expl: pd.Series, mask: np.ndarray, words) -> pd.Series:
    words = pd.Series(np.broadcast_to(np.asarray(words, dtype=object), len(expl)), index=expl.index)
    return expl.where(~mask, expl + "；" + words)


def apply_cap_groups(lines: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    for policy in catalog.policies:
        for group in policy.cap_groups:
            members = (lines["policy_id"] == policy.id) & lines["clause_id"].isin(group.clauses) & (lines["status"] == "candidate")
            if not members.any():
                continue
            sub = lines.loc[members]
            totals = sub.groupby("payee_uscc")["capped_amount"].transform("sum")
            over_rows = sub[totals > int(group.cap)]
            if not len(over_rows):
                continue
            _, co = _orders(over_rows, catalog)
            over_rows = over_rows.assign(_co=co).sort_values(["payee_uscc", "_co", "subject_uscc"], kind="stable")
            new = np.empty(len(over_rows), dtype=np.int64)
            # one largest-remainder allocation per payee over its lines of the group
            starts = np.flatnonzero(np.r_[True, over_rows["payee_uscc"].to_numpy()[1:] != over_rows["payee_uscc"].to_numpy()[:-1]])
            bounds = list(starts) + [len(over_rows)]
            amounts = over_rows["capped_amount"].to_numpy(dtype=np.int64)
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                new[a:b] = largest_remainder(amounts[a:b], int(group.cap), [over_rows["_co"].to_numpy()[a:b]])
            lines.loc[over_rows.index, "capped_amount"] = new
            mask = lines.index.isin(over_rows.index)
            lines["explanation"] = _append(
                lines["explanation"], mask,
                f"共同上限：第{'、'.join(group.clauses)}条合计每年不超过{tx.amount_words(group.cap)}，按比例分摊后计" + tx.fen_column_words(lines["capped_amount"]).to_numpy(dtype=object),
            )
    lines["status"] = np.where((lines["status"] == "candidate") & (lines["capped_amount"] <= 0), "zero", lines["status"])
    return lines


def apply_no_double_benefit(lines: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Per (payee, matter, subject[, park for park-total awards]) keep the highest amount after
    caps; ties: catalog order of policies, then clause order. Losers become ``superseded``."""
    cand = lines["status"] == "candidate"
    if not cand.any():
        lines["superseded_by"] = ""
        return lines
    po, co = _orders(lines, catalog)
    park_total = (lines["park_id"] != "") & (lines["payee_uscc"] == lines["subject_uscc"]) & lines["_park_total"]
    key_park = np.where(park_total, lines["park_id"], "")
    work = pd.DataFrame(
        {
            "payee": lines["payee_uscc"], "matter": lines["matter"], "subject": lines["subject_uscc"], "kpark": key_park,
            "neg_amount": -lines["capped_amount"].astype(np.int64), "po": po, "co": co, "cand": cand,
        },
        index=lines.index,
    )[cand]
    work = work.sort_values(["payee", "matter", "subject", "kpark", "neg_amount", "po", "co"], kind="stable")
    first = ~work.duplicated(["payee", "matter", "subject", "kpark"], keep="first")
    group_winner = pd.Series(np.where(first, work.index, -1), index=work.index).replace(-1, np.nan).ffill().astype(np.int64)
    losers = work.index[~first.to_numpy()]
    label = "《" + lines["policy_id"].map({p.id: p.short_name for p in catalog.policies}).fillna(lines["policy_id"]) + "》第" + lines["clause_id"] + "条"
    lines["superseded_by"] = ""
    if len(losers):
        win_of_loser = group_winner.loc[losers].to_numpy()
        lines.loc[losers, "superseded_by"] = (lines.loc[win_of_loser, "policy_id"] + "/" + lines.loc[win_of_loser, "clause_id"]).to_numpy()
        lines.loc[losers, "status"] = "superseded"
        winner_words = label.loc[win_of_loser].to_numpy(dtype=object) + "（" + tx.fen_column_words(lines.loc[win_of_loser, "capped_amount"]).to_numpy(dtype=object) + "）"
        mask = lines.index.isin(losers)
        words = pd.Series("", index=lines.index, dtype=object)
        matters = lines.loc[losers, "matter"].map(matter_label).to_numpy(dtype=object)
        words.loc[losers] = "就高不重复：同一事项“" + matters + "”已按" + winner_words + "奖励，本项不再兑现"
        lines["explanation"] = _append(lines["explanation"], mask, words.to_numpy(dtype=object))
        beaten = pd.Series(losers, index=win_of_loser).groupby(level=0).size()
        wmask = lines.index.isin(beaten.index)
        wwords = pd.Series("", index=lines.index, dtype=object)
        wwords.loc[beaten.index] = "就高不重复：本项金额最高（或并列时政策排序在先），同一事项的其他" + beaten.astype(str).to_numpy(dtype=object) + "项不再兑现"
        lines["explanation"] = _append(lines["explanation"], wmask, wwords.to_numpy(dtype=object))
        rwords = pd.Series("", index=lines.index, dtype=object)
        rwords.loc[beaten.index] = "就高不重复（同一事项另有" + beaten.astype(str).to_numpy(dtype=object) + "项不再兑现）"
        lines["remark"] = _join_remark(lines["remark"], rwords)
    return lines


def _join_remark(remark: pd.Series, words: pd.Series) -> pd.Series:
    both = (remark != "") & (words != "")
    return pd.Series(np.where(both, remark + "；" + words, remark + words), index=remark.index, dtype=object)


def apply_budgets(lines: pd.DataFrame, ctx: YearContext) -> tuple[pd.DataFrame, dict[str, dict]]:
    factors: dict[str, dict] = {}
    lines["final_amount"] = np.where(lines["status"] == "candidate", lines["capped_amount"], 0).astype(np.int64)
    lines["scale_factor"] = "1"
    for policy in ctx.catalog.policies:
        if not policy.budget.scale_down:
            continue
        budget = ctx.budget_for(policy.id)
        source = "budgets.csv"
        if budget is None:
            budget = int(policy.budget.default) if policy.budget.default is not None else None
            source = "政策文本总预算"
        if budget is None:
            continue
        kept = (lines["policy_id"] == policy.id) & (lines["status"] == "candidate")
        total = int(lines.loc[kept, "capped_amount"].sum())
        factor = Fraction(budget, total) if total > budget else Fraction(1)
        factors[policy.id] = {
            "budget": budget, "budget_source": source, "total_before": total,
            "factor": f"{factor.numerator}/{factor.denominator}", "factor_decimal": _factor_text(factor),
            "scaled": total > budget,
        }
        if total <= budget:
            continue
        sub = lines.loc[kept]
        _, co = _orders(sub, ctx.catalog)
        scaled = largest_remainder(sub["capped_amount"].to_numpy(dtype=np.int64), budget, [sub["payee_uscc"].to_numpy(dtype=str), co, sub["subject_uscc"].to_numpy(dtype=str)])
        lines.loc[kept, "final_amount"] = scaled
        lines.loc[kept, "scale_factor"] = _factor_text(factor)
        rwords = pd.Series(np.where(kept, f"按预算比例下调（系数{_factor_text(factor)}）", ""), index=lines.index, dtype=object)
        lines["remark"] = _join_remark(lines["remark"], rwords)
        lines["explanation"] = _append(
            lines["explanation"], kept.to_numpy(),
            f"预算按比例下调：本政策{ctx.year}年预算{tx.amount_words(budget)}（{source}），应兑现合计{tx.amount_words(total)}，系数{_factor_text(factor)}，按最大余数法精确到分，实付" + tx.fen_column_words(lines["final_amount"]).to_numpy(dtype=object),
        )
    return lines, factors


def _factor_text(f: Fraction) -> str:
    if f == 1:
        return "1"
    q = (f * 10**8).numerator // (f * 10**8).denominator
    return f"0.{q:08d}" if f < 1 else str(float(f))


def city_fractions(catalog: Catalog, policy_ids, clause_ids, regions) -> tuple[np.ndarray, np.ndarray]:
    """The city's share of each line as an exact fraction (numerator, denominator): the
    clause's own share, else the policy's share for the payee's region, else the policy's."""
    keys = pd.DataFrame({"p": np.asarray(policy_ids, dtype=object), "c": np.asarray(clause_ids, dtype=object), "r": np.asarray(regions, dtype=object)})
    unique = keys.drop_duplicates().reset_index(drop=True)
    shares = []
    for p, c, r in unique.itertuples(index=False):
        share = Fraction(0)
        if p in catalog.by_id:
            policy = catalog.policy(p)
            share = Fraction(policy.funding.by_region.get(r, policy.funding.city_share))
            try:
                clause = policy.clause(c)
                if clause.city_share is not None:
                    share = Fraction(clause.city_share)
            except KeyError:
                pass
        shares.append(share)
    unique["num"] = [s.numerator for s in shares]
    unique["den"] = [s.denominator for s in shares]
    merged = keys.merge(unique, on=["p", "c", "r"], how="left")
    return merged["num"].to_numpy(dtype=np.int64), merged["den"].to_numpy(dtype=np.int64)


def split_funding(final: np.ndarray, num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """City share rounded ROUND_HALF_UP to the fen; the district's is the rest."""
    final = np.asarray(final, dtype=np.int64)
    city = np.asarray(div_half_up(final * num, den), dtype=np.int64)
    return city, final - city


def apply_funding(lines: pd.DataFrame, ctx: YearContext) -> pd.DataFrame:
    region = pd.Series(ctx.enterprise_column("region_code", lines["payee_uscc"]), index=lines.index).fillna("")
    num, den = city_fractions(ctx.catalog, lines["policy_id"], lines["clause_id"], region)
    city, district = split_funding(lines["final_amount"].to_numpy(dtype=np.int64), num, den)
    lines["city_share"] = city
    lines["district_share"] = district
    paid = lines["final_amount"].to_numpy(dtype=np.int64) > 0
    shares = pd.MultiIndex.from_arrays([num, den])
    codes, distinct = pd.factorize(shares)
    words = np.array([tx.ratio_words(Fraction(int(a), int(b))) for a, b in distinct], dtype=object)
    pct = pd.Series(words[codes] if len(lines) else [], index=lines.index, dtype=object)
    lines["explanation"] = _append(
        lines["explanation"], paid,
        "资金分担：市级承担" + pct.to_numpy(dtype=object) + "，市级" + tx.fen_column_words(city).to_numpy(dtype=object) + "、区（县）级" + tx.fen_column_words(district).to_numpy(dtype=object),
    )
    return lines


def allocate(lines: pd.DataFrame, ctx: YearContext) -> Allocation:
    catalog = ctx.catalog
    lines = sort_lines(lines.copy(), catalog)
    lines["remark"] = ""
    park_total = [(p.id, c.id) for p in catalog.policies for c in p.clauses if c.payee == "park"]
    lines["_park_total"] = _clause_positions(lines, park_total) >= 0
    lines = apply_cap_groups(lines, catalog)
    lines = apply_no_double_benefit(lines, catalog)
    lines, factors = apply_budgets(lines, ctx)
    lines = apply_funding(lines, ctx)
    lines["status"] = np.where(lines["status"] == "candidate", np.where(lines["final_amount"] > 0, "paid", "zero"), lines["status"])
    return Allocation(lines.drop(columns=["_park_total"]), factors)
