"""逐笔追溯: for every award line, the input rows it was computed from, named by landing folder,
file and row (``2025/annual_stats.csv 第12行（2024年）``), so that an auditor can open the file
and find them.

What a line reads follows from its clause: the payee's (and the subject's) row of the
enterprise register; its approved application rows; the subject's statistics rows of the years
the clause's facts look at (the settlement year; the year before for growth, steps and last
year's figures; the two years before for two-year growth; every year on record for first
crossings, first limit-above years and the contribution increment's baseline); for a park's
own award, the park's row and its member enterprises' statistics rows; the fx rate of the year
for a clause in US dollars; the budget row of a policy that was scaled down; and what was paid
before under the clause (prior_awards rows, earlier final runs) where a one-time, differential
or cumulative rule looked at it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from ..engine.grouping import group_starts
from ..fact_registry import FACTS
from ..policies import Catalog
from ..policies.schema import Clause

MAX_ROWS_NAMED = 40  # per file and line; a park with more members is summarized with its count


def read_sources(
    conn: Connection, year: int, award_lines: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Where the ledger's rows came from (file and row), for the tables a line can read. With
    ``award_lines``, only the statistics rows of the enterprises the lines can read (payees,
    subjects, members of the lines' parks) are kept: at a province's size, a fraction of them."""
    from ..ledger.models import (
        AnnualStat,
        Application,
        AwardLine,
        Budget,
        Enterprise,
        FxRate,
        Park,
        PriorAward,
        SettlementRun,
    )
    from ..ledger.read import fetch_by_keys, fetch_rows

    def frame(stmt, columns):
        return pd.DataFrame(fetch_rows(conn, stmt), columns=columns)

    e, s, a, p = Enterprise.__table__, AnnualStat.__table__, Application.__table__, Park.__table__
    b, f, pa = Budget.__table__, FxRate.__table__, PriorAward.__table__
    enterprises = frame(
        select(e.c.uscc, e.c.park_id, e.c.source_file, e.c.source_row),
        ["uscc", "park_id", "source_file", "source_row"],
    )
    stats_of = select(s.c.uscc, s.c.year, s.c.source_file, s.c.source_row).where(s.c.year <= year)
    stats_columns = ["uscc", "year", "source_file", "source_row"]
    if award_lines is None:
        stats = frame(stats_of, stats_columns)
    else:
        stats = pd.DataFrame(
            fetch_by_keys(conn, stats_of, s.c.uscc, _enterprises_read(award_lines, enterprises)),
            columns=stats_columns,
        )
    runs, lines = SettlementRun.__table__, AwardLine.__table__
    return {
        "enterprises": enterprises,
        "stats": stats,
        "applications": frame(
            select(a.c.application_id, a.c.source_file, a.c.source_row).where(a.c.year == year),
            ["application_id", "source_file", "source_row"],
        ),
        "parks": frame(
            select(p.c.park_id, p.c.source_file, p.c.source_row), ["park_id", "source_file", "source_row"]
        ),
        "budgets": frame(
            select(b.c.policy_id, b.c.source_file, b.c.source_row).where(b.c.year == year),
            ["policy_id", "source_file", "source_row"],
        ),
        "fx_rates": frame(
            select(f.c.year, f.c.source_file, f.c.source_row).where(f.c.year == year),
            ["year", "source_file", "source_row"],
        ),
        "prior_awards": frame(
            select(
                pa.c.uscc,
                pa.c.policy_id,
                pa.c.clause_id,
                pa.c.subject_uscc,
                pa.c.year,
                pa.c.source_file,
                pa.c.source_row,
            ).where(pa.c.year < year, pa.c.landing_year == year),
            ["uscc", "policy_id", "clause_id", "subject_uscc", "year", "source_file", "source_row"],
        ),
        "finals": frame(
            select(
                lines.c.payee_uscc,
                lines.c.policy_id,
                lines.c.clause_id,
                lines.c.subject_uscc,
                runs.c.year,
                runs.c.run_uid,
            )
            .join(runs, runs.c.id == lines.c.run_id)
            .where(
                runs.c.status == "final",
                runs.c.year < year,
                lines.c.status == "paid",
                lines.c.final_amount > 0,
            ),
            ["payee_uscc", "policy_id", "clause_id", "subject_uscc", "year", "run_uid"],
        ),
    }


def _enterprises_read(lines: pd.DataFrame, enterprises: pd.DataFrame) -> list[str]:
    """Every enterprise whose statistics a line can read, in code order: its payee, its subject,
    and the members of its park (a park's own award sums its members')."""
    parks = _codes(lines["park_id"]) if "park_id" in lines else np.array([], dtype=object)
    members = enterprises.loc[enterprises["park_id"].isin(parks), "uscc"]
    return sorted(_codes(pd.concat([lines["payee_uscc"], lines["subject_uscc"], members])))


