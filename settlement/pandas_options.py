"""pandas as this project uses it, set once by the modules through which data enters (ingest,
ledger): text columns stored as Python strings, whichever storage pandas would pick by itself.

pyarrow is installed for Arrow's compute kernels (amounts in ingest); with it present pandas 3
would store every text column in Arrow. The engine and the reports were written and measured
with Python-backed strings, and the same inputs must give the same files whatever else is
installed, so the storage is fixed here (a whole 300k run is also faster this way: 28 s against
30 s)."""

import pandas as pd

pd.set_option("mode.string_storage", "python")
