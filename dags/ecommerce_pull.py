"""Pull the year's statistics from where they live into the landing folder.

On 15 March (for the year before, an hour before ``ecommerce_settlement``'s own schedule) and
by hand with ``params.year``. The source is the Airflow connection ``settlement_source``: a
Postgres connection (the statistics platform's shared database; queries in ``sql/pull/``) or
an HTTP connection (the data-sharing interface; its password is the token). The one task calls
``settlement.orchestration.pull_year``; its asset event carries the year and starts
``ecommerce_settlement``. Transient errors are retried; a refusal (4xx) or bad data is not.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from settlement.orchestration import landing_ready_asset

LANDING_READY = landing_ready_asset()


@dag(
    dag_id="ecommerce_pull",
    description="拉取年度统计数据：从数据库或数据共享接口写入着陆目录，随后自动结算",
    schedule=CronTriggerTimetable("0 2 15 3 *", timezone="Asia/Shanghai"),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    tags=["settlement", "ecommerce", "yearly", "pull"],
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        "owner": "commerce-bureau",
    },
    params={
        "year": Param(
            None,
            type=["null", "integer"],
            minimum=2020,
            maximum=2100,
            description="拉取年度（手动运行时填写）",
        )
    },
    doc_md=__doc__,
)
def ecommerce_pull():
    @task(outlets=[LANDING_READY])
    def pull(params=None, logical_date=None, outlet_events=None) -> dict:
        from airflow.exceptions import AirflowFailException
        from airflow.sdk import Connection

        from settlement.orchestration import SOURCE_CONNECTION, pull_year, year_for_run
        from settlement.pull import PullError

        year = year_for_run(params, None, logical_date)
        try:
            result = pull_year(year, Connection.get(SOURCE_CONNECTION))
        except PullError as exc:
            if exc.code == 2:  # the source refused or answered wrongly: retrying cannot fix it
                raise AirflowFailException(str(exc)) from None
            raise RuntimeError(str(exc)) from None
        outlet_events[LANDING_READY].extra = {"payload": result["payload"]}
        return result

    pull()


ecommerce_pull()
