"""Row-level and file-level checks of a year's landing files (vectorized, pandas).

Severity:
- *blocking*: the file or the run cannot be used (the settlement year absent, no usable
  enterprise); the run stops with exit status 2 and nothing is written to the ledger.
- *error*: the row is quarantined with its reason (and the rows that refer to it), excluded from
  awards, and counted in the manifest; never dropped, never "fixed".
- *warning*: reported; the row still counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..ingest import Landing
from ..ingest.parse import PROBLEM_COLUMNS
from ..policies import Catalog
from ..uscc import uscc_valid

MESSAGES = {
    "bad_uscc": "统一社会信用代码不符合GB 32100-2015（长度、字符或校验位错误）",
    "duplicate_key": "主键重复（所有重复行均被隔离）",
    "unknown_enterprise": "企业不在企业名录（enterprises）中",
    "quarantined_enterprise": "所引用的企业在企业名录中已被隔离",
    "unknown_park": "园区编号不在园区表（parks）中",
    "quarantined_park": "所引用的园区已被隔离",
    "unknown_operator": "园区运营主体不在企业名录中",
    "unknown_policy": "政策编号不在政策目录中",
    "unknown_clause": "条款编号不是该政策的条款",
    "online_gt_retail": "网络零售额大于零售额",
    "bad_rate": "汇率必须大于0",
    "future_year": "年度晚于结算年度",
}
WARNING_MESSAGES = {
    "budget_not_applicable": "该政策文本没有按预算比例下调的规定，预算行不予采用",
    "application_for_data_clause": "该条款按统计数据直接计算，无需申报，申报行不予采用",
}


@dataclass
class Check:
    file: str
    name: str
    severity: str  # blocking | error | warning
    description: str
    failed: int = 0
    checked: int = 0


@dataclass
class ValidationResult:
    year: int
    problems: pd.DataFrame  # quarantine records: PROBLEM_COLUMNS
    warnings: pd.DataFrame  # PROBLEM_COLUMNS
    blocking: list[str]
    clean: dict[str, pd.DataFrame]
    quarantined_rows: dict[str, int]
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.blocking


class _Collector:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.checks: list[Check] = []

    def add(self, file: str, frame: pd.DataFrame, mask, column: str, reason: str, severity: str = "error", messages=MESSAGES, detail=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        self.checks.append(Check(file, reason + ":" + column, severity, messages[reason], int(mask.sum()), len(frame)))
        if not mask.any():
            return
        hit = frame.loc[mask]
        values = hit[column].astype(str).to_numpy(dtype=object) if column in hit else np.full(len(hit), "", dtype=object)
        message = messages[reason] if detail is None else np.asarray(detail, dtype=object)[mask]
        self.parts.append(
            pd.DataFrame({"file": file, "row": hit["_row"].to_numpy(dtype=np.int64), "column": column, "value": values, "reason": reason, "message": message})
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values(["file", "row", "column", "reason"], kind="stable").reset_index(drop=True)


def _bad_rows(problems: pd.DataFrame, file: str) -> set[int]:
    return set(problems.loc[problems["file"] == file, "row"].astype(int))


def validate_landing(landing: Landing, catalog: Catalog) -> ValidationResult:
    year = landing.year
    errors = _Collector()
    warnings = _Collector()
    blocking: list[str] = []
    tables = landing.tables
    names = {name: t.file_name for name, t in tables.items()}
    frames = {name: t.frame for name, t in tables.items()}
    cell_problems = [t.problems for t in tables.values() if len(t.problems)]

    def file_of(name: str) -> str:
        return names.get(name, f"{name}.csv")

    # --- intrinsic checks -------------------------------------------------------------
    for name, frame in frames.items():
        spec = tables[name].spec
        for col in spec.columns:
            if col.type == "uscc":
                values = frame[col.code].fillna("").astype(str)
                present = values != ""
                errors.add(file_of(name), frame, present.to_numpy() & ~uscc_valid(values.to_numpy()), col.code, "bad_uscc")
        key = [k for k in spec.key if k in frame]
        if key:
            dup = frame.duplicated(key, keep=False).to_numpy()
            # a blank key is already a cell problem; duplicates among blanks add nothing
            errors.add(file_of(name), frame, dup, key[0], "duplicate_key")
        if "year" in frame and name != "fx_rates":
            errors.add(file_of(name), frame, (frame["year"].fillna(0).astype(np.int64) > year).to_numpy(), "year", "future_year")
    if "annual_stats" in frames:
        st = frames["annual_stats"]
        both = st["online_retail"].notna() & st["retail_sales"].notna()
        over = both & (st["online_retail"].fillna(0) > st["retail_sales"].fillna(0))
        errors.add(file_of("annual_stats"), st, over.to_numpy(), "online_retail", "online_gt_retail")
    if "fx_rates" in frames:
        fx = frames["fx_rates"]
        errors.add(file_of("fx_rates"), fx, (fx["usd_cny"].fillna(1) <= 0).to_numpy(), "usd_cny", "bad_rate")
    policy_ids = {p.id for p in catalog.policies}
    clause_ids = catalog.clause_ids()
    for name in ("applications", "budgets", "prior_awards"):
        if name not in frames:
            continue
        frame = frames[name]
        unknown_policy = ~frame["policy_id"].isin(policy_ids)
        errors.add(file_of(name), frame, unknown_policy.to_numpy(), "policy_id", "unknown_policy")
        if "clause_id" in frame:
            pairs = pd.Series(list(zip(frame["policy_id"], frame["clause_id"], strict=True)), index=frame.index, dtype=object)
            unknown_clause = ~unknown_policy & ~pairs.isin(clause_ids)
            errors.add(file_of(name), frame, unknown_clause.to_numpy(), "clause_id", "unknown_clause")

    intrinsic = pd.concat([errors.frame(), *cell_problems], ignore_index=True) if cell_problems else errors.frame()

    # --- references, to a fixed point (parks <-> enterprises) ----------------------------
    ent = frames["enterprises"]
    parks = frames.get("parks")
    bad_ent = _bad_rows(intrinsic, file_of("enterprises"))
    bad_park = _bad_rows(intrinsic, file_of("parks")) if parks is not None else set()
    refs = _Collector()
    ent_known = set(ent["uscc"])
    park_known = set(parks["park_id"]) if parks is not None else set()
    for _ in range(10):
        good_ent = set(ent.loc[~ent["_row"].isin(bad_ent), "uscc"])
        good_park = set(parks.loc[~parks["_row"].isin(bad_park), "park_id"]) if parks is not None else set()
        new_bad_park = set()
        if parks is not None:
            op = parks["operator_uscc"]
            unknown = ~op.isin(ent_known)
            q = op.isin(ent_known) & ~op.isin(good_ent)
            new_bad_park = set(parks.loc[unknown | q, "_row"]) - bad_park
        pid = ent["park_id"].fillna("")
        given = pid != ""
        unknown_p = given & ~pid.isin(park_known)
        q_p = given & pid.isin(park_known) & ~pid.isin(good_park)
        new_bad_ent = set(ent.loc[unknown_p | q_p, "_row"]) - bad_ent
        if not new_bad_park and not new_bad_ent:
            break
        bad_park |= new_bad_park
        bad_ent |= new_bad_ent
    good_ent = set(ent.loc[~ent["_row"].isin(bad_ent), "uscc"])
    good_park = set(parks.loc[~parks["_row"].isin(bad_park), "park_id"]) if parks is not None else set()
    if parks is not None:
        op = parks["operator_uscc"]
        refs.add(file_of("parks"), parks, (~op.isin(ent_known)).to_numpy(), "operator_uscc", "unknown_operator")
        refs.add(file_of("parks"), parks, (op.isin(ent_known) & ~op.isin(good_ent)).to_numpy(), "operator_uscc", "quarantined_enterprise")
    pid = ent["park_id"].fillna("")
    refs.add(file_of("enterprises"), ent, ((pid != "") & ~pid.isin(park_known)).to_numpy(), "park_id", "unknown_park")
    refs.add(file_of("enterprises"), ent, ((pid != "") & pid.isin(park_known) & ~pid.isin(good_park)).to_numpy(), "park_id", "quarantined_park")
    for name, col in (("annual_stats", "uscc"), ("applications", "uscc"), ("prior_awards", "uscc")):
        if name not in frames:
            continue
        frame = frames[name]
        refs.add(file_of(name), frame, (~frame[col].isin(ent_known)).to_numpy(), col, "unknown_enterprise")
        refs.add(file_of(name), frame, (frame[col].isin(ent_known) & ~frame[col].isin(good_ent)).to_numpy(), col, "quarantined_enterprise")

    problems = pd.concat([intrinsic, refs.frame()], ignore_index=True)
    problems = problems.sort_values(["file", "row", "column", "reason"], kind="stable").reset_index(drop=True)

    # --- warnings -----------------------------------------------------------------------
    if "budgets" in frames:
        b = frames["budgets"]
        no_scale = {p.id for p in catalog.policies if not p.budget.scale_down}
        warnings.add(file_of("budgets"), b, b["policy_id"].isin(no_scale).to_numpy(), "policy_id", "budget_not_applicable", "warning", WARNING_MESSAGES)
    if "applications" in frames:
        a = frames["applications"]
        data_clauses = {(p.id, c.id) for p in catalog.policies for c in p.clauses if not c.application and c.kind not in ("none", "external")}
        pairs = pd.Series(list(zip(a["policy_id"], a["clause_id"], strict=True)), index=a.index, dtype=object)
        warnings.add(file_of("applications"), a, pairs.isin(data_clauses).to_numpy(), "clause_id", "application_for_data_clause", "warning", WARNING_MESSAGES)

    # --- clean frames ---------------------------------------------------------------------
    clean: dict[str, pd.DataFrame] = {}
    counts: dict[str, int] = {}
    for name, frame in frames.items():
        bad = _bad_rows(problems, file_of(name))
        keep = ~frame["_row"].isin(bad)
        clean[name] = frame.loc[keep].reset_index(drop=True)
        counts[file_of(name)] = int((~keep).sum())
    warn_frame = warnings.frame()
    if "applications" in clean and len(warn_frame):
        ignored = set(warn_frame.loc[(warn_frame["file"] == file_of("applications")) & (warn_frame["reason"] == "application_for_data_clause"), "row"])
        clean["applications"] = clean["applications"][~clean["applications"]["_row"].isin(ignored)].reset_index(drop=True)
    if "budgets" in clean and len(warn_frame):
        ignored = set(warn_frame.loc[(warn_frame["file"] == file_of("budgets")) & (warn_frame["reason"] == "budget_not_applicable"), "row"])
        clean["budgets"] = clean["budgets"][~clean["budgets"]["_row"].isin(ignored)].reset_index(drop=True)

    # --- blocking -------------------------------------------------------------------------
    if not len(clean["enterprises"]):
        blocking.append(f"{file_of('enterprises')}：没有一行可用的企业记录")
    stats_years = set(clean["annual_stats"]["year"].dropna().astype(int)) if "annual_stats" in clean else set()
    if year not in stats_years:
        blocking.append(f"{file_of('annual_stats')}：没有结算年度 {year} 年的数据（可用的年度：{sorted(stats_years) or '无'}）")
    errors.checks.append(Check(file_of("annual_stats"), "settlement_year_present", "blocking", f"包含结算年度{year}年的数据", int(year not in stats_years), 1))
    checks = errors.checks + refs.checks + warnings.checks
    return ValidationResult(year, problems, warn_frame, blocking, clean, counts, checks)
