"""The Airflow plugin: a nav entry 结算结果 and the results app under ``/settlement/``.
Registered by the package's entry point (``airflow.plugins``), so installing the package is
enough; the app itself is built when Airflow's api-server loads the plugin."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from .app import create_app


class SettlementPlugin(AirflowPlugin):
    name = "settlement_results"
    fastapi_apps = [{"app": create_app(), "url_prefix": "/settlement", "name": "结算结果"}]
    external_views = [
        {
            "name": "结算结果",
            "href": "/settlement/",
            "destination": "nav",
            "url_route": "settlement_results",
            "category": "browse",
        }
    ]
