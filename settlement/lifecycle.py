"""The year's lifecycle after the draft: publicity (公示) with its deadline in Chinese working
days, finalization with the objection outcomes (the final lists and the change list against
the draft), and explicit correction runs after a year is final (they pay only the difference).

Only final runs count as "already paid" for later years (see ``ledger.store.paid_history``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .allocation import city_fractions, split_funding
from .config import load_settings
from .engine.frames import LINE_STATUS_WORDS
from .errors import InputError, RunRefused
from .ingest.contract import OBJECTIONS
from .ingest.parse import parse_table
from .ingest.readers import LandingError, read_table
from .ledger import make_engine, migrate, runs, store
from .ledger.load import read_table as read_ledger_table
from .ledger.locks import ledger_lock
from .ledger.models import Enterprise
from .money import fen_to_yuan_text
from .outputs import discard, promote, rejecting
from .policies import load_catalog
from .publish import RunOutputs, fixed_time, run_notes, summary_from, write_run_outputs
from .reports.bank_files import BankFileError, bank_file_name, write_bank_files
from .reports.changes import KEY, change_list, write_changes
from .reports.disbursement import write_disbursement
from .reports.manifest import policy_totals
from .reports.payments import missing_bank_details
from .reports.runinfo import RunInfo
from .stages import decorate, locked, run_uid_for, settle_within
from .uscc import uscc_valid
from .workdays import CalendarError, nth_workday

DECISION_WORDS = {"uphold": "维持原结果", "remove": "取消奖励", "adjust": "调整金额"}


@dataclass
class LifecycleResult:
    year: int
    run_uid: str
    status: str
    out_dir: Path
    outputs: dict[str, str] = field(default_factory=dict)
    deadline: date | None = None
    changes: pd.DataFrame | None = None
    message: str = ""


def _engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    return engine


def _open_draft(conn, year: int, when_final: str):
    """The year's draft (or publicity) run; refused when the year is final or has no draft."""
    if store.final_run(conn, year) is not None:
        raise RunRefused(when_final)
    run = store.current_run(conn, year)
    if run is None:
        raise RunRefused(f"{year}年还没有草稿，请先运行 settlement run --year {year}。")
    return run


# --------------------------------------------------------------------------- publicity


@locked
def publicize(
    year: int,
    start: date,
    working_days: int = 5,
    db_url: str | None = None,
    out_root: Path = Path("out"),
    restart_reason: str | None = None,
) -> LifecycleResult:
    """Put the year's draft in publicity from ``start`` for ``working_days`` Chinese working days.
    Publicizing again with the same window writes the list again; another window while one is
    set is refused unless the officer says why (``restart_reason``: recorded on the run, in the
    manifest and on the list)."""
    try:
        deadline = nth_workday(start, working_days)
    except CalendarError as exc:
        raise InputError(str(exc)) from None
    catalog = load_catalog()
    engine = _engine(db_url)
    with engine.begin() as conn:
        run = _open_draft(conn, year, f"{year}年已定稿，不能再公示。")
        message = run.message or ""
        if run.status == "publicity" and (run.publicity_start, run.publicity_deadline) != (start, deadline):
            window = f"{run.publicity_start.isoformat()}至{run.publicity_deadline.isoformat()}"
            if not (restart_reason or "").strip():
                raise RunRefused(
                    f"{year}年的结算 {run.run_uid} 已在公示（{window}），不能改为 {start.isoformat()}"
                    " 起公示：改动公示期会改变定稿的日期。"
                    "如确需重新公示，请加 --restart --reason "
                    '"理由"（理由记录在台账、manifest 和公示名单上）。'
                )
            note = (
                f"重新公示：原公示期{window}，改为{start.isoformat()}至{deadline.isoformat()}，"
                f"理由：{restart_reason.strip()}"
            )
            message = f"{message}\n{note}".strip()
        runs.set_status(
            conn, run.id, "publicity", publicity_start=start, publicity_deadline=deadline, message=message
        )
        enterprises = read_ledger_table(conn, Enterprise)
        lines = decorate(store.read_lines(conn, run.id), enterprises)
        run = runs.run_by_id(conn, run.id)
        out_dir = Path(out_root) / str(year)
        info = RunInfo(
            year,
            run.run_uid,
            "publicity",
            __version__,
            (start.isoformat(), deadline.isoformat()),
            inputs=json.loads(run.input_sha256),
            notes=run_notes(run),
        )
        outputs = write_run_outputs(
            conn,
            RunOutputs(
                info,
                out_dir,
                lines,
                enterprises,
                catalog,
                summary_from(run),
                json.loads(run.scale_factors or "{}"),
                json.loads(run.totals or "{}"),
                publicity=True,
            ),
        )
    return LifecycleResult(year, run.run_uid, "publicity", out_dir, outputs, deadline)


