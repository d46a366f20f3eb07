"""Yearly settlement of the e-commerce subsidy policies.

Starts by itself when a year's landing folder gets its ready flag (``landing/<year>/_READY``),
also on 15 March for the year before, and by hand with ``params.year``. Every task calls one
function of ``settlement.stages`` (the functions ``settlement run`` uses); nothing here computes.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AssetAlias, AssetOrTimeSchedule, Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from settlement.orchestration import landing_ready_asset

LANDING_READY = landing_ready_asset()  # ready flags in the landing folder, and ecommerce_pull's pulls
OUTPUTS = AssetAlias("settlement_draft_outputs")


@dag(
    dag_id="ecommerce_settlement",
    description="电子商务扶持政策年度结算：导入 → 校验 → 计算 → 分配 → 输出草稿",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 3 15 3 *", timezone="Asia/Shanghai"), assets=LANDING_READY
    ),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,  # one settlement at a time: two runs of a year never write together
    tags=["settlement", "ecommerce", "yearly"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "owner": "commerce-bureau"},
    params={
        "year": Param(
            None,
            type=["null", "integer"],
            minimum=2020,
            maximum=2100,
            description="结算年度（手动运行时填写）",
        )
    },
    doc_md=__doc__,
)
def ecommerce_settlement():
    @task
    def resolve_year(params=None, triggering_asset_events=None, logical_date=None) -> int:
        from settlement.orchestration import year_for_run

        return year_for_run(params, triggering_asset_events, logical_date)

    @task
    def load(year: int) -> dict:
        """Read, validate and load the year's clean rows, once. Bad input (or a final year) fails
        the run at once with its report: retrying cannot fix it; a database error is retried."""
        from airflow.exceptions import AirflowFailException

        from settlement.errors import InputError, RunRefused
        from settlement.orchestration import db_url, landing_dir, out_dir
        from settlement.stages import load_inputs

        try:
            return load_inputs(year, landing_dir(), out_dir(), db_url())
        except InputError as exc:
            raise AirflowFailException(f"{exc}\n{exc.report or ''}") from None
        except RunRefused as exc:
            raise AirflowFailException(str(exc)) from None

    @task
    def policies(loaded: dict, year: int, run_id=None) -> list[str]:
        """The year staged once for the mapped tasks (one read of the ledger), and the policies."""
        from settlement.orchestration import db_url, work_dir
        from settlement.stages import policy_ids, stage_year

        stage_year(year, work_dir(year, run_id), db_url())
        return policy_ids()

    @task
    def compute(policy_id: str, year: int, run_id=None) -> str:
        from settlement.orchestration import db_url, work_dir
        from settlement.stages import compute_policy

        return compute_policy(year, policy_id, work_dir(year, run_id), db_url())

    @task
    def allocate(year: int, parts: list[str], loaded: dict, run_id=None) -> dict:
        from settlement.orchestration import db_url, landing_dir, work_dir
        from settlement.stages import STAGED, allocate_year

        return allocate_year(
            year, list(parts), landing_dir(), db_url(), loaded, staged=str(work_dir(year, run_id) / STAGED)
        )

    @task(outlets=[OUTPUTS])
    def publish(year: int, allocated: dict, loaded: dict, outlet_events=None) -> dict:
        from settlement.orchestration import db_url, out_dir
        from settlement.stages import publish_year

        result = publish_year(year, out_dir(), allocated["run_uid"], db_url(), loaded["warnings"])
        outlet_events[OUTPUTS].add(
            Asset(name=f"settlement_publicity_{year}", uri=f"file://{result['publicity']}"),
            extra={"run_uid": result["run_uid"]},
        )
        return result

    year = resolve_year()
    loaded = load(year)
    parts = compute.partial(year=year).expand(policy_id=policies(loaded, year))
    allocated = allocate(year, parts, loaded)
    publish(year, allocated, loaded)


ecommerce_settlement()
