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

import pandas as pd

from ..ingest import Landing
from ..policies import Catalog
from .messages import WARNING_MESSAGES
from .row_checks import (
    Check,
    Collector,
    clauses_needing_usd,
    duplicate_applications,
    history_warnings,
    unusable_budgets,
    with_enterprise,
)


@dataclass
class ValidationResult:
    year: int
    problems: pd.DataFrame  # quarantine records: PROBLEM_COLUMNS
    warnings: pd.DataFrame  # PROBLEM_COLUMNS
    blocking: list[str]
    clean: dict[str, pd.DataFrame]
    quarantined_rows: dict[str, int]
    checks: list[Check] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)  # file -> data rows in the file
    ignored_rows: dict[str, int] = field(
        default_factory=dict
    )  # file -> rows read but not used (a warning says why)
    summary: dict = field(
        default_factory=dict
    )  # the report's data (reports.validation.validation_data), once written

    @property
    def ok(self) -> bool:
        return not self.blocking


def _bad_rows(problems: pd.DataFrame, file: str) -> set[int]:
    return set(problems.loc[problems["file"] == file, "row"].astype(int))


def validate_landing(landing: Landing, catalog: Catalog, docs_dir=None, today=None) -> ValidationResult:
    """Every check of the year's landing files: cell types (parsing), the data contracts (Great
    Expectations suites), references between files, history warnings and blocking checks."""
    from .background import start_contracts

    year = landing.year
    clause_refs = Collector()  # applications' and prior awards' clause ids
    refs = Collector()  # references between files, once the quarantine of each is known
    warnings = Collector()
    blocking: list[str] = []
    tables = landing.tables
    names = {name: t.file_name for name, t in tables.items()}
    frames = {name: t.frame for name, t in tables.items()}
    cell_problems = [t.problems for t in tables.values() if len(t.problems)]

    def file_of(name: str) -> str:
        return names.get(name, f"{name}.csv")

    checks: list[Check] = []
    for table in tables.values():
        failed = table.problems["row"].nunique() if len(table.problems) else 0
        checks.append(
            Check(
                table.file_name,
                "cell_types",
                "error",
                "列类型与取值格式（金额、日期、是/否、枚举、行政区划、银行账号）",
                int(failed),
                len(table.frame),
                "读不准的单元格一律不猜测：该行隔离，由人工更正后重新结算",
                "单元格格式",
                "金额、比率、数量、日期、是/否、枚举、行政区划代码、银行账号等单元格都能准确读取",
            )
        )

    # the suites run in the validating process, if the run started one (background.py), while
    # this one makes the checks that do not need their results
    contracts_result = start_contracts(
        frames, names, year, [p.id for p in catalog.policies], docs_dir=docs_dir, today=today
    )
    # clause ids exist in the named policy (the contracts check the policy ids)
    clause_ids = catalog.clause_ids()
    policy_ids = {p.id for p in catalog.policies}
    for name in ("applications", "prior_awards"):
        if name in frames:
            frame = frames[name]
            pairs = pd.Series(
                list(zip(frame["policy_id"], frame["clause_id"], strict=True)),
                index=frame.index,
                dtype=object,
            )
            clause_refs.add(
                file_of(name),
                frame,
                (frame["policy_id"].isin(policy_ids) & ~pairs.isin(clause_ids)).to_numpy(),
                "clause_id",
                "unknown_clause",
            )

    _warnings(frames, tables, catalog, year, file_of, warnings)

    contracts = contracts_result()
    for c in contracts.checks:
        checks.append(
            Check(
                c["file"],
                f"{c['check']}:{c['column']}",
                c["severity"],
                c["description"],
                c["failed"],
                c["checked"],
                c["why"],
                c["label"],
                c["requirement"],
            )
        )

    intrinsic = pd.concat([contracts.problems, clause_refs.frame(), *cell_problems], ignore_index=True)
    checks += clause_refs.checks

    # --- references, to a fixed point (parks <-> enterprises) ----------------------------
    ent = frames["enterprises"]
    parks = frames.get("parks")
    bad_ent = _bad_rows(intrinsic, file_of("enterprises"))
    bad_park = _bad_rows(intrinsic, file_of("parks")) if parks is not None else set()
    # codes as columns, not sets: isin looks a column up in a column at C speed (a set of a
    # province's 200,000 codes it first turns into a list)
    ent_known = ent["uscc"]
    park_known = set(parks["park_id"]) if parks is not None else set()
    for _ in range(10):
        good_ent = ent.loc[~ent["_row"].isin(bad_ent), "uscc"]
        good_park = set(parks.loc[~parks["_row"].isin(bad_park), "park_id"]) if parks is not None else set()
        new_bad_park = set()
        if parks is not None:
            op = parks["operator_uscc"]
            new_bad_park = set(parks.loc[~op.isin(good_ent), "_row"]) - bad_park
        pid = ent["park_id"].fillna("")
        new_bad_ent = set(ent.loc[(pid != "") & ~pid.isin(good_park), "_row"]) - bad_ent
        if not new_bad_park and not new_bad_ent:
            break
        bad_park |= new_bad_park
        bad_ent |= new_bad_ent
    good_ent = ent.loc[~ent["_row"].isin(bad_ent), "uscc"]
    good_park = set(parks.loc[~parks["_row"].isin(bad_park), "park_id"]) if parks is not None else set()
    if parks is not None:
        op = parks["operator_uscc"]
        refs.add(
            file_of("parks"), parks, (~op.isin(ent_known)).to_numpy(), "operator_uscc", "unknown_operator"
        )
        refs.add(
            file_of("parks"),
            parks,
            (op.isin(ent_known) & ~op.isin(good_ent)).to_numpy(),
            "operator_uscc",
            "quarantined_enterprise",
        )
    pid = ent["park_id"].fillna("")
    refs.add(
        file_of("enterprises"),
        ent,
        ((pid != "") & ~pid.isin(park_known)).to_numpy(),
        "park_id",
        "unknown_park",
    )
    refs.add(
        file_of("enterprises"),
        ent,
        ((pid != "") & pid.isin(park_known) & ~pid.isin(good_park)).to_numpy(),
        "park_id",
        "quarantined_park",
    )
    for name, col in (("annual_stats", "uscc"), ("applications", "uscc"), ("prior_awards", "uscc")):
        if name not in frames:
            continue
        frame = frames[name]
        known = frame[col].isin(ent_known)
        refs.add(file_of(name), frame, (~known).to_numpy(), col, "unknown_enterprise")
        refs.add(
            file_of(name),
            frame,
            (known & ~frame[col].isin(good_ent)).to_numpy(),
            col,
            "quarantined_enterprise",
        )

    problems = pd.concat([intrinsic, refs.frame()], ignore_index=True)
    problems = problems.sort_values(["file", "row", "column", "reason"], kind="stable").reset_index(drop=True)

    # --- clean frames ---------------------------------------------------------------------
    clean: dict[str, pd.DataFrame] = {}
    counts: dict[str, int] = {}
    for name, frame in frames.items():
        bad = _bad_rows(problems, file_of(name))
        keep = ~frame["_row"].isin(bad)
        clean[name] = frame.loc[keep].reset_index(drop=True)
        counts[file_of(name)] = int((~keep).sum())
    warn_frame = (
        pd.concat([warnings.frame(), contracts.warnings], ignore_index=True)
        .sort_values(["file", "row", "column", "reason"], kind="stable")
        .reset_index(drop=True)
    )
    ignored_rows: dict[str, int] = {}
    for name, reasons in (
        ("applications", ("application_for_data_clause", "other_year")),
        ("budgets", ("budget_not_applicable", "other_year")),
    ):
        if name in clean and len(warn_frame):
            ignored = set(
                warn_frame.loc[
                    (warn_frame["file"] == file_of(name)) & warn_frame["reason"].isin(reasons), "row"
                ]
            )
            before = len(clean[name])
            clean[name] = clean[name][~clean[name]["_row"].isin(ignored)].reset_index(drop=True)
            ignored_rows[file_of(name)] = before - len(clean[name])
    problems = with_enterprise(problems, frames, names)
    warn_frame = with_enterprise(warn_frame, frames, names)

    # --- blocking -------------------------------------------------------------------------
    if "budgets" in frames:
        blocking += unusable_budgets(frames["budgets"], problems, file_of("budgets"), catalog, year)
    if not len(clean["enterprises"]):
        blocking.append(f"{file_of('enterprises')}：没有一行可用的企业记录")
    stats_years = (
        set(clean["annual_stats"]["year"].dropna().astype(int)) if "annual_stats" in clean else set()
    )
    missing_year = year not in stats_years
    if missing_year:
        blocking.append(
            f"{file_of('annual_stats')}：没有结算年度 {year}"
            f" 年的数据（可用的年度：{sorted(stats_years) or '无'}）"
        )
    checks.append(
        Check(
            file_of("annual_stats"),
            "settlement_year_present",
            "blocking",
            f"包含结算年度{year}年的数据",
            int(missing_year),
            1,
            "没有结算年度的数据就无从结算",
            "含结算年度数据",
            f"包含结算年度{year}年的统计数据",
        )
    )
    usd_needed = clauses_needing_usd(clean.get("applications"), catalog, year)
    fx = clean.get("fx_rates")
    has_rate = fx is not None and (fx["year"] == year).any()
    if usd_needed and not has_rate:
        blocking.append(
            f"{file_of('fx_rates') if 'fx_rates' in names else 'fx_rates.csv'}：缺少 {year}"
            f" 年的美元汇率（usd_cny），而 {'、'.join(usd_needed)} 按美元计算"
        )
    checks.append(
        Check(
            file_of("fx_rates") if "fx_rates" in names else "fx_rates.csv",
            "fx_rate_for_usd_clauses",
            "blocking",
            f"按美元计算的条款有申报时，{year}年有美元汇率",
            int(bool(usd_needed) and not has_rate),
            1,
            "美元条款的门槛和金额离不开当年汇率；系统不内置任何汇率",
            "当年美元汇率",
            f"按美元计算的条款有申报时，有{year}年的美元汇率",
        )
    )
    checks += refs.checks + warnings.checks
    rows_read = {file_of(name): int(len(frame)) for name, frame in frames.items()}
    return ValidationResult(
        year, problems, warn_frame, blocking, clean, counts, checks, rows_read, ignored_rows
    )