def _codes(column: pd.Series) -> np.ndarray:
    """The distinct non-blank values of a column of codes."""
    values = column.dropna().unique().astype(object)
    return values[values != ""]


def clause_facts(clause: Clause) -> set[str]:
    facts: set[str] = set()
    for cond in (clause.conditions, getattr(clause, "qualify", None)):
        if cond is not None:
            facts |= cond.facts()
    for name in ("metric", "contribution"):
        if getattr(clause, name, None):
            facts.add(getattr(clause, name))
    units = getattr(clause, "units", None)
    if units is not None and units.fact:
        facts.add(units.fact)
    for step in (getattr(clause, "step_by_level", None) or {}).values():
        facts.add(step.metric)
    return facts


NOT_STATISTICS = {
    "years_since_registration",
    "registered_this_year",
    "entered_park_on_or_after_policy_start",
    "park.kind",
    "park.building_area_m2",
    "park.occupancy_rate",
    "park.online_shops",
    "park.established_on",
}


def statistics_facts(clause: Clause) -> set[str]:
    """The facts of a clause that come from annual statistics (directly or derived)."""
    return {f for f in clause_facts(clause) if not f.startswith("application.") and f not in NOT_STATISTICS}


def years_read(clause: Clause, year: int) -> list[int] | None:
    """The statistics years a clause looks at for its subject; None: every year on record."""
    facts = clause_facts(clause)
    if (
        getattr(clause, "mode", None) == "first_crossing"
        or clause.kind == "contribution_increment"
        or "first_limit_above_this_year" in facts
    ):
        return None
    years = {year}
    growth = any(f.endswith("@prev") or f.endswith("_growth") or f.endswith("average") for f in facts)
    if clause.kind == "step" or growth:
        years.add(year - 1)
    if any(f.endswith("_2y") for f in facts):
        years |= {year - 1, year - 2}
    return sorted(years)


def _rows_text(frame: pd.DataFrame, key: str, label_of=None) -> pd.Series:
    """Per ``key``: '2025/annual_stats.csv 第12行（2024年）、第13行（2025年）', files in order."""
    if not len(frame):
        return pd.Series(dtype=object)
    frame = frame.sort_values([key, "source_file", "source_row"], kind="stable")
    label = "第" + frame["source_row"].astype(np.int64).astype(str) + "行"
    if label_of is not None:
        label = label + label_of(frame)
    keys, files = frame[key].to_numpy(dtype=object), frame["source_file"].to_numpy(dtype=object)
    labels = label.tolist()
    # one run of rows per (key, file), one run of those per key: the frame is sorted by both
    starts = np.flatnonzero(group_starts(keys, files))
    ends = np.r_[starts[1:], len(keys)]
    counts = ends - starts
    named = ["、".join(labels[a : min(b, a + MAX_ROWS_NAMED)]) for a, b in zip(starts, ends, strict=True)]
    more = np.where(counts > MAX_ROWS_NAMED, "等，共" + counts.astype(str).astype(object) + "行", "")
    per_file = (files[starts] + " " + np.array(named, dtype=object) + more).tolist()
    firsts = np.flatnonzero(group_starts(keys[starts]))
    lasts = np.r_[firsts[1:], len(starts)]
    texts = ["；".join(per_file[a:b]) for a, b in zip(firsts, lasts, strict=True)]
    return pd.Series(texts, index=keys[starts][firsts], dtype=object)


