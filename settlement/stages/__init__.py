"""The settlement's stages as steps that can run one by one (each in its own process, as the
Airflow tasks do) or in a row (``settlement run``). Every step is idempotent: running it again
for the same year and inputs gives the same ledger state and the same files.

    load_inputs (read, validate, load: once) → compute_policy (each policy) → allocate_year → publish_year

``settlement run`` computes every policy on one read of the year (``compute_in_process``) and
allocates on the same context; the DAG's mapped tasks hand their lines over in files;
``settlement correct`` runs the same stages on one transaction (``settle_within``).

    inputs.py    read, validate, load          compute.py   the year's context, every clause
    allocate.py  allocate, record the draft    publish.py   the run's files
    locking.py   the year's lock
"""

from ..publish import fixed_time
from .allocate import Computed, allocate_year, decorate, settle_within
from .compute import (
    STAGED,
    compute_in_process,
    compute_policies,
    compute_policy,
    evaluate_policy,
    normalise_lines,
    policy_ids,
    read_year,
    stage_year,
    staged_context,
    staged_frames,
    year_context,
)
from .inputs import (
    data_docs_wanted,
    ingest,
    landing_hashes,
    load_inputs,
    load_validated,
    replacement_note,
    run_uid_for,
    validate,
    validated,
)
from .locking import hold_year, locked
from .publish import Published, publish_run, publish_year

__all__ = [
    "STAGED",
    "Computed",
    "Published",
    "allocate_year",
    "compute_in_process",
    "compute_policies",
    "compute_policy",
    "data_docs_wanted",
    "decorate",
    "evaluate_policy",
    "fixed_time",
    "hold_year",
    "ingest",
    "landing_hashes",
    "load_inputs",
    "load_validated",
    "locked",
    "normalise_lines",
    "policy_ids",
    "publish_run",
    "publish_year",
    "read_year",
    "replacement_note",
    "run_uid_for",
    "settle_within",
    "stage_year",
    "staged_context",
    "staged_frames",
    "validate",
    "validated",
    "year_context",
]
