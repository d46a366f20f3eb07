"""Checks across rows and files: duplicate applications, budgets that cannot be used, growth that
disagrees with last year's figures, clauses that need an exchange rate; what a check is, and the
collector of their findings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..fact_registry import GROWTH
from ..ingest.problems import PROBLEM_COLUMNS
from ..policies import Catalog
from .display import display_values
from .messages import MESSAGES, RULES, WARNING_MESSAGES, WHY


@dataclass
class Check:
    file: str
    name: str  # technical id: the expectation or rule, and the column
    severity: str  # blocking | error | warning
    description: str
    failed: int = 0
    checked: int = 0
    why: str = ""
    label: str = ""  # the check's Chinese name
    requirement: str = ""  # what the check requires, in words


class Collector:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.checks: list[Check] = []

    def add(
        self,
        file: str,
        frame: pd.DataFrame,
        mask,
        column: str,
        reason: str,
        severity: str = "error",
        messages=MESSAGES,
        detail=None,
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        label, requirement = RULES.get(reason, (reason, ""))
        self.checks.append(
            Check(
                file,
                reason + ":" + column,
                severity,
                messages[reason],
                int(mask.sum()),
                len(frame),
                WHY.get(reason, ""),
                label,
                requirement,
            )
        )
        if not mask.any():
            return
        hit = frame.loc[mask]
        name = file.rsplit(".", 1)[0]
        values = (
            display_values(name, column, hit[column])
            if column in hit
            else np.full(len(hit), "", dtype=object)
        )
        message = messages[reason] if detail is None else np.asarray(detail, dtype=object)[mask]
        self.parts.append(
            pd.DataFrame(
                {
                    "file": file,
                    "row": hit["_row"].to_numpy(dtype=np.int64),
                    "column": column,
                    "value": values,
                    "reason": reason,
                    "message": message,
                }
            )
        )

    def add_records(self, file: str, records: pd.DataFrame, reason: str, messages=MESSAGES) -> None:
        """Records that are not rows of a frame (a header's columns): ``_row`` and ``column``."""
        label, requirement = RULES.get(reason, (reason, ""))
        self.checks.append(
            Check(
                file,
                reason,
                "warning",
                messages[reason],
                len(records),
                len(records),
                WHY.get(reason, ""),
                label,
                requirement,
            )
        )
        if len(records):
            self.parts.append(
                pd.DataFrame(
                    {
                        "file": file,
                        "row": records["_row"].to_numpy(dtype=np.int64),
                        "column": records["column"].to_numpy(),
                        "value": "",
                        "reason": reason,
                        "message": messages[reason],
                    }
                )
            )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values(["file", "row", "column", "reason"], kind="stable").reset_index(drop=True)


ENTERPRISE_COLUMN = {"parks": "operator_uscc"}


def with_enterprise(
    records: pd.DataFrame, frames: dict[str, pd.DataFrame], names: dict[str, str]
) -> pd.DataFrame:
    """``records`` (file, row, …) with the enterprise each row is about: ``uscc`` as the row gives
    it and ``name`` from the enterprise register (blank where the row names no known enterprise)."""
    records = records.copy()
    records["uscc"] = ""
    records["name"] = ""
    if not len(records):
        return records
    ent = frames.get("enterprises")
    register = (
        pd.Series(ent["name"].to_numpy(), index=ent["uscc"].to_numpy())
        if ent is not None
        else pd.Series(dtype=object)
    )
    register = register[~register.index.duplicated()]
    for name, frame in frames.items():
        column = ENTERPRISE_COLUMN.get(name, "uscc")
        if column not in frame:
            continue
        mine = (records["file"] == names.get(name, f"{name}.csv")).to_numpy()
        if not mine.any():
            continue
        by_row = pd.Series(frame[column].fillna("").astype(str).to_numpy(), index=frame["_row"].to_numpy())
        by_row = by_row[~by_row.index.duplicated()]
        codes = records.loc[mine, "row"].astype(np.int64).map(by_row).fillna("")
        records.loc[mine, "uscc"] = codes.to_numpy()
        records.loc[mine, "name"] = codes.map(register).fillna("").to_numpy()
    return records


def unusable_budgets(
    budgets: pd.DataFrame, problems: pd.DataFrame, file: str, catalog: Catalog, year: int
) -> list[str]:
    """A budget row that cannot be read stops the run when it may be the budget of a policy that
    scales down to its budget: falling back to the text's total would pay a different amount."""
    scale = {p.id for p in catalog.policies if p.budget.scale_down}
    known = {p.id for p in catalog.policies}
    bad = problems[problems["file"] == file]
    if not len(bad):
        return []
    rows = budgets[budgets["_row"].isin(set(bad["row"]))]
    matters = rows["policy_id"].isin(scale) | ~rows["policy_id"].isin(known)
    matters &= rows["year"].isna() | (rows["year"] == year)
    out = []
    picked = rows[matters.to_numpy()]
    for row, policy in zip(picked["_row"], picked["policy_id"], strict=True):
        why = "；".join(bad.loc[bad["row"] == row, "message"].astype(str).unique())
        out.append(
            f"{file} 第{row}行（政策 {policy or '（空）'}）的预算无法采用：{why}。该政策按预算比例下调，"
            "预算读不准就不能结算，"
            "请更正后重新运行（金额按元填写，如 5000000 或 5,000,000.00）"
        )
    return out


def duplicate_applications(apps: pd.DataFrame, file: str, warnings: Collector) -> None:
    """Approved applications whose content is identical under different ids."""
    content = [
        "uscc",
        "year",
        "policy_id",
        "clause_id",
        "base_amount",
        "approved_amount",
        "quantity",
        "months",
        "level",
    ]
    approved = apps[apps["status"] == "approved"]
    if not len(approved):
        return
    # each row's content as one text, built a column at a time
    keys = None
    for col in content:
        text = approved[col].astype(object)
        text = text.where(text.notna(), "").astype(str).to_numpy(dtype=object)
        keys = text if keys is None else keys + "\x1f" + text
    keys = pd.Series(keys, index=approved.index, dtype=object)
    hit = keys.duplicated(keep=False).to_numpy()
    ids = approved[hit].groupby(keys[hit])["application_id"].agg(lambda v: "、".join(sorted(map(str, v))))
    mask = np.zeros(len(apps), dtype=bool)
    mask[apps.index.get_indexer(approved.index[hit])] = True
    detail = np.full(len(apps), "", dtype=object)
    if hit.any():
        listed = keys[hit].map(ids).astype(object)
        detail[mask] = (WARNING_MESSAGES["duplicate_application"] + "（申报编号：" + listed + "）").to_numpy()
    warnings.add(
        file,
        apps,
        mask,
        "application_id",
        "duplicate_application",
        "warning",
        WARNING_MESSAGES,
        detail=detail,
    )


def clauses_needing_usd(apps: pd.DataFrame | None, catalog: Catalog, year: int) -> list[str]:
    """Clauses that convert to US dollars and have applications this year."""
    if apps is None or not len(apps):
        return []
    usd = []
    for p in catalog.policies:
        for c in p.clauses:
            facts = c.conditions.facts() if c.conditions else set()
            units = getattr(c, "units", None)
            if units is not None and units.fact:
                facts.add(units.fact)
            if any(f.endswith("_usd") for f in facts):
                usd.append((p.id, c.id))
    present = set(zip(apps["policy_id"], apps["clause_id"], strict=True))
    return [f"{p} 第{c}条" for p, c in usd if (p, c) in present]


def history_warnings(stats: pd.DataFrame, file: str, warnings: Collector) -> None:
    """Reported growth far from the growth computed from last year's row (> 0.5 percentage
    points), and jumps of more than 10x year on year. Exact integer arithmetic."""
    before = previous_year_rows(stats)  # -1: no row of last year, whose figures are then unknown
    last_year = {
        metric: pd.Series(stats[metric].array.take(before, allow_fill=True), index=stats.index)
        for metric in set(GROWTH.values())
    }
    for growth, metric in GROWTH.items():
        if growth not in stats:
            continue
        rep = stats[growth]
        cur = stats[metric]
        pre = last_year[metric]
        ok = rep.notna() & cur.notna() & pre.notna() & (pre.fillna(0) > 0)
        r = rep.fillna(0).astype(object).to_numpy()
        c = cur.fillna(0).astype(object).to_numpy()
        p = pre.fillna(1).astype(object).to_numpy()
        # |rep/1e9 - (c - p)/p| > 0.005  <=>  |rep*p - (c-p)*1e9| > 5e6*p
        diff = r * p - (c - p) * 10**9
        far = np.asarray(np.abs(diff) > p * (5 * 10**6), dtype=bool) & ok.to_numpy()
        warnings.add(file, stats, far, growth, "growth_mismatch", "warning", WARNING_MESSAGES)
    for metric in sorted(GROWTH.values()):
        cur = stats[metric]
        pre = last_year[metric]
        ok = cur.notna() & pre.notna() & (pre.fillna(0) > 0)
        jump = ok & (cur.fillna(0) > 10 * pre.fillna(0))
        warnings.add(file, stats, jump.to_numpy(), metric, "jump", "warning", WARNING_MESSAGES)
        drop = ok & (cur.fillna(0) * 10 < pre.fillna(0))
        warnings.add(file, stats, drop.to_numpy(), metric, "drop", "warning", WARNING_MESSAGES)


def previous_year_rows(stats: pd.DataFrame) -> np.ndarray:
    """For each statistics row, the position of the same enterprise's row of the year before;
    -1 when there is none, when the row's code or year is blank, and when last year's key
    appears twice (both rows are quarantined as duplicates, neither is last year's row)."""
    codes, _ = pd.factorize(stats["uscc"])  # one number per enterprise, -1 for a blank code
    year = stats["year"]
    known = (codes >= 0) & year.notna().to_numpy()
    # enterprise and year in one int64: years have at most 9 digits (parse_int), codes < 10**8
    key = codes.astype(np.int64) * 10**10 + year.fillna(0).to_numpy(dtype=np.int64)
    rows = np.flatnonzero(known)
    keys = pd.Index(key[rows])
    once = ~keys.duplicated(keep=False)
    found = keys[once].get_indexer(key - 1)
    return np.where(known & (found >= 0), rows[once][found], -1)
