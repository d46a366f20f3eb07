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
