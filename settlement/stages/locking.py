"""The year's lock around the stages that write (see ``ledger.locks``)."""

from __future__ import annotations

import functools
import inspect
from contextlib import contextmanager

from ..ledger import make_engine
from ..ledger.locks import year_lock

_HELD: set[int] = set()


@contextmanager
def hold_year(year: int, db_url: str | None = None):
    """Hold the year's lock (see ledger.locks) for the block; re-entrant within this process, so
    ``settlement run`` can hold it around stages that take it themselves."""
    if year in _HELD:
        yield
        return
    with year_lock(make_engine(db_url), year):
        _HELD.add(year)
        try:
            yield
        finally:
            _HELD.discard(year)


def locked(fn):
    """A stage that writes holds the year's lock while it runs."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        with hold_year(bound.arguments["year"], bound.arguments.get("db_url")):
            return fn(*args, **kwargs)

    return wrapper
