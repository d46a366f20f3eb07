"""The ``settlement`` command. Messages are for people: no traceback for bad input.

Exit status: 0 done; 2 the input failed validation (the report's path is printed); 1 any
other error (set ``SETTLEMENT_DEBUG=1`` to see the traceback of an unexpected error).

The commands live by what they do, and register on the one app in this order (``--help``
lists them so): getting and settling a year (``cli_settle.py``), reading the ledger
(``cli_reading.py``), publicity, finalization and corrections (``cli_lifecycle.py``).
"""

from __future__ import annotations

import os
import sys

from .cli_common import app

# the commands register on app as their modules are imported, in the order --help lists them
# isort: off
from . import cli_settle  # noqa: F401, E402
from . import cli_reading  # noqa: F401, E402
from . import cli_lifecycle  # noqa: F401, E402

# isort: on

__all__ = ["app", "main"]


def main() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)


if __name__ == "__main__":
    main()
