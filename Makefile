# The two commands a newcomer needs: `make demo` and `make test`. Both create or update the
# virtualenv in .venv first (re-installed when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2025
export GX_ANALYTICS_ENABLED := false
export AIRFLOW__CORE__LOAD_EXAMPLES := False

.PHONY: install demo test lint bench preview airflow airflow-pg airflow-ready-check airflow-celery-check airflow-page-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (set PYTHON=python3.11)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## demo: demo landing data for 2022-2025, then the 2025 settlement, its summary, and who could apply but has not
demo: install
	$(BIN)/settlement demo-data --out landing --years 2022-$(YEAR)
	$(BIN)/settlement run --year $(YEAR) --landing landing --out out
	$(BIN)/settlement prospects --year $(YEAR) --out out

## test: ruff (lint, line length, formatting), then the whole test suite (PostgreSQL tests are skipped, with the reason, when no server answers)
test: install lint
	$(BIN)/pytest -q

## bench: every stage at 10k, 100k and 1M enterprise-years against the per-row reference, then
## validation and Excel alone; the table is printed and written to out/bench/scale.{json,md}. SIZES=10000 for a quick look
SIZES ?= 10000,100000,1000000
bench: install
	$(BIN)/python tests/bench/bench_scale.py --sizes $(SIZES)
	$(BIN)/python tests/bench/bench_validation.py
	$(BIN)/python tests/bench/bench_excel.py

## preview: the demo year settled to final in out/preview/, its workbooks printed to PDF and PNG pages
preview: install
	test -d landing/$(YEAR) || $(BIN)/settlement demo-data --out landing --years 2022-$(YEAR)
	rm -rf out/preview var/preview.db
	$(BIN)/settlement run --year $(YEAR) --landing landing --out out/preview --db sqlite:///var/preview.db
	$(BIN)/settlement publicize --year $(YEAR) --start $(YEAR)-09-28 --out out/preview --db sqlite:///var/preview.db
	$(BIN)/settlement finalize --year $(YEAR) --out out/preview --db sqlite:///var/preview.db --before-deadline
	$(BIN)/python -m settlement.reports.preview out/preview/$(YEAR)

## airflow: Airflow standalone (SQLite metadata) with this project's dags/; UI on http://localhost:8080
airflow: install
	bash -c 'source ops/airflow/env.sh && airflow db migrate && airflow standalone'

## airflow-pg: the same with Airflow's metadata on PostgreSQL and the LocalExecutor
airflow-pg: install
	bash -c 'source ops/airflow/env.sh && ensure_pg_database && export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=$$PG_AIRFLOW_URL AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=$$PG_AIRFLOW_ASYNC_URL AIRFLOW__CORE__EXECUTOR=LocalExecutor && airflow db migrate && airflow standalone'

## airflow-ready-check: touching landing/<year>/_READY with the scheduler and triggerer running gives a successful run
airflow-ready-check: install
	ops/airflow/ready_flag_check.sh $(YEAR)

## airflow-celery-check: one run through CeleryExecutor, the Redis broker and a Celery worker
airflow-celery-check: install
	ops/airflow/celery_check.sh $(YEAR)

## airflow-page-check: headless Chromium logs in to Airflow, opens 结算结果, downloads the disbursement list, searches an enterprise
airflow-page-check: install
	ops/airflow/page_check.sh $(YEAR)

## lint: ruff's rules with the configured line length (E501 included) and its formatting, checked (make test runs it first)
lint: install
	$(BIN)/ruff check settlement tests dags ops
	$(BIN)/ruff format --check settlement tests dags ops

clean:
	rm -rf landing out var .pytest_cache
