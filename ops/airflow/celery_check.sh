#!/usr/bin/env bash
# The scale-out path, checked on this machine: CeleryExecutor with the Redis broker on
# 127.0.0.1:6379 and a Celery worker, Airflow's metadata on PostgreSQL. One ecommerce_settlement
# run goes through the worker; its tasks must appear in the worker's log and the files exist.
#   usage: ops/airflow/celery_check.sh [year]      (make airflow-celery-check)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
YEAR="${1:-2025}"
WORK="$(mktemp -d /tmp/settlement-celery-XXXXXX)"
export AIRFLOW_HOME="$WORK/airflow" SETTLEMENT_HOME="$WORK" SETTLEMENT_LANDING="$WORK/landing" SETTLEMENT_OUT="$WORK/out"
export SETTLEMENT_WATCH_STATE="$WORK/watch" PG_AIRFLOW_DB="settlement_airflow_celery"
source "$ROOT/ops/airflow/env.sh"
export SETTLEMENT_DB_URL="sqlite:///$WORK/ledger.db" SETTLEMENT_DATA_DOCS=0
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$PG_AIRFLOW_URL" AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC="$PG_AIRFLOW_ASYNC_URL"
export AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:6379/1"
export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql+psycopg://127.0.0.1:5432/$PG_AIRFLOW_DB"
export AIRFLOW__CELERY__WORKER_CONCURRENCY=2
export AIRFLOW__API_AUTH__JWT_SECRET="settlement-check-$(date +%s)"
API_PORT="$(free_port)"
export AIRFLOW__API__PORT="$API_PORT" AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$(free_port)" AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT="$(free_port)"
export AIRFLOW__CELERY__FLOWER_PORT="$(free_port)"
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True
python3 -c 'import airflow.providers.celery' 2>/dev/null || pip install --quiet -e "$ROOT[celery]"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -- -"$p" 2>/dev/null || true; done; }
trap cleanup EXIT

ensure_pg_database
settlement demo-data --out "$WORK/landing" --years "2022-$YEAR" --enterprises 150 >/dev/null
airflow db reset --yes >/dev/null 2>&1 || airflow db migrate >/dev/null
for part in "api-server --port $API_PORT" "scheduler" "dag-processor" "celery worker"; do
  name="${part%% *}"
  setsid airflow $part >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
done
echo "CeleryExecutor: api-server, scheduler, dag-processor and a Celery worker in $AIRFLOW_HOME (logs in $WORK)"
wait_for_dag ecommerce_settlement
airflow dags unpause ecommerce_settlement >/dev/null
airflow dags trigger ecommerce_settlement --conf "{\"year\": $YEAR}" >/dev/null
echo "triggered ecommerce_settlement for $YEAR; waiting"
wait_for_run ecommerce_settlement manual "$WORK/out/$YEAR/awards.csv" "$WORK/out/$YEAR/publicity_$YEAR.xlsx"
grep -q "ecommerce_settlement" "$WORK/celery.log" || { echo "FAILED: the worker's log does not show the tasks"; exit 1; }
echo "OK: the run succeeded through the Celery worker; files in $WORK/out/$YEAR"
