"""The data contracts: one Great Expectations suite per landing file (``data_contracts/*.json``),
run on the typed frames. Each expectation's ``meta`` carries the quarantine reason, the
message users read and why the check exists; its ``severity`` says what a failure does
(critical: the row is quarantined; warning: reported only).

Great Expectations is imported only when validation runs (the import takes seconds).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .display import display_values

CONTRACTS_DIR = Path(
    os.environ.get("SETTLEMENT_CONTRACTS_DIR", Path(__file__).resolve().parents[2] / "data_contracts")
)
PACKAGED = Path(__file__).parent / "data_contracts"


def contracts_dir() -> Path:
    return CONTRACTS_DIR if CONTRACTS_DIR.is_dir() else PACKAGED


def load_suite_documents() -> dict[str, dict]:
    folder = contracts_dir()
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


@dataclass
class ContractResult:
    problems: pd.DataFrame  # file, row, column, value, reason, message (quarantine)
    warnings: pd.DataFrame
    checks: list[dict]  # one per expectation: file, check, severity, description, failed, checked, why


_GX = {}


def _gx():
    """Import GX and register the custom expectation, once per process."""
    if _GX:
        return _GX
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import logging

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.expectation import ColumnMapExpectation
    from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

    from ..uscc import uscc_valid

    class ColumnValuesValidUscc(ColumnMapMetricProvider):
        condition_metric_name = "column_values.valid_uscc"

        @column_condition_partial(engine=PandasExecutionEngine)
        def _pandas(cls, column, **kwargs):  # noqa: N805 - GX calls it on the class
            values = column.astype(object).where(column.notna(), "").astype(str).to_numpy()
            return pd.Series(uscc_valid(values), index=column.index)

    class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
        """Expect each value to be a unified social credit code (统一社会信用代码) per GB 32100-2015:
        18 characters of 0-9 and A-Y without I, O, S, V, Z; first character 1-9, A, N or Y;
        positions 3-8 digits; the mod-31 check character right. Vectorized with numpy."""

        map_metric = "column_values.valid_uscc"
        success_keys = ("mostly",)

    _GX.update(gx=gx, expectation=ExpectColumnValuesToBeValidUscc)
    return _GX


def _suite_columns(doc: dict) -> set[str]:
    """The frame's columns a suite reads: those its expectations name (a ``_days`` column is
    made from its date), and the row numbers."""
    columns = {"_row"}
    for spec in doc["expectations"]:
        kwargs = spec["kwargs"]
        named = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
        columns.update(c.removesuffix("_days") for c in [*named, *kwargs.get("column_list", [])])
    return columns


def _frame_for_gx(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The typed frame indexed by the file's row numbers, with dates as day counts."""
    out = frame.drop(columns=["_extra"], errors="ignore").set_index("_row", drop=False)
    out.index.name = None
    for col in ("registered_on", "established_on", "park_entry_on"):
        if col in out:
            days = pd.to_datetime(out[col]).astype("datetime64[s]")
            out[f"{col}_days"] = (days - np.datetime64("1970-01-01", "s")).dt.days.astype("Int64")
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype):
            out[col] = _numpy_integers(out[col])
    return out


# Every integer of magnitude below 2**53 is a float64 exactly, and so is each comparison of it
# with an integer bound (a bound beyond 2**53 rounds to a float still beyond every such value).
_EXACT_IN_FLOAT = 2**53


def _numpy_integers(column: pd.Series) -> pd.Series | np.ndarray:
    """A nullable integer column in a numpy type, which GX compares column-wise (a nullable
    column it compares value by value, about 1.5 s of a 1M run): int64 when it has no blanks;
    float64 with NaN for the blanks when every value is exact in it (GX skips NaN as it skips
    NA); otherwise as it is."""
    if not column.hasnans:
        return column.to_numpy(dtype=np.int64)
    known = column.dropna().to_numpy(dtype=np.int64)
    if len(known) and not ((known > -_EXACT_IN_FLOAT).all() and (known < _EXACT_IN_FLOAT).all()):
        return column
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def run_contracts(
    frames: dict[str, pd.DataFrame],
    file_names: dict[str, str],
    year: int,
    policy_ids: list[str],
    docs_dir: Path | None = None,
    today: date | None = None,
) -> ContractResult:
    """Validate every landing frame against its suite, in this process; optionally build the
    Data Docs site. (``settlement run`` validates in a process of its own: background.py.)"""
    return validate_here(suite_frames(frames), file_names, year, policy_ids, docs_dir, today or date.today())


