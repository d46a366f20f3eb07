"""Great Expectations in a process of its own, for ``settlement run``.

Importing Great Expectations takes about 3 s: more than a 100k run's whole ingest. ``settlement
run`` starts this process before anything else; it imports GX while the run imports its own
libraries and reads the landing files. Told what the run validates (:func:`begin`), it runs each
file's suite as soon as the run has read the file (:func:`offer`), while the run reads the next
one; asked for the result (:func:`start_contracts`), it validates whatever it was not offered,
answers and ends. The code is the same as in process
(:class:`settlement.validation.contracts.SuiteRun`), and so is the result.

Should the process be gone when the frames are ready (killed, out of memory), the run validates
in its own process instead: later, with the same result. Every other caller (tests, the Airflow
tasks, ``settlement correct``) validates in its own process. Only the standard library is
imported when the process is started, so that starting it costs the run nothing.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections.abc import Callable
from datetime import date
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .contracts import ContractResult

_STARTED: dict = {}  # process, conn, outbox; once begun: params, offered


def start() -> None:
    """Start the validating process (once per run); it waits for one validation's frames."""
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
    _STARTED.update(process=process, conn=ours, outbox=_Outbox(ours))


def stop() -> None:
    """End a started process that was not needed (the run was reused or refused, or validates
    in process after all)."""
    if _STARTED:
        process, conn, outbox = _STARTED["process"], _STARTED["conn"], _STARTED["outbox"]
        _STARTED.clear()
        process.terminate()  # first: a message being written fails, and the writer ends
        outbox.close()
        _end(process, conn)


class _Outbox:
    """Messages to the validating process: pickled here, written to its pipe by a thread of their
    own. Writing a file's frame waits for that process to read it, which it does between suites;
    the run goes on reading the next file meanwhile."""

    def __init__(self, conn):
        self.conn = conn
        self.pending: queue.Queue = queue.Queue()
        self.failed = False
        self.writer = threading.Thread(target=self._write, name="settlement-validation-outbox", daemon=True)
        self.writer.start()

    def put(self, message: tuple) -> None:
        self.pending.put(ForkingPickler.dumps(message))

    def close(self) -> bool:
        """Wait until every message is written; False if the process could not take them all."""
        self.pending.put(None)
        self.writer.join()
        return not self.failed

    def _write(self) -> None:
        while (data := self.pending.get()) is not None:
            if not self.failed:
                try:
                    self.conn.send_bytes(data)
                except OSError:  # the process is gone: the run validates in its own
                    self.failed = True
            del data  # a file's frame, pickled: not kept while waiting for the next message


def begin(year: int, policy_ids: list[str], today: date | None = None) -> None:
    """Tell the started process what this run validates, so that it runs each file's suite as
    soon as the file is read (:func:`offer`), while this process reads the next ones."""
    if not _STARTED or "params" in _STARTED:
        return
    params = (year, sorted(policy_ids), today or date.today())
    _post(("begin", *params))
    _STARTED.update(params=params, offered={})


def offer(name: str, file_name: str, frame) -> None:
    """A landing file's frame, read: sent to the started process to validate now, if it was told
    what to validate (:func:`begin`); otherwise nothing happens here. The frame is not changed
    afterwards (no caller changes a landing frame; one replaced by another is noticed)."""
    if "params" not in _STARTED:
        return
    from .contracts import suite_frames

    cut = suite_frames({name: frame})
    if name in cut:
        _post(("frame", name, file_name, cut[name]))
        _STARTED["offered"][name] = (file_name, frame)


def start_contracts(
    frames: dict, file_names: dict[str, str], year: int, policy_ids: list[str], docs_dir=None, today=None
) -> Callable[[], ContractResult]:
    """:func:`~settlement.validation.contracts.run_contracts`, finished in the started process (if
    the run started one) so that the caller can go on meanwhile; the function returned gives the
    result (computed in this process if there is no such process, or it is gone)."""
    from .contracts import suite_frames, validate_here

    begun = _STARTED.get("params")
    today = today or (begun[2] if begun else date.today())
    args = (suite_frames(frames), file_names, year, policy_ids, docs_dir, today)
    sent = _send(frames, args)

    def result() -> ContractResult:
        there = _receive(*sent) if sent is not None else None
        return there if there is not None else validate_here(*args)

    return result


def _send(frames: dict, args: tuple):
    """The started process and our end of its pipe, once it has every frame to validate (those
    offered as they were read are not sent again) and was asked for the result; None when no
    process was started, it was begun for another validation or offered another frame, or it
    died before reading."""
    cut, file_names, year, policy_ids, docs_dir, today = args
    begin(year, policy_ids, today)  # unless the run has begun already
    if not _STARTED or _STARTED["params"] != (year, sorted(policy_ids), today):
        stop()
        return None
    offered = _STARTED["offered"]
    if any(
        was[1] is not frames.get(name) or was[0] != file_names.get(name, name)
        for name, was in offered.items()
    ):
        stop()  # a frame changed since it was offered (no caller does that): validated here, afresh
        return None
    for name, frame in cut.items():
        if name not in offered:
            _post(("frame", name, file_names.get(name, name), frame))
    _post(("end", list(cut), docs_dir))
    if not _STARTED["outbox"].close():  # every message written, or the process is gone
        stop()
        return None
    process, conn = _STARTED["process"], _STARTED["conn"]
    _STARTED.clear()
    return process, conn


def _post(message: tuple) -> None:
    """A message for the started process, written to it while the caller goes on."""
    _STARTED["outbox"].put(message)


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
    """The validating process: GX imported, then the messages of one validation in turn (begin,
    each frame as the run reads it, end), each frame validated as it comes; a thread reads the
    pipe meanwhile, so that the run is never held up sending a file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to answer; it ends us
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_read_messages, args=(conn, inbox), daemon=True).start()
    try:
        from .contracts import SuiteRun, _gx

        _gx()
        failed = None
    except Exception as exc:  # told to the run when it asks for the result, as in process
        failed = exc
    suites = None
    while (message := inbox.get()) is not None:  # None: the run ended without validating
        kind, *args = message
        if kind != "end":
            try:
                if failed is None and kind == "begin":
                    suites = SuiteRun(*args)
                elif failed is None:
                    suites.add(*args)
            except Exception as exc:  # raised again in the run when it asks for the result
                failed = exc
            continue
        try:
            if failed is not None:
                raise failed
            outcome = ("result", suites.result(*args))
        except Exception as exc:  # raised again in the run, as in process
            outcome = ("error", exc)
        try:
            conn.send(outcome)
        except Exception:  # an error that cannot be sent: the run validates in process and meets it
            conn.send(("gone", None))
        return


def _read_messages(conn, inbox: queue.Queue) -> None:
    while True:
        try:
            inbox.put(conn.recv())
        except (EOFError, OSError):
            inbox.put(None)
            return