def input_rows(
    lines: pd.DataFrame, sources: dict[str, pd.DataFrame], catalog: Catalog, year: int
) -> pd.Series:
    """The input rows of each line (its index), as text; blank only for a line that read nothing."""
    n = len(lines)
    lines = lines.reset_index(drop=True)
    parts: list[pd.Series] = []
    ent = sources["enterprises"]
    line_no = pd.Series(np.arange(n))

    # the register rows of the payee and the subject
    who = pd.concat(
        [
            pd.DataFrame({"line": line_no, "uscc": lines["payee_uscc"]}),
            pd.DataFrame({"line": line_no, "uscc": lines["subject_uscc"].replace("", np.nan)}).dropna(),
        ],
        ignore_index=True,
    ).drop_duplicates()
    parts.append(_rows_text(who.merge(ent, on="uscc"), "line"))

    # application rows
    apps = lines["application_ids"].fillna("").astype(str)
    exploded = pd.DataFrame({"line": line_no, "application_id": apps.str.split("、")}).explode(
        "application_id"
    )
    exploded = exploded[exploded["application_id"].fillna("") != ""]
    parts.append(_rows_text(exploded.merge(sources["applications"], on="application_id"), "line"))

    # statistics of the subject (or of a park's members) for the years the clause reads
    # joined on a number per enterprise: the statistics' keys are hashed once, not once per clause
    stats = sources["stats"]
    stats_keys = pd.Index(stats["uscc"].unique())
    stats = stats.assign(_key=stats_keys.get_indexer(stats["uscc"])).drop(columns="uscc")
    members = ent[ent["park_id"].fillna("") != ""][["uscc", "park_id"]]
    wanted = []
    for (pid, cid), idx in lines.groupby(["policy_id", "clause_id"], sort=False).groups.items():
        try:
            clause = catalog.clause(pid, cid)
        except KeyError:
            continue
        if clause.kind in ("none", "external"):
            continue
        years = years_read(clause, year)
        rows = lines.loc[idx]
        park_total = clause.payee == "park"
        subject = rows["subject_uscc"].where(rows["subject_uscc"].fillna("") != "", rows["payee_uscc"])
        if park_total:
            who = pd.DataFrame({"line": idx, "park_id": rows["park_id"].to_numpy()}).merge(
                members, on="park_id"
            )[["line", "uscc"]]
        else:
            who = pd.DataFrame({"line": idx, "uscc": subject.to_numpy()})
        if not (
            statistics_facts(clause)
            or park_total
            or clause.kind in ("tiered", "step", "contribution_increment")
        ):
            continue
        picked = who.assign(_key=stats_keys.get_indexer(who["uscc"])).merge(stats, on="_key")
        picked = picked[picked["year"].isin(years)] if years is not None else picked
        wanted.append(picked)
    if wanted:
        parts.append(
            _rows_text(
                pd.concat(wanted, ignore_index=True), "line", lambda f: "（" + f["year"].astype(str) + "年）"
            )
        )

    # park rows, fx rates, budgets
    park_lines = pd.DataFrame({"line": line_no, "park_id": lines["park_id"].fillna("")})
    parts.append(
        _rows_text(park_lines[park_lines["park_id"] != ""].merge(sources["parks"], on="park_id"), "line")
    )
    usd = {
        (p.id, c.id)
        for p in catalog.policies
        for c in p.clauses
        if any(FACTS.get(f) and FACTS[f].type == "usd" for f in clause_facts(c))
    }
    usd_lines = [
        i for i, pc in enumerate(zip(lines["policy_id"], lines["clause_id"], strict=True)) if pc in usd
    ]
    if usd_lines and len(sources["fx_rates"]):
        fx = sources["fx_rates"].iloc[[0]]
        parts.append(_rows_text(pd.DataFrame({"line": usd_lines}).merge(fx, how="cross"), "line"))
    scaled = lines["scale_factor"].astype(str) != "1"
    if scaled.any():
        budget = pd.DataFrame(
            {"line": line_no[scaled.to_numpy()], "policy_id": lines.loc[scaled, "policy_id"].to_numpy()}
        )
        parts.append(_rows_text(budget.merge(sources["budgets"], on="policy_id"), "line"))

    # what was paid before, where a rule looked at it
    trace = (
        lines["trace"].fillna("{}").astype(str) if "trace" in lines else pd.Series("{}", index=lines.index)
    )
    before = (
        trace.str.contains('"paid_before":', regex=False)
        & ~trace.str.contains('"paid_before":0,', regex=False)
    ).to_numpy()
    if before.any():
        keys = lines.loc[before, ["payee_uscc", "policy_id", "clause_id", "subject_uscc"]].assign(
            line=line_no[before].to_numpy()
        )
        prior = sources["prior_awards"].assign(
            subject_uscc=lambda f: f["subject_uscc"].where(f["subject_uscc"] != "", f["uscc"])
        )
        parts.append(
            _rows_text(
                keys.merge(
                    prior.rename(columns={"uscc": "payee_uscc"}),
                    on=["payee_uscc", "policy_id", "clause_id", "subject_uscc"],
                ),
                "line",
                lambda f: "（" + f["year"].astype(str) + "年已兑现）",
            )
        )
        finals = keys.merge(sources["finals"], on=["payee_uscc", "policy_id", "clause_id", "subject_uscc"])
        if len(finals):
            text = finals.groupby("line")[["year", "run_uid"]].apply(
                lambda g: (
                    "以前年度定稿结算 "
                    + "、".join(
                        f"{y}年 {u}" for y, u in sorted(set(zip(g["year"], g["run_uid"], strict=True)))
                    )
                )
            )
            parts.append(text)
    out = pd.Series([""] * n, dtype=object)
    for part in parts:
        if len(part):
            idx = part.index.to_numpy(dtype=np.int64)
            current = out.iloc[idx].to_numpy()
            out.iloc[idx] = np.where(
                current == "", part.to_numpy(dtype=object), current + "；" + part.to_numpy(dtype=object)
            )
    return out
