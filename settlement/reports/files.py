"""Writing output files atomically (temp name in the same folder, then rename) and hashing them."""

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
