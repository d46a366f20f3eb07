"""Finalization after publicity: apply the objection outcomes and write the final lists.

Runs daily and finalizes every year whose publicity window has ended (objections, when any, in
``landing/<year>/objections.csv``); or by hand for one year with ``params.year`` and optionally
``params.objections`` (a path). Each task calls one function of ``settlement``.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AssetAlias, Param, dag, task

OUTPUTS = AssetAlias("settlement_final_outputs")


@dag(
    dag_id="ecommerce_settlement_finalize",
    description="公示期满后定稿：应用异议处理结果，写出拨付清单和变更清单",
    schedule="30 6 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    tags=["settlement", "ecommerce", "finalize"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "commerce-bureau"},
    params={
        "year": Param(
            None,
            type=["null", "integer"],
            minimum=2020,
            maximum=2100,
            description="定稿年度（手动运行时填写）",
        ),
        "objections": Param(None, type=["null", "string"], description="异议处理结果文件路径（可选）"),
    },
    doc_md=__doc__,
)
def ecommerce_settlement_finalize():
    @task
    def due_years(params=None) -> list[int]:
        from settlement.lifecycle import years_due_for_finalization
        from settlement.orchestration import db_url

        if params and params.get("year") is not None:
            return [int(params["year"])]
        return years_due_for_finalization(db_url())

    @task(outlets=[OUTPUTS])
    def finalize(year: int, params=None, outlet_events=None) -> dict:
        from pathlib import Path

        from settlement.lifecycle import finalize as finalize_year
        from settlement.orchestration import db_url, landing_dir, out_dir

        objections = (params or {}).get("objections") or landing_dir() / str(year) / "objections.csv"
        objections = Path(objections) if Path(objections).exists() else None
        result = finalize_year(year, objections, db_url(), out_dir())
        path = result.out_dir / f"disbursement_{year}.xlsx"
        outlet_events[OUTPUTS].add(
            Asset(name=f"settlement_disbursement_{year}", uri=f"file://{path}"),
            extra={"run_uid": result.run_uid},
        )
        return {"year": year, "run_uid": result.run_uid, "changes": int(len(result.changes))}

    finalize.expand(year=due_years())


ecommerce_settlement_finalize()
