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
from ..engine.evaluate import overflow_message
from ..engine.exact import AmountOverflow, add_at
from ..engine.facts import FactError
from ..engine.frames import lines_frame
from ..engine.grouping import Pairs, codes_of, group_starts, in_order, pairs, positions_in, text_rank
from ..money import div_half_up, largest_remainder
from ..policies import Catalog


@dataclass
class Allocation:
    lines: pd.DataFrame
    scale_factors: dict[str, dict] = field(default_factory=dict)  # policy -> {budget, total, factor}


class _Lines(dict):
    """The year's lines as plain columns (numpy arrays: object for text, int64 for money) while
    they are allocated; every step reads and writes whole columns or the rows it concerns."""

    def __init__(self, frame: pd.DataFrame):
        super().__init__()
        self.columns: list[str] = []  # in order; a column set for the first time joins the end
        for column in frame.columns:
            values = frame[column]
            self[column] = np.array(
                values.to_numpy(dtype=np.int64)
                if values.dtype.kind in "iu"
                else values.to_numpy(dtype=object),
                copy=True,
            )

    def __setitem__(self, column, values) -> None:
        if column not in self:
            self.columns.append(column)
        super().__setitem__(column, values)

    def __len__(self) -> int:
        return len(self["payee_uscc"])

    def frame(self, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        return lines_frame({c: self[c] for c in self.columns if c not in drop})

    def append(self, column: str, rows: np.ndarray, *words) -> None:
        """'；' and ``words`` after the text of ``column`` in ``rows`` (positions); each of ``words``
        a text per row or one text for all, joined in one pass (the explanations are long: adding
        piece by piece would copy each of them once per piece)."""
        if len(rows):
            self[column][rows] = tx.join_columns(self[column][rows], "；", *words)

    def add_remark(self, rows: np.ndarray, words: str | np.ndarray) -> None:
        """A remark joined with '；' to the one a row already has."""
        if len(rows):
            old = self["remark"][rows]
            self["remark"][rows] = np.where(old != "", old + "；", old) + np.asarray(words, dtype=object)


def orders(clauses: Pairs, catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    """Each line's policy order in the catalog (99: unknown) and its clause's order in its policy (999)."""
    policy_order = {p.id: i for i, p in enumerate(catalog.policies)}
    clause_order = {(p.id, c.id): j for p in catalog.policies for j, c in enumerate(p.clauses)}
    return (
        clauses.per_row([policy_order.get(p, 99) for p, _ in clauses.distinct], np.int64),
        clauses.per_row([clause_order.get(pair, 999) for pair in clauses.distinct], np.int64),
    )


def sort_lines(lines: pd.DataFrame, catalog: Catalog) -> tuple[pd.DataFrame, Pairs, np.ndarray, np.ndarray]:
    """Catalog order of policies and clauses, then payee, subject and park; with each sorted
    line's clause code and its policy and clause order (see :func:`orders`), which the later
    steps use too."""
    clauses = pairs(lines["policy_id"].to_numpy(dtype=object), lines["clause_id"].to_numpy(dtype=object))
    po, co = orders(clauses, catalog)
    texts = [lines[c].to_numpy(dtype=object) for c in ("payee_uscc", "subject_uscc", "park_id")]
    if in_order(po, co, *texts):  # the engine gives its lines in this order
        return lines.reset_index(drop=True), clauses, po, co
    order = np.lexsort((*(text_rank(t) for t in reversed(texts)), co, po))
    return (
        lines.iloc[order].reset_index(drop=True),
        Pairs(clauses.codes[order], clauses.distinct),
        po[order],
        co[order],
    )


def apply_cap_groups(lines: _Lines, catalog: Catalog) -> None:
    policy_ids, clause_ids, payees = lines["policy_id"], lines["clause_id"], lines["payee_uscc"]
    for policy in catalog.policies:
        for group in policy.cap_groups:
            members = np.flatnonzero(
                (policy_ids == policy.id)
                & np.isin(clause_ids, list(group.clauses))
                & (lines["status"] == "candidate")
            )
            if not len(members):
                continue
            codes, uniques = pd.factorize(payees[members])
            totals = add_at(
                len(uniques), codes, lines["capped_amount"][members], np.asarray(uniques, dtype=object)
            )
            over = members[totals[codes] > int(group.cap)]
            if not len(over):
                continue
            co = lines["_co"][over]
            order = np.lexsort((text_rank(lines["subject_uscc"][over]), co, text_rank(payees[over])))
            over, co = over[order], co[order]
            amounts = lines["capped_amount"][over]
            new = np.empty(len(over), dtype=np.int64)
            # one largest-remainder allocation per payee over its lines of the group
            bounds = list(np.flatnonzero(group_starts(payees[over]))) + [len(over)]
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                new[a:b] = largest_remainder(amounts[a:b], int(group.cap), [co[a:b]])
            lines["capped_amount"][over] = new
            rows = np.sort(over)
            lines.append(
                "explanation",
                rows,
                tx.fen_column_words(
                    lines["capped_amount"][rows],
                    f"共同上限：第{'、'.join(group.clauses)}条合计每年不超过{tx.amount_words(group.cap)}，按比例分摊后计",
                ),
            )
    lines["status"] = np.where(
        (lines["status"] == "candidate") & (lines["capped_amount"] <= 0), "zero", lines["status"]
    ).astype(object)


def apply_no_double_benefit(lines: _Lines, catalog: Catalog) -> None:
    """Per (payee, matter, subject[, park for park-total awards]) keep the highest amount after
    caps; ties: catalog order of policies, then clause order. Losers become ``superseded``."""
    n = len(lines)
    lines["superseded_by"] = np.full(n, "", dtype=object)
    cand = np.flatnonzero(lines["status"] == "candidate")
    if not len(cand):
        return
    po, co = lines["_po"][cand], lines["_co"][cand]
    park, payee, subject = lines["park_id"][cand], lines["payee_uscc"][cand], lines["subject_uscc"][cand]
    park_total = (park != "") & (payee == subject) & lines["_park_total"][cand]
    keys = [
        codes_of(payee),
        codes_of(lines["matter"][cand]),
        codes_of(subject),
        codes_of(np.where(park_total, park, "")),
    ]  # groups, in any order
    order = np.lexsort((co, po, -lines["capped_amount"][cand], *reversed(keys)))
    rows = cand[order]
    first = group_starts(*(k[order] for k in keys))
    winner = rows[np.flatnonzero(first)[np.cumsum(first) - 1]]  # each row's group winner (line position)
    losers, win_of_loser = rows[~first], winner[~first]
    if not len(losers):
        return
    policy_ids, clause_ids = lines["policy_id"], lines["clause_id"]
    lines["superseded_by"][losers] = policy_ids[win_of_loser] + "/" + clause_ids[win_of_loser]
    lines["status"][losers] = "superseded"
    short = {p.id: p.short_name for p in catalog.policies}
    label = (
        "《"
        + np.array([short.get(p, p) for p in policy_ids[win_of_loser]], dtype=object)
        + "》第"
        + clause_ids[win_of_loser]
        + "条"
    )
    matters = np.array([catalog.matter_label(m) for m in lines["matter"][losers]], dtype=object)
    lines.append(
        "explanation",
        losers,
        "就高不重复：同一事项“",
        matters,
        "”已按",
        label,
        tx.fen_column_words(lines["capped_amount"][win_of_loser], "（"),
        "）奖励，本项不再兑现",
    )
    winners, beaten = np.unique(win_of_loser, return_counts=True)
    counts = beaten.astype(str).astype(object)
    lines.append(
        "explanation",
        winners,
        "就高不重复：本项金额最高（或并列时政策排序在先），同一事项的其他",
        counts,
        "项不再兑现",
    )
    lines.add_remark(winners, "就高不重复（同一事项另有" + counts + "项不再兑现）")


def apply_budgets(lines: _Lines, ctx: YearContext) -> dict[str, dict]:
    factors: dict[str, dict] = {}
    candidate = lines["status"] == "candidate"
    lines["final_amount"] = np.where(candidate, lines["capped_amount"], 0).astype(np.int64)
    lines["scale_factor"] = np.full(len(lines), "1", dtype=object)
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
        kept = np.flatnonzero((lines["policy_id"] == policy.id) & candidate)
        total = int(
            lines["capped_amount"][kept].astype(object).sum()
        )  # exact: a province's total may pass int64
        factor = Fraction(budget, total) if total > budget else Fraction(1)
        factors[policy.id] = {
            "budget": budget,
            "budget_source": source,
            "total_before": total,
            "factor": f"{factor.numerator}/{factor.denominator}",
            "factor_decimal": factor_text(factor),
            "scaled": total > budget,
        }
        if total <= budget:
            continue
        co = lines["_co"][kept]
        lines["final_amount"][kept] = largest_remainder(
            lines["capped_amount"][kept],
            budget,
            [lines["payee_uscc"][kept].astype(str), co, lines["subject_uscc"][kept].astype(str)],
        )
        lines["scale_factor"][kept] = factor_text(factor)
        lines.add_remark(kept, f"按预算比例下调（系数{factor_text(factor)}）")
        lines.append(
            "explanation",
            kept,
            tx.fen_column_words(
                lines["final_amount"][kept],
                f"预算按比例下调：本政策{ctx.year}年预算{tx.amount_words(budget)}（{source}），应兑现合计{tx.amount_words(total)}，系数{factor_text(factor)}，按最大余数法精确到分，实付",
            ),
        )
    return factors


def factor_text(f: Fraction) -> str:
    if f == 1:
        return "1"
    q = (f * 10**8).numerator // (f * 10**8).denominator
    return f"0.{q:08d}" if f < 1 else str(float(f))


def city_fractions(catalog: Catalog, policy_ids, clause_ids, regions) -> tuple[np.ndarray, np.ndarray]:
    """The city's share of each line as an exact fraction (numerator, denominator): the
    clause's own share, else the policy's share for the payee's region, else the policy's."""
    clauses = pairs(np.asarray(policy_ids, dtype=object), np.asarray(clause_ids, dtype=object))
    r_codes, r_values = pd.factorize(np.asarray(regions, dtype=object), use_na_sentinel=False)
    return _city_fractions(catalog, clauses, r_codes, list(r_values))


def _city_fractions(
    catalog: Catalog, clauses: Pairs, r_codes: np.ndarray, r_values: list
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`city_fractions` of lines given by clause code and region code (``r_values``:
    the region of each code)."""
    pc = clauses.distinct
    width = max(len(r_values), 1)
    codes, combined = pd.factorize(clauses.codes.astype(np.int64) * width + r_codes)
    shares = []
    for code in combined:  # once per distinct (policy, clause, region)
        (p, c), r = pc[code // width], r_values[code % width]
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
    num = np.array([s.numerator for s in shares], dtype=np.int64)
    den = np.array([s.denominator for s in shares], dtype=np.int64)
    return num[codes], den[codes]


def split_funding(final: np.ndarray, num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """City share rounded ROUND_HALF_UP to the fen; the district's is the rest."""
    final = np.asarray(final, dtype=np.int64)
    city = np.asarray(div_half_up(final * num, den), dtype=np.int64)
    return city, final - city


def apply_funding(lines: _Lines, clauses: Pairs, ctx: YearContext) -> None:
    r_codes, r_values = ctx.regions_at(positions_in(ctx.index, lines["payee_uscc"]))
    num, den = _city_fractions(ctx.catalog, clauses, r_codes, r_values)
    city, district = split_funding(lines["final_amount"], num, den)
    lines["city_share"] = city
    lines["district_share"] = district
    paid = np.flatnonzero(lines["final_amount"] > 0)
    codes, distinct = pairs(num[paid], den[paid])
    words = np.array([tx.ratio_words(Fraction(int(a), int(b))) for a, b in distinct], dtype=object)
    lines.append(
        "explanation",
        paid,
        "资金分担：市级承担",
        words[codes],
        tx.fen_column_words(city[paid], "，市级"),
        tx.fen_column_words(district[paid], "、区（县）级"),
    )


def allocate(lines: pd.DataFrame, ctx: YearContext) -> Allocation:
    catalog = ctx.catalog
    frame, clauses, po, co = sort_lines(lines, catalog)
    work = _Lines(frame)
    work["_po"], work["_co"] = po, co  # catalog order of each line's policy and clause
    work["remark"] = np.full(len(work), "", dtype=object)
    park_total = {(p.id, c.id) for p in catalog.policies for c in p.clauses if c.payee == "park"}
    work["_park_total"] = clauses.per_row([pair in park_total for pair in clauses.distinct], bool)
    try:
        apply_cap_groups(work, catalog)
    except AmountOverflow as exc:
        raise FactError(overflow_message("共同上限", exc)) from None
    apply_no_double_benefit(work, catalog)
    factors = apply_budgets(work, ctx)
    apply_funding(work, clauses, ctx)
    work["status"] = np.where(
        work["status"] == "candidate", np.where(work["final_amount"] > 0, "paid", "zero"), work["status"]
    ).astype(object)
    return Allocation(work.frame(drop=("_park_total", "_po", "_co")), factors)
