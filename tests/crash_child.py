"""Run a ``settlement`` command that dies (SIGKILL) or stalls at a chosen point, for the crash and
database-fault tests (tests/test_crash_safety.py). Nothing here is part of the product.

    python tests/crash_child.py POINT [ACTION] -- settlement arguments...

ACTION is ``kill`` (default: SIGKILL this process at POINT) or ``pause:<dir>`` (at POINT,
create <dir>/paused and wait until <dir>/resume exists, then go on: the test breaks the
database connection meanwhile). Points:

    mid_load          half of the first bulk insert of the load, inside its transaction
    after_load        the clean rows are committed
    after_compute     every policy's lines are computed (in memory, before allocation)
    mid_record        half of the award lines inserted, inside the allocate transaction
    after_record      the run and its lines are committed (status running)
    mid_publicity     half of the publicity list's bytes written to its temporary file
    before_complete   every output file written, the run not yet marked draft
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path


def _stop(action: str) -> None:
    if action == "kill":
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    folder = Path(action.split(":", 1)[1])
    (folder / "paused").touch()
    deadline = time.monotonic() + 120
    while not (folder / "resume").exists():
        if time.monotonic() > deadline:
            raise SystemExit("crash_child: nobody resumed me")
        time.sleep(0.05)


def _after(module, name: str, action: str) -> None:
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        out = original(*args, **kwargs)
        _stop(action)
        return out

    setattr(module, name, wrapper)


def install(point: str, action: str) -> None:
    from settlement import stages
    from settlement.ledger import load as ledger_load
    from settlement.ledger import runs, store
    from settlement.reports import files

    if point in ("mid_load", "mid_record"):
        module = ledger_load if point == "mid_load" else runs  # award lines are recorded by ledger.runs
        original = module.bulk_insert_frame
        fired = []

        def half_then_stop(conn, table, frame, columns):
            wanted = table.name == ("award_lines" if point == "mid_record" else table.name)
            if fired or not wanted or len(frame) < 2:
                return original(conn, table, frame, columns)
            fired.append(True)
            original(
                conn, table, frame.iloc[: len(frame) // 2], columns
            )  # COPY on PostgreSQL, executemany on SQLite
            _stop(action)
            return original(conn, table, frame.iloc[len(frame) // 2 :], columns)

        module.bulk_insert_frame = half_then_stop
    elif point == "after_load":
        _after(stages, "load_inputs", action)
    elif point == "after_compute":
        _after(stages, "compute_in_process", action)
    elif point == "after_record":
        _after(stages, "allocate_year", action)
    elif point == "before_complete":
        original_complete = store.complete_draft

        def stop_then_complete(conn, run_id):
            _stop(action)
            return original_complete(conn, run_id)

        store.complete_draft = stop_then_complete
    elif point == "mid_publicity":
        original_fdopen = files.os.fdopen

        class HalfWriter:
            def __init__(self, fh, name):
                self.fh, self.name = fh, name

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return self.fh.__exit__(*exc)

            def write(self, data):
                if "publicity" in self.name:
                    self.fh.write(data[: len(data) // 2])
                    self.fh.flush()
                    _stop(action)
                return self.fh.write(data)

            def __getattr__(self, item):
                return getattr(self.fh, item)

        def fdopen(fd, mode="r", *args, **kwargs):
            fh = original_fdopen(fd, mode, *args, **kwargs)
            return HalfWriter(fh, os.readlink(f"/proc/self/fd/{fd}"))

        files.os.fdopen = fdopen
    else:
        raise SystemExit(f"crash_child: unknown point {point}")


def main(argv: list[str]) -> int:
    split = argv.index("--")
    point, *rest = argv[:split]
    install(point, rest[0] if rest else "kill")
    from settlement.cli import main as cli_main

    sys.argv = ["settlement", *argv[split + 1 :]]
    return cli_main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
