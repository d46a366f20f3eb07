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
from .errors import InputError, RunRefused
from .ledger import make_engine, migrate, runs, store
from .ledger.locks import ledger_lock
from .ledger.models import Enterprise
from .ledger.read import read_table as read_ledger_table
from .money import fen_to_yuan_text
from .objections import apply_objections, budgets_of, carry_objections, payee_regions, read_objections
from .outputs import discard, promote, rejecting
from .pay_lists import write_pay_lists
from .policies import load_catalog
from .publish import RunOutputs, run_notes, summary_from, write_run_outputs
from .reports.changes import KEY, change_list, write_changes
from .reports.manifest import policy_totals
from .reports.runinfo import RunInfo
from .stages import decorate, locked, run_uid_for, settle_within
from .workdays import CalendarError, nth_workday


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
                payee_regions(draft, enterprises),
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
        pay = write_pay_lists(
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
    pay = write_pay_lists(out_dir, year, new, c.enterprises, catalog, info)
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
