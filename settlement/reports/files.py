"""Writing output files atomically (temp name in the same folder, then rename) and hashing them.

A writer killed half-way leaves at most a hidden ``.<name>.<random>.tmp`` beside the file,
never a partial file under the real name; the next write of that file removes it. (One
writer per year at a time: see ``settlement.ledger.locks``.)"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a
    part. Returns the SHA-256 of the data."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a writer that was killed
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def write_text_atomic(path: Path, text: str) -> str:
    return write_bytes_atomic(path, text.encode("utf-8"))
