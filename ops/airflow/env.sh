# Environment shared by the Airflow targets (source it): where Airflow keeps its state and where
# the settlement reads and writes. Override any variable before sourcing.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/airflow_home}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export SETTLEMENT_HOME="${SETTLEMENT_HOME:-$ROOT}"
export SETTLEMENT_LANDING="${SETTLEMENT_LANDING:-$ROOT/landing}"
export SETTLEMENT_OUT="${SETTLEMENT_OUT:-$ROOT/out}"
export SETTLEMENT_WATCH_STATE="${SETTLEMENT_WATCH_STATE:-$ROOT/var/watch}"
export GX_ANALYTICS_ENABLED=false
export PATH="$ROOT/.venv/bin:$PATH"
# PostgreSQL for Airflow's own metadata (make airflow-pg, the Celery check)
PG_AIRFLOW_DB="${PG_AIRFLOW_DB:-settlement_airflow}"
PG_AIRFLOW_URL="${PG_AIRFLOW_URL:-postgresql+psycopg://127.0.0.1:5432/$PG_AIRFLOW_DB}"
PG_AIRFLOW_ASYNC_URL="${PG_AIRFLOW_ASYNC_URL:-postgresql+psycopg_async://127.0.0.1:5432/$PG_AIRFLOW_DB}"  # Airflow also opens an async engine
ensure_pg_database() {
  python3 - "$PG_AIRFLOW_DB" <<'PY'
import sys
import psycopg
name = sys.argv[1]
with psycopg.connect("host=127.0.0.1 port=5432 dbname=test", autocommit=True) as conn:
    if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
        conn.execute(f'create database "{name}"')
PY
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# wait_for_dag DAG_ID: until the dag-processor has parsed the DAG (4 minutes at most)
wait_for_dag() {
  for _ in $(seq 1 120); do
    if airflow dags list -o plain 2>/dev/null | grep -q "$1"; then return 0; fi
    sleep 2
  done
  echo "FAILED: $1 was not parsed in time"; return 1
}

# wait_for_run DAG_ID RUN_ID_PREFIX FILE...: until the newest run whose id starts with the prefix
# succeeds and the files exist (10 minutes at most); fails when the run fails
wait_for_run() {
  local dag="$1" prefix="$2"; shift 2
  local state=""
  for _ in $(seq 1 150); do
    state="$(airflow dags list-runs "$dag" -o plain 2>/dev/null | awk -v p="^$prefix" '$2 ~ p {print $3; exit}' || true)"
    if [ "$state" = "success" ]; then
      for f in "$@"; do test -f "$f" || { echo "FAILED: $f is missing"; return 1; }; done
      return 0
    fi
    if [ "$state" = "failed" ]; then echo "FAILED: the run failed (see $AIRFLOW_HOME/logs)"; return 1; fi
    sleep 4
  done
  echo "FAILED: no successful run within the time limit (state: ${state:-none})"; return 1
}
