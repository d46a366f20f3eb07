"""A re-run on unchanged inputs reuses the year's run as it stands: nothing is read, validated,
loaded, computed or written again.

Reused only when all of these hold, so that the money cannot differ from a full run's:

- the landing files have the SHA-256 the run was settled from, and the policy files and the
  code are the same (the same run id);
- the run is the year's current draft (or in publicity), and the year is not final;
- no ledger event since the run was computed (no load that changed rows, of any year, and no
  final or correction run that changes what earlier years paid; see ``ledger.events``);
- the run's files are in the output folder as its manifest lists them (same SHA-256), written
  by this ledger's run (the manifest's SHA-256 recorded with it) with the same settings
  (``settlement.yaml``: the bureau, the accounts paid from, ...).

Anything else, and the run proceeds in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from ..config import SettingsError, load_settings, settings_digest
from ..hashing import sha256_of
from ..ledger import make_engine, migrate, store
from ..ledger.events import last_event
from ..ledger.models import AwardLine, Enterprise
from ..ledger.read import read_table
from ..policies import load_catalog
from ..reports.payments import missing_bank_details
from .allocate import decorate
from .inputs import landing_hashes, run_uid_for


@dataclass
class Reused:
    run_uid: str
    run_id: int
    status: str
    lines: pd.DataFrame
    scale_factors: dict
    totals: dict
    quarantined: dict[str, int]
    warnings: int
    outputs: dict[str, str]
    missing_accounts: pd.DataFrame


def _manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def reusable_run(year: int, landing_root: Path, out_root: Path, db_url: str | None = None) -> Reused | None:
    """The year's run, when a re-run on these inputs would settle exactly it (see above)."""
    if not (Path(landing_root) / str(year)).is_dir():
        return None
    out_dir = Path(out_root) / str(year)
    manifest = _manifest(out_dir)
    if manifest is None:
        return None  # nothing written for the year here yet
    try:
        hashes = landing_hashes(year, landing_root)
    except OSError:
        return None  # the full run names what cannot be read
    run_uid = run_uid_for(year, hashes, load_catalog().sha256)
    if manifest.get("run_id") != run_uid or manifest.get("inputs") != hashes:
        return None
    outputs = manifest.get("outputs", {})
    if any(
        not (out_dir / name).is_file() or sha256_of(out_dir / name) != digest
        for name, digest in outputs.items()
    ):
        return None
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        run = store.run_by_uid(conn, run_uid)
        current = store.current_run(conn, year)
        if run is None or current is None or current.id != run.id or run.status not in ("draft", "publicity"):
            return None
        if store.final_run(conn, year) is not None:
            return None
        if run.ledger_state is None or run.ledger_state != last_event(conn):
            return None
        try:
            settings = settings_digest(load_settings())
        except SettingsError:
            return None  # the full run names what is wrong with the file
        if run.settings_sha256 != settings or run.manifest_sha256 != sha256_of(out_dir / "manifest.json"):
            return None  # other settings, or files this ledger's run did not write
        payees = select(AwardLine.__table__.c.payee_uscc).where(AwardLine.__table__.c.run_id == run.id)
        enterprises = read_table(conn, Enterprise, where=Enterprise.__table__.c.uscc.in_(payees))
        lines = decorate(store.read_lines(conn, run.id), enterprises)
    quarantined = {f: int(manifest.get("quarantined_rows", {}).get(f, 0)) for f in sorted(hashes)}
    return Reused(
        run_uid,
        int(run.id),
        str(run.status),
        lines,
        json.loads(run.scale_factors or "{}"),
        json.loads(run.totals or "{}"),
        quarantined,
        int(manifest.get("warnings", 0)),
        dict(outputs),
        missing_bank_details(lines, enterprises),
    )