def _warnings(frames, tables, catalog: Catalog, year: int, file_of, warnings: Collector) -> None:
    """The warnings about the landing files (the row still counts; some rows are then not used,
    and the report says why). They read the frames only, not what is quarantined."""
    if "budgets" in frames:
        b = frames["budgets"]
        no_scale = {p.id for p in catalog.policies if not p.budget.scale_down}
        warnings.add(
            file_of("budgets"),
            b,
            b["policy_id"].isin(no_scale).to_numpy(),
            "policy_id",
            "budget_not_applicable",
            "warning",
            WARNING_MESSAGES,
        )
    if "applications" in frames:
        a = frames["applications"]
        data_clauses = {
            (p.id, c.id)
            for p in catalog.policies
            for c in p.clauses
            if not c.application and c.kind not in ("none", "external")
        }
        pairs = pd.Series(list(zip(a["policy_id"], a["clause_id"], strict=True)), index=a.index, dtype=object)
        warnings.add(
            file_of("applications"),
            a,
            pairs.isin(data_clauses).to_numpy(),
            "clause_id",
            "application_for_data_clause",
            "warning",
            WARNING_MESSAGES,
        )
    if "annual_stats" in frames:
        history_warnings(frames["annual_stats"], file_of("annual_stats"), warnings)
    for name in ("applications", "budgets"):
        if name in frames:
            f = frames[name]
            warnings.add(
                file_of(name),
                f,
                (f["year"].notna() & (f["year"] != year)).to_numpy(),
                "year",
                "other_year",
                "warning",
                WARNING_MESSAGES,
            )
    if "budgets" in frames:
        b = frames["budgets"]
        warnings.add(
            file_of("budgets"),
            b,
            (b["budget"] == 0).fillna(False).to_numpy(),
            "budget",
            "budget_zero",
            "warning",
            WARNING_MESSAGES,
        )
    if "applications" in frames:
        duplicate_applications(frames["applications"], file_of("applications"), warnings)
    for name, table in tables.items():
        if table.extra_columns:
            header = pd.DataFrame(
                {
                    "_row": [getattr(table, "header_row", 1)] * len(table.extra_columns),
                    "column": table.extra_columns,
                }
            )
            warnings.add_records(file_of(name), header, "extra_column", WARNING_MESSAGES)
