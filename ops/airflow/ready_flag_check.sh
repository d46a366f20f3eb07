#!/usr/bin/env bash
# Scripted check of the event-driven start: Airflow (scheduler, dag-processor, triggerer and
# api-server, via `airflow standalone`) runs in a throwaway home over demo data; touching
# landing/<year>/_READY must produce a successful ecommerce_settlement run and its files.
#   usage: ops/airflow/ready_flag_check.sh [year]      (make airflow-ready-check)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
YEAR="${1:-2025}"
WORK="$(mktemp -d /tmp/settlement-airflow-XXXXXX)"
export AIRFLOW_HOME="$WORK/airflow" AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags" AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5 AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT=600
export SETTLEMENT_HOME="$WORK" SETTLEMENT_LANDING="$WORK/landing" SETTLEMENT_OUT="$WORK/out" SETTLEMENT_DB_URL="sqlite:///$WORK/ledger.db"
export SETTLEMENT_WATCH_STATE="$WORK/watch" SETTLEMENT_WATCH_INTERVAL=3 SETTLEMENT_DATA_DOCS=0 GX_ANALYTICS_ENABLED=false
export AIRFLOW_HOME_FIXED="$AIRFLOW_HOME"
export PATH="$BIN:$PATH"
source "$ROOT/ops/airflow/env.sh"
export AIRFLOW_HOME="$AIRFLOW_HOME_FIXED" SETTLEMENT_LANDING="$WORK/landing" SETTLEMENT_OUT="$WORK/out" SETTLEMENT_WATCH_STATE="$WORK/watch"
# ports of our own, so that another Airflow on this machine does not get in the way
API_PORT="$(free_port)"; LOG_PORT="$(free_port)"
export AIRFLOW__API__PORT="$API_PORT" AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$LOG_PORT" AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT="$(free_port)"
export AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT="$(free_port)"
cleanup() { [ -n "${PID:-}" ] && kill -- -"$PID" 2>/dev/null || true; }
trap cleanup EXIT

settlement demo-data --out "$WORK/landing" --years "2022-$YEAR" --enterprises 150 >/dev/null
airflow db migrate >/dev/null
setsid airflow standalone >"$WORK/standalone.log" 2>&1 &
PID=$!
echo "airflow standalone in $AIRFLOW_HOME (log: $WORK/standalone.log)"
wait_for_dag ecommerce_settlement
airflow dags unpause ecommerce_settlement >/dev/null
sleep 10  # let the triggerer pick up the asset watcher
touch "$WORK/landing/$YEAR/_READY"
echo "touched $WORK/landing/$YEAR/_READY; waiting for the run"
wait_for_run ecommerce_settlement asset_triggered "$WORK/out/$YEAR/awards.csv" "$WORK/out/$YEAR/publicity_$YEAR.xlsx"
echo "OK: the ready flag started a successful run; files in $WORK/out/$YEAR"
