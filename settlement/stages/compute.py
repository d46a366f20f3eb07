"""Computing the year: every clause of every policy, on the year's context (read from the
ledger once, or from the copy staged for the DAG's tasks)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.context import YearContext
from ..engine.evaluate import LINE_COLUMNS, empty_lines, evaluate_year
from ..engine.facts import FactError
from ..errors import InputError
from ..ledger import make_engine, store
from ..policies import Catalog, load_catalog

AMOUNT_COLUMNS = ["standard_amount", "capped_amount"]


def year_context(conn, year: int, catalog: Catalog, held: dict | None = None) -> YearContext:
    """The engine's context of the year from the ledger's frames (``held``: tables as the run's
    load left them, not read again; see settlement.ledger.held)."""
    return YearContext(year=year, catalog=catalog, **store.read_frames(conn, year, held))


def policy_ids() -> list[str]:
    return [p.id for p in load_catalog().policies]


def compute_policy(year: int, policy_id: str, work_dir: Path, db_url: str | None = None) -> str:
    """Every clause of one policy for the year, from the ledger; the lines go to a JSON file."""
    return compute_policies(year, [policy_id], work_dir, db_url)[0]


def read_year(year: int, db_url: str | None = None, staged: Path | None = None, held: dict | None = None):
    """The year's context: from the copy staged for the DAG's tasks when there is one
    (:func:`stage_year`), else read from the ledger (but for the ``held`` tables)."""
    ctx = staged_context(year, staged)
    if ctx is not None:
        return ctx
    engine = make_engine(db_url)
    with engine.connect() as conn:
        return year_context(conn, year, load_catalog(), held)


STAGED = "context"  # the staged year inside a DAG run's work folder
STAGED_TYPES = "dtypes.json"


def stage_year(year: int, work_dir: Path, db_url: str | None = None) -> str:
    """Read the year's data from the ledger once and stage it in the DAG run's work folder (one
    Parquet file per frame and the frames' column types), so that the mapped compute tasks and
    the allocate task work on one snapshot without each reading the ledger again."""
    import shutil

    engine = make_engine(db_url)
    with engine.connect() as conn:
        frames = store.read_frames(conn, year)
    folder = Path(work_dir) / STAGED
    tmp = Path(work_dir) / f".{STAGED}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    types = {}
    for name, frame in frames.items():
        frame.reset_index(drop=True).to_parquet(tmp / f"{name}.parquet", index=False)
        types[name] = {str(col): str(dtype) for col, dtype in frame.dtypes.items()}
    (tmp / STAGED_TYPES).write_text(
        json.dumps(types, sort_keys=True), encoding="utf-8"
    )  # last: marks the copy whole
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return str(folder)


def staged_context(year: int, staged: Path | str | None):
    """The year's context built from a whole staged copy, or None when there is none."""
    if staged is None or not (Path(staged) / STAGED_TYPES).is_file():
        return None
    return YearContext(year=year, catalog=load_catalog(), **staged_frames(Path(staged)))


def staged_frames(folder: Path) -> dict[str, pd.DataFrame]:
    """The staged frames with the column types they had in the ledger read (Parquet keeps
    values; dates come back in milliseconds and text as strings, so the types are restored)."""
    types = json.loads((folder / STAGED_TYPES).read_text(encoding="utf-8"))
    return {
        name: pd.read_parquet(folder / f"{name}.parquet").astype(columns) for name, columns in types.items()
    }


def evaluate_policy(ctx, policy_id: str | None, report: Path | None = None) -> pd.DataFrame:
    """Every clause of one policy (None: of all) for the year; a fact the data cannot give stops
    the run (``report``: the validation report the message points to)."""
    try:
        return evaluate_year(ctx, None if policy_id is None else [ctx.catalog.policy(policy_id)])
    except FactError as exc:
        raise InputError(str(exc), report) from None


def compute_in_process(year: int, ids: list[str], db_url: str | None = None, held: dict | None = None):
    """Every policy from one read of the ledger, the lines kept in memory: ``settlement run``,
    which then allocates on the same context (:func:`allocate_year` with ``computed``).
    ``held``: the tables the run's load left as it had them (:func:`load_inputs` with ``hold``)."""
    ctx = read_year(year, db_url, held=held)
    del held  # the context has what it needs of them
    lines = normalise_lines([evaluate_policy(ctx, policy_id) for policy_id in ids])
    return lines, ctx


def compute_policies(year: int, ids: list[str], work_dir: Path, db_url: str | None = None) -> list[str]:
    """Several policies from one read of the ledger; one JSON file of lines per policy (the
    DAG's mapped tasks, which hand their lines to the allocate task through files)."""
    ctx = read_year(year, db_url, Path(work_dir) / STAGED)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for policy_id in ids:
        lines = evaluate_policy(ctx, policy_id)
        path = work_dir / f"lines-{policy_id}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(lines.to_json(orient="records", force_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        paths.append(str(path))
    return paths


def read_lines(paths: list[str]) -> pd.DataFrame:
    return normalise_lines(
        [pd.read_json(Path(path), orient="records", dtype=False) for path in sorted(paths)]
    )


def normalise_lines(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The policies' lines as one frame with the engine's columns and types, whether they came
    through files (the DAG) or in memory (``settlement run``)."""
    parts = [frame.reindex(columns=LINE_COLUMNS) for frame in frames if len(frame)]
    if not parts:
        return empty_lines()
    lines = pd.concat(parts, ignore_index=True)
    for col in AMOUNT_COLUMNS:
        lines[col] = lines[col].astype(np.int64)
    for col in (
        "payee_uscc",
        "subject_uscc",
        "park_id",
        "policy_id",
        "clause_id",
        "matter",
        "status",
        "application_ids",
        "explanation",
        "trace",
    ):
        lines[col] = lines[col].fillna("").astype(str)
    return lines
