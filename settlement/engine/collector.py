"""Python's cyclic garbage collector held off while a year is computed.

The year's computation makes millions of short-lived texts and arrays and no reference cycles
worth collecting; reference counting frees them as usual. Left on, the cyclic collector would
walk every object the ledger's frames hold (millions of USCC and name strings) over and over:
at province scale about a tenth of the engine's time. It is switched back on afterwards
(whatever it was before), so anything cyclic is collected at the next ordinary collection.
"""

from __future__ import annotations

import gc
from contextlib import ContextDecorator


class paused_collection(ContextDecorator):  # noqa: N801 - used as a decorator, like contextlib's
    """``with paused_collection(): ...`` or ``@paused_collection()`` on a function."""

    def _recreate_cm(self) -> paused_collection:  # a fresh one for each call of a decorated function
        return paused_collection()

    def __enter__(self) -> paused_collection:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc) -> bool:
        if self._was_enabled:
            gc.enable()
        return False
