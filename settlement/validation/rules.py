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

from ..fact_registry import GROWTH
from ..ingest import Landing
from ..ingest.parse import PROBLEM_COLUMNS
from ..policies import Catalog
from .display import display_values

MESSAGES = {
    "unknown_enterprise": "企业不在企业名录（enterprises）中",
    "quarantined_enterprise": "所引用的企业在企业名录中已被隔离",
    "unknown_park": "园区编号不在园区表（parks）中",
    "quarantined_park": "所引用的园区已被隔离",
    "unknown_operator": "园区运营主体不在企业名录中",
    "unknown_clause": "条款编号不是该政策的条款",
}
WHY = {
    "unknown_clause": "申报必须指向政策中真实存在的条款",
    "unknown_operator": "园区奖励付给运营主体，运营主体必须在企业名录中",
    "quarantined_enterprise": "所引用的企业已被隔离，引用它的行也不能兑现",
    "unknown_park": "园区奖励按入驻企业归集，园区必须存在",
    "quarantined_park": "所属园区已被隔离",
    "unknown_enterprise": "数据和申报必须属于企业名录中的企业",
    "growth_mismatch": (
        "平台可比口径增速与按两年数据计算的增速差距过大，可能是口径或数据错误（仍按报送值计算）"
    ),
    "jump": "一年增长十倍以上多为单位错误（元/万元）或录入错误",
    "budget_not_applicable": "只有文本规定按比例下调的政策才使用预算",
    "application_for_data_clause": "按统计数据直接计算的条款不需要申报",
    "extra_column": "约定以外的列不参与计算；写错的列名会让一列数据被悄悄忽略",
    "drop": "一年降到十分之一以下多为单位错误（按万元填报）或录入错误，会使奖励变为0",
    "budget_zero": "预算为0时按比例下调后本政策当年一分不兑现",
    "other_year": "本年度的文件只应有本年度的申报和预算；别的年度的行属于那一年的结算",
    "duplicate_application": "内容完全相同的两份申报会被各兑现一次",
}
WARNING_MESSAGES = {
    "growth_mismatch": "报送的同比增速与按上年数据计算的增速相差超过0.5个百分点",
    "jump": "比上年增长超过10倍，请核实",
    "budget_not_applicable": "该政策文本没有按预算比例下调的规定，预算行不予采用",
    "application_for_data_clause": "该条款按统计数据直接计算，无需申报，申报行不予采用",
    "extra_column": "不是数据约定的列：原样保存在台账中，不参与计算（如本应是约定的列，请改用约定的列名）",
    "drop": "比上年下降到十分之一以下，请核实（常见原因：按万元填报）",
    "budget_zero": "预算为0：按比例下调后本政策当年不兑现任何奖励，请核实",
    "other_year": "年度不是结算年度：本次结算不采用该行（请放到该年度的着陆目录）",
    "duplicate_application": (
        "与另一申报编号的内容完全相同（企业、年度、政策、条款、金额、数量、级别），可能重复申报，"
        "请核实；两份都会计算"
    ),
}


RULES = {
    # reason -> (the check's Chinese name, what it requires), for the audit workbook
    "unknown_enterprise": ("企业在企业名录中", "所属企业在企业名录（enterprises）中"),
    "quarantined_enterprise": ("所引用的企业未被隔离", "所引用的企业在企业名录中没有被隔离"),
    "unknown_park": ("园区在园区表中", "所属园区在园区表（parks）中"),
    "quarantined_park": ("所引用的园区未被隔离", "所属园区在园区表中没有被隔离"),
    "unknown_operator": ("运营主体在企业名录中", "园区运营主体在企业名录（enterprises）中"),
    "unknown_clause": ("条款在政策中", "条款编号是所填政策的条款"),
    "growth_mismatch": (
        "报送增速与两年数据相符",
        "报送的同比增速与按上年数据计算的增速相差不超过0.5个百分点",
    ),
    "jump": ("与上年相比无十倍跳变", "比上年增长不超过10倍"),
    "budget_not_applicable": ("预算行属于按预算下调的政策", "预算行所属政策的文本规定了按比例下调"),
    "application_for_data_clause": ("申报行属于需申报的条款", "按统计数据直接计算的条款不需申报"),
    "extra_column": ("列名都是约定的列", "文件中的列都是数据约定的列（额外的列原样保存、不参与计算）"),
    "drop": ("与上年相比无十倍下降", "比上年下降不到十分之一"),
    "budget_zero": ("预算不为0", "预算金额大于0"),
    "other_year": ("行属于结算年度", "申报和预算的年度是结算年度"),
    "duplicate_application": ("申报内容不重复", "没有两份内容完全相同的申报"),
}


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


class _Collector:
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


def _bad_rows(problems: pd.DataFrame, file: str) -> set[int]:
    return set(problems.loc[problems["file"] == file, "row"].astype(int))


