"""settlement: yearly settlement of e-commerce subsidy policies.

The package is organised by stage: ``ingest`` (landing files to typed frames), ``validation``
(checks and quarantine), ``ledger`` (database), ``policies`` (rules as data), ``engine``
(vectorized clause evaluation), ``allocation`` (caps, no double benefit, scale-down, funding
split), ``reports`` (CSV, JSON and Excel outputs), ``pipeline`` (the stages in order) and
``cli`` (the ``settlement`` command).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("settlement")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
