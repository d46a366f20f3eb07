"""Great Expectations in a process of its own, for ``settlement run``.

Importing Great Expectations takes about 3 s: more than a 100k run's whole ingest. ``settlement
run`` starts this process before anything else; it imports GX while the run imports its own
libraries and reads the landing files, then validates the one set of frames it is sent with
the same code as in process (:func:`settlement.validation.contracts.validate_here`) and ends.

Should the process be gone when the frames are ready (killed, out of memory), the run validates
in its own process instead: later, with the same result. Every other caller (tests, the Airflow
tasks, ``settlement correct``) validates in its own process. Only the standard library is
imported when the process is started, so that starting it costs the run nothing.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .contracts import ContractResult

_STARTED: dict = {}


def start() -> None:
    """Start the validating process (once per run); it waits for one set of frames."""
    if _STARTED:
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state of ours copied
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs,), name="settlement-validation", daemon=True)
    try:
        process.start()
    except OSError:  # no process to be had (limits): the run validates in its own, as slow as before
        ours.close()
        return
    finally:
        theirs.close()
    _STARTED.update(process=process, conn=ours)


def stop() -> None:
    """End a started process that was not needed (the run was reused or refused): it is still
    importing or waiting for frames, and holds nothing."""
    if _STARTED:
        _end(_STARTED.pop("process"), _STARTED.pop("conn"))


def start_contracts(
    frames: dict, file_names: dict[str, str], year: int, policy_ids: list[str], docs_dir=None, today=None
) -> Callable[[], ContractResult]:
    """:func:`~settlement.validation.contracts.run_contracts`, begun in the started process (if
    the run started one) so that the caller can go on meanwhile; the function returned gives the
    result (computed in this process if there is no such process, or it is gone)."""
    from .contracts import suite_frames, validate_here

    args = (suite_frames(frames), file_names, year, policy_ids, docs_dir, today or date.today())
    sent = _send(args)

    def result() -> ContractResult:
        there = _receive(*sent) if sent is not None else None
        return there if there is not None else validate_here(*args)

    return result


def _send(args: tuple):
    """The started process and our end of its pipe, once ``args`` are sent to it; None when no
    process was started or it died before reading."""
    if not _STARTED:
        return None
    process, conn = _STARTED.pop("process"), _STARTED.pop("conn")
    try:
        conn.send(args)
    except OSError:
        _end(process, conn)
        return None
    return process, conn


def _receive(process, conn):
    """The process's result; None when it died before answering."""
    try:
        kind, value = conn.recv()
    except (EOFError, OSError):
        _end(process, conn)
        return None
    conn.close()  # having answered, the process ends by itself (and frees what it holds)
    if kind == "error":
        raise value
    return value


def _end(process, conn) -> None:
    conn.close()
    process.terminate()
    process.join()


def _serve(conn) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to answer; it ends us
    try:
        from .contracts import _gx, validate_here

        _gx()
        failed = None
    except Exception as exc:  # told to the run when it sends its frames, as in process
        failed = exc
    try:
        args = conn.recv()
    except EOFError:  # the run ended without validating
        return
    try:
        if failed is not None:
            raise failed
        outcome = ("result", validate_here(*args))
    except Exception as exc:  # raised again in the run, as in process
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    except Exception:  # an error that cannot be sent: the run validates in process and meets it
        conn.send(("gone", None))