def validate_landing(landing: Landing, catalog: Catalog, docs_dir=None, today=None) -> ValidationResult:
    """Every check of the year's landing files: cell types (parsing), the data contracts (Great
    Expectations suites), references between files, history warnings and blocking checks."""
    from .contracts import run_contracts

    year = landing.year
    refs = _Collector()
    warnings = _Collector()
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

    contracts = run_contracts(
        frames, names, year, [p.id for p in catalog.policies], docs_dir=docs_dir, today=today
    )
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
            refs.add(
                file_of(name),
                frame,
                (frame["policy_id"].isin(policy_ids) & ~pairs.isin(clause_ids)).to_numpy(),
                "clause_id",
                "unknown_clause",
            )

    intrinsic = pd.concat([contracts.problems, refs.frame(), *cell_problems], ignore_index=True)
    checks += refs.checks
    refs = _Collector()

    # --- references, to a fixed point (parks <-> enterprises) ----------------------------
    ent = frames["enterprises"]
    parks = frames.get("parks")
    bad_ent = _bad_rows(intrinsic, file_of("enterprises"))
    bad_park = _bad_rows(intrinsic, file_of("parks")) if parks is not None else set()
    ent_known = set(ent["uscc"])
    park_known = set(parks["park_id"]) if parks is not None else set()
    for _ in range(10):
        good_ent = set(ent.loc[~ent["_row"].isin(bad_ent), "uscc"])
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
    good_ent = set(ent.loc[~ent["_row"].isin(bad_ent), "uscc"])
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
        refs.add(file_of(name), frame, (~frame[col].isin(ent_known)).to_numpy(), col, "unknown_enterprise")
        refs.add(
            file_of(name),
            frame,
            (frame[col].isin(ent_known) & ~frame[col].isin(good_ent)).to_numpy(),
            col,
            "quarantined_enterprise",
        )

    problems = pd.concat([intrinsic, refs.frame()], ignore_index=True)
    problems = problems.sort_values(["file", "row", "column", "reason"], kind="stable").reset_index(drop=True)

    # --- warnings -----------------------------------------------------------------------
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
        _history_warnings(frames["annual_stats"], file_of("annual_stats"), warnings)
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
        _duplicate_applications(frames["applications"], file_of("applications"), warnings)
    for name, table in tables.items():
        if table.extra_columns:
            header = pd.DataFrame(
                {
                    "_row": [getattr(table, "header_row", 1)] * len(table.extra_columns),
                    "column": table.extra_columns,
                }
            )
            warnings.add_records(file_of(name), header, "extra_column", WARNING_MESSAGES)

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
        blocking += _unusable_budgets(frames["budgets"], problems, file_of("budgets"), catalog, year)
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
    usd_needed = _usd_needed(clean.get("applications"), catalog, year)
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


def _unusable_budgets(
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


def _duplicate_applications(apps: pd.DataFrame, file: str, warnings: _Collector) -> None:
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
    values = approved[content].astype(object)
    keys = values.where(values.notna(), "").astype(str).agg("\x1f".join, axis=1)
    counts = keys.map(keys.value_counts())
    ids = approved.groupby(keys)["application_id"].agg(lambda v: "、".join(sorted(map(str, v))))
    hit = (counts > 1).to_numpy()
    mask = np.zeros(len(apps), dtype=bool)
    mask[apps.index.get_indexer(approved.index[hit])] = True
    detail = np.full(len(apps), "", dtype=object)
    detail[mask] = (
        WARNING_MESSAGES["duplicate_application"] + "（申报编号：" + keys[hit].map(ids) + "）"
    ).to_numpy()
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


def _usd_needed(apps: pd.DataFrame | None, catalog: Catalog, year: int) -> list[str]:
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


def _history_warnings(stats: pd.DataFrame, file: str, warnings: _Collector) -> None:
    """Reported growth far from the growth computed from last year's row (> 0.5 percentage
    points), and jumps of more than 10x year on year. Exact integer arithmetic."""
    prev = stats[["uscc", "year", *GROWTH.values()]].assign(year=stats["year"] + 1)
    merged = stats.merge(prev, on=["uscc", "year"], how="left", suffixes=("", "_prev"))
    merged.index = stats.index
    for growth, metric in GROWTH.items():
        if growth not in merged:
            continue
        rep = merged[growth]
        cur = merged[metric]
        pre = merged[f"{metric}_prev"]
        ok = rep.notna() & cur.notna() & pre.notna() & (pre.fillna(0) > 0)
        r = rep.fillna(0).astype(object).to_numpy()
        c = cur.fillna(0).astype(object).to_numpy()
        p = pre.fillna(1).astype(object).to_numpy()
        # |rep/1e9 - (c - p)/p| > 0.005  <=>  |rep*p - (c-p)*1e9| > 5e6*p
        diff = r * p - (c - p) * 10**9
        far = np.asarray(np.abs(diff) > p * (5 * 10**6), dtype=bool) & ok.to_numpy()
        warnings.add(file, stats, far, growth, "growth_mismatch", "warning", WARNING_MESSAGES)
    for metric in sorted(GROWTH.values()):
        cur = merged[metric]
        pre = merged[f"{metric}_prev"]
        ok = cur.notna() & pre.notna() & (pre.fillna(0) > 0)
        jump = ok & (cur.fillna(0) > 10 * pre.fillna(0))
        warnings.add(file, stats, jump.to_numpy(), metric, "jump", "warning", WARNING_MESSAGES)
        drop = ok & (cur.fillna(0) * 10 < pre.fillna(0))
        warnings.add(file, stats, drop.to_numpy(), metric, "drop", "warning", WARNING_MESSAGES)