# ------------------------------------------------------------------------- objections


def read_objections(path: Path) -> pd.DataFrame:
    """The objection outcomes file (CSV in any accepted encoding, or xlsx), checked row by row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"异议处理结果文件不存在：{path}")
    try:
        table = parse_table(OBJECTIONS, read_table(path))
    except LandingError as exc:
        raise InputError(str(exc)) from None
    frame, problems = table.frame, table.problems
    messages = [
        f"{r.file} 第{r.row}行 {r.column}={r.value!r}：{r.message}" for r in problems.itertuples(index=False)
    ]
    bad_uscc = ~uscc_valid(frame["uscc"].fillna("").astype(str).to_numpy())
    messages += [f"{path.name} 第{r}行 uscc：统一社会信用代码校验不通过" for r in frame.loc[bad_uscc, "_row"]]
    adjust_missing = (frame["decision"] == "adjust") & frame["amount"].isna()
    messages += [
        f"{path.name} 第{r}行 amount：处理结果为调整（adjust）时必须填写调整后金额"
        for r in frame.loc[adjust_missing, "_row"]
    ]
    if messages:
        raise InputError("异议处理结果文件有误：\n" + "\n".join(f"  - {m}" for m in messages))
    frame["subject_uscc"] = frame["subject_uscc"].fillna("").astype(str)
    return frame.rename(columns={"_row": "row_no"}).drop(columns=["_extra"])


def apply_objections(
    lines: pd.DataFrame,
    objections: pd.DataFrame,
    catalog,
    regions: pd.Series,
    file_name: str,
    budgets: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lines after the objection outcomes, and the decisions keyed like the lines (for the change
    list). An outcome may remove or adjust only a line that the publicity list paid; an adjusted
    amount never exceeds the line's amount before any budget scale-down, nor takes a policy past
    its budget (``budgets``: policy -> budget in fen); each line gets one outcome."""
    lines = lines.copy().reset_index(drop=True)
    decided = []
    problems = []
    decided_at: dict[int, int] = {}
    for obj in objections.itertuples(index=False):
        match = (
            (lines["payee_uscc"] == obj.uscc)
            & (lines["policy_id"] == obj.policy_id)
            & (lines["clause_id"] == obj.clause_id)
        )
        if obj.subject_uscc:
            match &= lines["subject_uscc"] == obj.subject_uscc
        hits = np.flatnonzero(match.to_numpy())
        if len(hits) != 1:
            why = "公示名单中没有这一笔" if len(hits) == 0 else "对应多笔（请填写主体信用代码 subject_uscc）"
            problems.append(
                f"{file_name} 第{obj.row_no}行：{obj.uscc} {obj.policy_id} 第{obj.clause_id}条 {why}"
            )
            continue
        i = hits[0]
        where = f"{file_name} 第{obj.row_no}行：{obj.uscc} {obj.policy_id} 第{obj.clause_id}条"
        if i in decided_at:
            problems.append(
                f"{where} 与第{decided_at[i]}行是同一笔奖励：每笔只能有一个处理结果，请合并为一行"
            )
            continue
        decided_at[i] = obj.row_no
        status = str(lines.loc[i, "status"])
        if obj.decision in ("remove", "adjust") and status != "paid":
            problems.append(
                f"{where} 公示时为“{LINE_STATUS_WORDS.get(status, status)}”，"
                "没有兑现：只能对兑现的奖励取消或调整（异议不成立请填 uphold 维持）"
            )
            continue
        if obj.decision == "adjust" and int(obj.amount) > int(lines.loc[i, "capped_amount"]):
            problems.append(
                f"{where} "
                f"调整后金额{fen_to_yuan_text(int(obj.amount))}元超过该笔按条款核定的金额（封顶后、按预算下调前）"
                f"{fen_to_yuan_text(int(lines.loc[i, 'capped_amount']))}元"
            )
            continue
        words = f"公示异议处理：{DECISION_WORDS[obj.decision]}（{obj.reason}）"
        if obj.decision != "uphold" and "remark" in lines:
            old = str(lines.loc[i, "remark"] or "")
            lines.loc[i, "remark"] = (old + "；" if old else "") + f"公示异议：{DECISION_WORDS[obj.decision]}"
        if obj.decision == "remove":
            lines.loc[i, ["final_amount", "city_share", "district_share"]] = 0
            lines.loc[i, "status"] = "excluded"
        elif obj.decision == "adjust":
            amount = int(obj.amount)
            lines.loc[i, "final_amount"] = amount
            lines.loc[i, "status"] = "paid" if amount > 0 else "zero"
            words += f"，调整后金额{fen_to_yuan_text(amount)}元"
        lines.loc[i, "explanation"] = f"{lines.loc[i, 'explanation']}；{words}"
        decided.append({**{k: lines.loc[i, k] for k in KEY}, "decision": obj.decision, "reason": obj.reason})
    for policy_id, budget in (budgets or {}).items():
        total = int(
            lines.loc[(lines["policy_id"] == policy_id) & (lines["status"] == "paid"), "final_amount"]
            .astype(object)
            .sum()
        )
        if total > budget:
            problems.append(
                f"{file_name}：调整后{policy_id}兑现合计{fen_to_yuan_text(total)}元，"
                f"超过该政策的预算{fen_to_yuan_text(budget)}元"
            )
    if problems:
        raise InputError("异议处理结果不能采用，本次不定稿：\n" + "\n".join(f"  - {p}" for p in problems))
    adjusted = pd.DataFrame(decided, columns=KEY + ["decision", "reason"])
    if len(adjusted):
        changed = (
            lines.merge(adjusted[KEY].assign(_hit=True), on=KEY, how="left")["_hit"]
            .fillna(False)
            .astype(bool)
            .to_numpy()
        )
        num, den = city_fractions(catalog, lines["policy_id"], lines["clause_id"], regions)
        city, district = split_funding(lines["final_amount"].to_numpy(dtype=np.int64), num, den)
        lines["city_share"] = np.where(changed, city, lines["city_share"].to_numpy(dtype=np.int64))
        lines["district_share"] = np.where(
            changed, district, lines["district_share"].to_numpy(dtype=np.int64)
        )
    return lines, adjusted