def suite_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames that have a suite, with the columns it reads and no more (what is sent to the
    validating process and hashed by GX)."""
    wanted = {name: _suite_columns(doc) for name, doc in load_suite_documents().items()}
    return {
        name: frame[[c for c in frame.columns if c in wanted[name]]]
        for name, frame in frames.items()
        if name in wanted
    }


def validate_here(
    frames: dict[str, pd.DataFrame],
    file_names: dict[str, str],
    year: int,
    policy_ids: list[str],
    docs_dir: Path | None,
    today: date,
) -> ContractResult:
    """The suites over frames cut to the columns they read (:func:`suite_frames`), in this
    process: :func:`run_contracts`, and what the validating process runs."""
    suites = SuiteRun(year, policy_ids, today)
    for name, frame in frames.items():
        suites.add(name, file_names.get(name, name), frame)
    return suites.result(list(frames), docs_dir)


class SuiteRun:
    """The suites of one validation in one GX context, run one landing frame at a time (the
    validating process runs each frame as soon as the run has read its file: background.py);
    :meth:`result` gives them together, in the landing's order."""

    def __init__(self, year: int, policy_ids: list[str], today: date):
        self.gx = _gx()["gx"]
        self.year = year
        self.params = {
            "settlement_year": year,
            "policy_ids": sorted(policy_ids),
            "today_days": (today - date(1970, 1, 1)).days,
        }
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False),
            analytics_enabled=False,
        )
        self.ctx = self.gx.get_context(project_config=config, mode="ephemeral")
        self.source = self.ctx.data_sources.add_pandas("landing")
        self.docs = load_suite_documents()
        self.done: dict[str, tuple[list, list, list]] = {}  # name -> problems, warnings, checks

    def add(self, name: str, file_name: str, frame: pd.DataFrame) -> None:
        """Run the frame's suite (none: nothing to run)."""
        gx, doc = self.gx, self.docs.get(name)
        if doc is None:
            return
        specs = {f"{name}:{i}": spec for i, spec in enumerate(doc["expectations"])}
        suite = gx.ExpectationSuite(
            name=doc["name"],
            expectations=[_expectation(gx, s, key) for key, s in specs.items()],
            meta=doc.get("meta", {}),
        )
        suite = self.ctx.suites.add(suite)
        batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("landing")
        definition = self.ctx.validation_definitions.add(
            gx.ValidationDefinition(name=f"{name}_{self.year}", data=batch, suite=suite)
        )
        checkpoint = self.ctx.checkpoints.add(
            gx.Checkpoint(
                name=f"{name}_{self.year}",
                validation_definitions=[definition],
                result_format={"result_format": "COMPLETE", "include_unexpected_rows": False},
            )
        )
        result = checkpoint.run(
            batch_parameters={"dataframe": _frame_for_gx(name, frame)}, expectation_parameters=self.params
        )
        validation = next(iter(result.run_results.values()))
        self.done[name] = _outcomes(validation.results, specs, name, file_name, frame)

    def result(self, names: list[str], docs_dir: Path | None) -> ContractResult:
        """The results of the frames ``names``, in that order; the Data Docs site is built once,
        over every suite's result (a build per checkpoint redraws them all)."""
        if docs_dir is not None:
            self.ctx.add_data_docs_site(
                site_name="settlement",
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(Path(docs_dir).resolve()),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            self.ctx.build_data_docs(site_names=["settlement"])
        done = [self.done[name] for name in names if name in self.done]
        problems = [p for d in done for p in d[0]]
        warnings = [w for d in done for w in d[1]]
        cols = ["file", "row", "column", "value", "reason", "message"]
        return ContractResult(
            pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=cols),
            pd.concat(warnings, ignore_index=True) if warnings else pd.DataFrame(columns=cols),
            [c for d in done for c in d[2]],
        )


def _outcomes(
    results, specs: dict, name: str, file_name: str, frame: pd.DataFrame
) -> tuple[list, list, list]:
    """One suite's expectation results as quarantine records, warnings and one check each."""
    problems, warnings, checks = [], [], []
    for r in results:
        spec = specs[r.expectation_config.meta["check"]]
        meta = spec.get("meta", {})
        kwargs = spec["kwargs"]
        column = kwargs.get("column") or kwargs.get("column_B") or kwargs.get("column_list", [""])[0]
        column = column.removesuffix("_days")
        rows = [int(i) for i in r.result.get("unexpected_index_list") or []]
        severity = "error" if spec.get("severity", "critical") == "critical" else "warning"
        checks.append(
            {
                "file": file_name,
                "check": spec["type"],
                "column": column,
                "severity": severity,
                "description": meta.get("message", ""),
                "why": meta.get("why", ""),
                "failed": int(r.result.get("unexpected_count") or len(rows)),
                "checked": int(r.result.get("element_count") or len(frame)),
                "reason": meta.get("reason", ""),
                "label": meta.get("name", ""),
                "requirement": meta.get("requirement", ""),
            }
        )
        if rows:
            values = (
                frame.set_index("_row").reindex(rows)[column]
                if column in frame
                else pd.Series([""] * len(rows))
            )
            part = pd.DataFrame(
                {
                    "file": file_name,
                    "row": rows,
                    "column": column,
                    "value": display_values(name, column, values),
                    "reason": meta.get("reason", spec["type"]),
                    "message": meta.get("message", spec["type"]),
                }
            )
            (problems if severity == "error" else warnings).append(part)
    return problems, warnings, checks


def _expectation(gx, spec: dict, key: str):
    """An expectation object from its JSON form (core types by name, ours from this module);
    ``meta.check`` ties each result back to its line of the suite."""
    import great_expectations.expectations as gxe

    type_ = spec["type"]
    cls_name = "".join(part.capitalize() for part in type_.split("_"))
    cls = _GX["expectation"] if type_ == "expect_column_values_to_be_valid_uscc" else getattr(gxe, cls_name)
    return cls(
        **spec["kwargs"],
        meta={**spec.get("meta", {}), "check": key},
        severity=spec.get("severity", "critical"),
    )
