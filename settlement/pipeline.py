"""``settlement run``: the stages of :mod:`settlement.stages` in a row, in one process (the
Airflow DAG runs the same functions as separate tasks; ``settlement correct`` runs them on one
transaction): read, validate and load → compute → allocate → publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import stages
from .outputs import rejecting
from .stages.reuse import reusable_run


@dataclass
class RunResult:
    year: int
    run_uid: str
    run_id: int
    out_dir: Path
    lines: pd.DataFrame
    scale_factors: dict
    totals: dict
    quarantined: dict[str, int]
    warnings: int
    load_changes: dict
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    missing_accounts: pd.DataFrame | None = None  # paid payees without an account to pay to
    reused: bool = False  # the inputs and the ledger had not changed: the year's run stands as it was


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def run(
    year: int,
    landing_root: Path,
    out_root: Path,
    db_url: str | None = None,
    progress: Progress = _noop,
    replace_reason: str | None = None,
) -> RunResult:
    """Settle ``year`` as a draft: the stages of :mod:`settlement.stages` in a row (the Airflow
    DAG runs the same functions as separate tasks). ``replace_reason``: why a draft in publicity
    may be replaced by a settlement from other inputs. A re-run on unchanged inputs reuses the
    year's run as it stands (see :mod:`settlement.stages.reuse`)."""

    with stages.hold_year(year, db_url):
        t = time.perf_counter()
        progress("核对输入是否改变")
        same = reusable_run(year, landing_root, out_root, db_url)
        if same is not None:
            return RunResult(
                year,
                same.run_uid,
                same.run_id,
                Path(out_root) / str(year),
                same.lines,
                same.scale_factors,
                same.totals,
                same.quarantined,
                same.warnings,
                {},
                same.outputs,
                {"reuse": time.perf_counter() - t},
                same.missing_accounts,
                reused=True,
            )
        return _run_stages(year, landing_root, out_root, db_url, progress, replace_reason)


def _run_stages(year, landing_root, out_root, db_url, progress, replace_reason=None) -> RunResult:
    t = time.perf_counter()
    progress("读取、校验并写入台账")
    loaded = stages.load_inputs(year, landing_root, out_root, db_url, replace_reason, hold=True)
    load_time = time.perf_counter() - t
    with rejecting(
        out_root, year, loaded["run_uid"]
    ):  # a later failure: its report to rejected/, the year's folder untouched
        return _settle_loaded(year, landing_root, out_root, db_url, progress, loaded, load_time)


def _settle_loaded(year, landing_root, out_root, db_url, progress, loaded, load_time) -> RunResult:

    timings: dict[str, float] = {"load": load_time}
    t = time.perf_counter()
    progress("计算各条款")
    computed = stages.compute_in_process(
        year, stages.policy_ids(), db_url, loaded.pop("held")
    )  # one read of the year (what the load had in hand is not read back); lines stay in memory
    timings["compute"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("封顶、就高不重复、预算下调、资金分担")
    allocated = stages.allocate_year(year, [], landing_root, db_url, loaded, computed=computed)
    timings["allocate"] = time.perf_counter() - t
    del computed  # the year's context: the files are written from the recorded run (a GiB at 1M)
    t = time.perf_counter()
    progress("写出文件")
    published = stages.publish_run(year, out_root, allocated["run_uid"], db_url)
    timings["publish"] = time.perf_counter() - t
    return RunResult(
        year,
        allocated["run_uid"],
        allocated["run_id"],
        Path(out_root) / str(year),
        published.lines,
        published.scale_factors,
        published.totals,
        published.quarantined,
        published.warnings,
        loaded["load_changes"],
        published.outputs,
        timings,
        published.missing_accounts,
    )