def budgets_of(scale_factors: dict) -> dict[str, int]:
    """Each scaled-down policy's budget (fen), from a run's scale factors."""
    return {pid: int(f["budget"]) for pid, f in scale_factors.items() if f.get("budget") is not None}


def _payee_regions(lines: pd.DataFrame, enterprises: pd.DataFrame) -> pd.Series:
    """Each line's payee's region code ('' where none), for the funding split."""
    return lines["payee_uscc"].map(enterprises.set_index("uscc")["region_code"]).fillna("")


def carry_objections(
    new: pd.DataFrame, old: pd.DataFrame, decided: list[dict], catalog, enterprises: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The objection outcomes of the final being corrected, applied again to the correction's
    lines: a line removed on objection stays removed, an adjusted line keeps the amount the
    final gave it (a final year changes only by what the correction corrects; without this a
    correction with unchanged inputs would undo every objection and list the removed awards as
    to be paid). Upheld outcomes change nothing; an outcome whose line the corrected data no
    longer gives is dropped (the change list shows that line going)."""
    none = pd.DataFrame(columns=KEY + ["decision", "reason"])
    if not decided:
        return new, none
    d = pd.DataFrame(decided)
    d = d[d["decision"].isin(["remove", "adjust"])].reset_index(drop=True)
    paid_now = new.loc[
        new["status"] == "paid", KEY
    ]  # an outcome for a line the corrected data no longer pays goes (the change list shows the line)
    present = d[KEY].merge(paid_now.assign(_here=True), on=KEY, how="left")["_here"].notna().to_numpy()
    d = d[present].reset_index(drop=True)
    if d.empty:
        return new, none
    amounts = (
        d[KEY]
        .merge(old[KEY + ["final_amount"]], on=KEY, how="left")["final_amount"]
        .fillna(0)
        .astype(np.int64)
        .to_numpy()
    )
    capped_now = (
        d[KEY]
        .merge(new[KEY + ["capped_amount"]], on=KEY, how="left")["capped_amount"]
        .fillna(0)
        .astype(np.int64)
        .to_numpy()
    )
    amounts = np.minimum(
        amounts, capped_now
    )  # never above what the corrected data gives the line before scale-down
    objections = pd.DataFrame(
        {
            "uscc": d["payee_uscc"].to_numpy(),
            "policy_id": d["policy_id"].to_numpy(),
            "clause_id": d["clause_id"].to_numpy(),
            "subject_uscc": d["subject_uscc"].fillna("").astype(str).to_numpy(),
            "decision": d["decision"].to_numpy(),
            "reason": (d["reason"].astype(str) + "；定稿时的处理结果，更正时沿用").to_numpy(),
            "amount": amounts,
            "row_no": np.arange(1, len(d) + 1),
        }
    )
    lines, _ = apply_objections(
        new, objections, catalog, _payee_regions(new, enterprises), "定稿时的异议处理结果"
    )
    return lines, d[KEY + ["decision", "reason"]]


# -------------------------------------------------------------------------- finalize


@locked
def finalize(
    year: int,
    objections_path: Path | None = None,
    db_url: str | None = None,
    out_root: Path = Path("out"),
    today: date | None = None,
    before_deadline: bool = False,
) -> LifecycleResult:
    """Apply the objection outcomes to the publicized draft and record the year as final."""
    today = today or date.today()
    catalog = load_catalog()
    objections = read_objections(objections_path) if objections_path else None
    engine = _engine(db_url)
    out_dir = Path(out_root) / str(year)
    with engine.begin() as conn:
        run = _open_draft(
            conn, year, f"{year}年已经定稿，不能重复定稿；如需更正，请使用 settlement correct --year {year}。"
        )
        if run.status != "publicity":
            raise RunRefused(
                f"{year}年的草稿尚未公示，请先运行 settlement publicize --year {year} --start YYYY-MM-DD。"
            )
        if today <= run.publicity_deadline and not before_deadline:
            raise RunRefused(f"公示期至 {run.publicity_deadline.isoformat()} 止（含），尚未结束，不能定稿。")
        enterprises = read_ledger_table(conn, Enterprise)
        draft = decorate(store.read_lines(conn, run.id), enterprises)
        if objections is not None:
            final, decisions = apply_objections(
                draft,
                objections,
                catalog,
                _payee_regions(draft, enterprises),
                Path(objections_path).name,
                budgets_of(json.loads(run.scale_factors or "{}")),
            )
        else:
            final, decisions = draft.copy(), pd.DataFrame(columns=KEY + ["decision", "reason"])
        uid = f"{run.run_uid}-final"
        totals = policy_totals(final)
        now = datetime.now(UTC)
        early = (
            f"公示期至{run.publicity_deadline.isoformat()}止，于{today.isoformat()}提前定稿"
            if before_deadline and today <= run.publicity_deadline
            else ""
        )
        final_message = "\n".join(x for x in (run.message or "", early) if x)
        runs.set_status(conn, run.id, "finalized")
        runs.insert_run(
            conn,
            final,
            run_uid=uid,
            year=year,
            kind="final",
            status="final",
            input_sha256=run.input_sha256,
            policy_sha256=run.policy_sha256,
            code_version=__version__,
            started_at=now,
            finished_at=now,
            finalized_at=now,
            totals=json.dumps(totals, ensure_ascii=False, sort_keys=True),
            quarantined=run.quarantined,
            publicity_start=run.publicity_start,
            publicity_deadline=run.publicity_deadline,
            supersedes_run_id=run.id,
            objections=json.dumps(decisions.to_dict("records"), ensure_ascii=False, sort_keys=True),
            message=final_message,
            scale_factors=run.scale_factors,
            load_changes=run.load_changes,
            validation=run.validation,
        )
        # the files are written before the ledger commits: a failed write leaves the year unfinalized
        changes = change_list(draft, final, decisions)
        window = (run.publicity_start.isoformat(), run.publicity_deadline.isoformat())
        info = RunInfo(
            year,
            uid,
            "final",
            __version__,
            window,
            today.isoformat(),
            inputs=json.loads(run.input_sha256),
            notes=tuple(final_message.splitlines()),
        )
        files = {f"changes_{year}.csv": write_changes(out_dir / f"changes_{year}.csv", changes)}
        pay = _pay_lists(
            out_dir, year, final, enterprises, catalog, info, json.loads(run.scale_factors or "{}")
        )
        files.update(pay.files)
        draft_paid = int(draft.loc[draft["status"] == "paid", "final_amount"].sum())
        spec = RunOutputs(
            info,
            out_dir,
            final,
            enterprises,
            catalog,
            summary_from(run),
            json.loads(run.scale_factors or "{}"),
            totals,
            files=files,
            money=pay.money,
            bank_files=pay.bank_files,
            objections=decisions,
            draft_paid=draft_paid,
            adjustments=int(changes["difference"].sum()) if len(changes) else 0,
            extra={"draft_run_id": run.run_uid, "objections_applied": len(decisions)},
        )
        outputs = write_run_outputs(conn, spec)
    return LifecycleResult(year, uid, "final", out_dir, outputs, changes=changes)


@dataclass
class _PayLists:
    files: dict[str, str]  # name -> SHA-256
    money: object  # reports.payments.Payments
    bank_files: dict[str, Path]  # funding source -> its bank file


def _pay_lists(
    out_dir: Path,
    year: int,
    lines: pd.DataFrame,
    enterprises: pd.DataFrame,
    catalog,
    info: RunInfo,
    scale_factors: dict | None = None,
) -> _PayLists:
    """The disbursement list and the bank batch-transfer files; refused (nothing written) when a
    payee of a paid line has no account to pay to."""
    missing = missing_bank_details(lines, enterprises)
    if len(missing):
        named = "\n".join(
            f"  - {r.name}（{r.payee_uscc}）缺少{r.missing}，涉及{r.lines}笔奖励"
            for r in missing.itertuples(index=False)
        )
        raise InputError(
            f"{year}年有{len(missing)}个收款单位缺少银行账户信息，拨付清单无法据以付款，"
            f"本次不定稿：\n{named}\n"
            "请在 enterprises 文件中补全开户银行和银行账号后重新运行 settlement run，再公示、定稿。"
        )
    settings = load_settings()
    name = f"disbursement_{year}{info.suffix}.xlsx"
    digest, money = write_disbursement(
        out_dir / name, year, lines, enterprises, catalog, settings, info, fixed_time(year), scale_factors
    )
    try:
        banks = write_bank_files(out_dir, year, money, settings, info)
    except BankFileError as exc:
        raise InputError(str(exc)) from None
    by_source = {
        s.name: out_dir / bank_file_name(year, info, s.name)
        for s in money.sources
        if bank_file_name(year, info, s.name) in banks
    }
    return _PayLists({name: digest, **banks}, money, by_source)


# -------------------------------------------------------------------------- correct


@locked
def correct(
    year: int,
    landing_root: Path,
    out_root: Path,
    db_url: str | None = None,
    reason: str = "",
    today: date | None = None,
) -> LifecycleResult:
    """Settle a final year again from the (corrected) landing files. The new run supersedes the
    final run explicitly; every changed line is listed; the disbursement list holds only the
    differences (to pay, or to recover)."""
    if not reason.strip():
        raise InputError("更正必须写明理由（--reason）")
    catalog = load_catalog()
    engine = _engine(db_url)
    out_dir = Path(out_root) / str(year)
    with ledger_lock(engine, "load"), engine.begin() as conn:
        previous = store.final_run(conn, year)
        if previous is None:
            raise RunRefused(f"{year}年尚未定稿，不需要更正；请直接重新运行 settlement run --year {year}。")
        c = settle_within(conn, year, landing_root, out_root, catalog)
        with rejecting(out_root, year, c.run_uid):
            return _correct_computed(conn, c, previous, year, out_root, out_dir, catalog, reason, today)


def _correct_computed(conn, c, previous, year, out_root, out_dir, catalog, reason, today) -> LifecycleResult:
    """The correction run from what was computed: lines, change list, the lists of the differences."""
    old = decorate(store.read_lines(conn, previous.id), c.enterprises)
    new, carried = carry_objections(
        c.lines.copy(), old, json.loads(previous.objections or "[]"), catalog, c.enterprises
    )
    old_amounts = old[KEY + ["final_amount", "city_share", "name", "status"]].rename(
        columns={"final_amount": "_old", "city_share": "_old_city", "status": "_old_status"}
    )
    merged = new.merge(old_amounts.drop(columns=["name"]), on=KEY, how="left")
    new["previously_paid"] = merged["_old"].fillna(0).astype(np.int64).to_numpy()
    new["previous_city_share"] = merged["_old_city"].fillna(0).astype(np.int64).to_numpy()
    gone = old.merge(new[KEY].assign(_here=True), on=KEY, how="left")
    gone = old[gone["_here"].isna().to_numpy() & (old["final_amount"].to_numpy() > 0)].copy()
    if len(gone):
        gone["previously_paid"] = gone["final_amount"]
        gone["previous_city_share"] = gone["city_share"]
        gone[["final_amount", "city_share", "district_share", "standard_amount", "capped_amount"]] = 0
        gone["status"] = "zero"
        gone["explanation"] = gone["explanation"] + "；更正：按更正后的数据不再符合条件，已兑现部分需追回"
        new = pd.concat([new, gone[new.columns.intersection(gone.columns)]], ignore_index=True)
    changes = change_list(old, new)
    if changes.empty:
        discard(out_root, year, c.run_uid)
        return LifecycleResult(
            year,
            previous.run_uid,
            "final",
            out_dir,
            message="按当前数据重新计算的结果与定稿完全相同，无需更正。",
        )
    k = runs.corrections_of(conn, year) + 1
    uid = f"{run_uid_for(year, c.landing.hashes, catalog.sha256)}-correction{k}"
    now = datetime.now(UTC)
    totals = policy_totals(new)
    # the ledger allows one final run per year: the one corrected steps down first
    runs.set_status(conn, previous.id, "superseded")
    runs.insert_run(
        conn,
        new,
        run_uid=uid,
        year=year,
        kind="correction",
        status="final",
        input_sha256=json.dumps(c.landing.hashes, sort_keys=True),
        policy_sha256=json.dumps(catalog.sha256, sort_keys=True),
        code_version=__version__,
        started_at=now,
        finished_at=now,
        finalized_at=now,
        totals=json.dumps(totals, ensure_ascii=False, sort_keys=True),
        quarantined=c.quarantined,
        supersedes_run_id=previous.id,
        load_changes=json.dumps(c.load_changes, sort_keys=True),
        message=f"更正：{reason}",
        objections=json.dumps(carried.to_dict("records"), ensure_ascii=False, sort_keys=True),
        scale_factors=json.dumps(c.scale_factors, sort_keys=True),
        validation=json.dumps(c.validation.summary, ensure_ascii=False, sort_keys=True),
    )
    suffix = f"correction{k}"
    window = (
        (previous.publicity_start.isoformat(), previous.publicity_deadline.isoformat())
        if previous.publicity_start
        else None
    )
    info = RunInfo(
        year,
        uid,
        "correction",
        __version__,
        window,
        (today or date.today()).isoformat(),
        k,
        reason,
        inputs=c.landing.hashes,
    )
    files = {f"changes_{year}_{suffix}.csv": write_changes(out_dir / f"changes_{year}_{suffix}.csv", changes)}
    pay = _pay_lists(out_dir, year, new, c.enterprises, catalog, info)
    files.update(pay.files)
    spec = RunOutputs(
        info,
        out_dir,
        new,
        c.enterprises,
        catalog,
        c.validation.summary,
        c.scale_factors,
        totals,
        files=files,
        money=pay.money,
        bank_files=pay.bank_files,
        extra={
            "supersedes_run_id": previous.run_uid,
            "correction_reason": reason,
            "difference_total": fen_to_yuan_text(int(changes["difference"].sum())),
        },
    )
    outputs = write_run_outputs(conn, spec)
    promote(out_root, year, c.run_uid)
    return LifecycleResult(year, uid, "final", out_dir, outputs, changes=changes)


def years_due_for_finalization(db_url: str | None = None, today: date | None = None) -> list[int]:
    """Years whose draft is in publicity and whose window has ended (for the daily check)."""
    today = today or date.today()
    with _engine(db_url).connect() as conn:
        return runs.years_due(conn, today)
