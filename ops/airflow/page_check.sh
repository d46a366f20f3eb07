#!/usr/bin/env bash
# Real-browser check of the results page (结算结果): `airflow standalone` in a throwaway home with
# the demo year settled to final; headless Chromium (Debian's chromium and chromium-driver, driven
# by selenium; nothing downloaded at run time) logs in as a finance officer, opens 结算结果,
# downloads the disbursement list and compares its bytes with the file on disk, searches a demo
# enterprise and reads its explanation; a viewer is refused the bank files. Screenshots: docs/.
#   usage: ops/airflow/page_check.sh [year]      (make airflow-page-check)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/.venv/bin"
YEAR="${1:-2025}"
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "需要 $tool：apt-get install chromium chromium-driver"; exit 1; }
done
"$BIN/python" -c "import selenium" 2>/dev/null || "$BIN/pip" install --quiet --disable-pip-version-check "selenium>=4.20"
WORK="$(mktemp -d /tmp/settlement-page-XXXXXX)"
export AIRFLOW_HOME="$WORK/airflow" SETTLEMENT_HOME="$WORK" SETTLEMENT_LANDING="$WORK/landing" SETTLEMENT_OUT="$WORK/out"
export SETTLEMENT_DB_URL="sqlite:///$WORK/ledger.db" SETTLEMENT_WATCH_STATE="$WORK/watch" SETTLEMENT_DATA_DOCS=0
AIRFLOW_HOME_FIXED="$AIRFLOW_HOME"
source "$ROOT/ops/airflow/env.sh"
export AIRFLOW_HOME="$AIRFLOW_HOME_FIXED" SETTLEMENT_LANDING="$WORK/landing" SETTLEMENT_OUT="$WORK/out" SETTLEMENT_WATCH_STATE="$WORK/watch"
API_PORT="$(free_port)"
export AIRFLOW__API__PORT="$API_PORT" AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$(free_port)" AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT="$(free_port)"
export AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT="$(free_port)"
# Airflow's own login: a finance officer (role user: may trigger the finalize DAG) and a viewer
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="officer:user,viewer:viewer"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$WORK/passwords.json"
echo '{"officer": "officer-pass", "viewer": "viewer-pass"}' > "$WORK/passwords.json"
cleanup() { [ -n "${PID:-}" ] && kill -- -"$PID" 2>/dev/null || true; }
trap cleanup EXIT

START=$(date +%s)
settlement demo-data --out "$WORK/landing" --years "2022-$YEAR" --enterprises 150 >/dev/null
settlement run --year "$YEAR" --landing "$WORK/landing" --out "$WORK/out" >/dev/null
settlement publicize --year "$YEAR" --start "$YEAR-09-28" --out "$WORK/out" >/dev/null
settlement finalize --year "$YEAR" --out "$WORK/out" --before-deadline >/dev/null
settlement prospects --year "$YEAR" --out "$WORK/out" >/dev/null
airflow db migrate >/dev/null
setsid airflow standalone >"$WORK/standalone.log" 2>&1 &
PID=$!
echo "airflow standalone in $AIRFLOW_HOME on port $API_PORT (log: $WORK/standalone.log)"
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$API_PORT/api/v2/monitor/health" >/dev/null 2>&1 && break
  sleep 2
done
"$BIN/python" "$ROOT/ops/airflow/page_check.py" "http://127.0.0.1:$API_PORT" "$YEAR" "$WORK" "$ROOT/docs"
echo "OK in $(( $(date +%s) - START )) s: the page answered, the download matched, the search explained"
