"""Event-driven start for Airflow: a trigger that watches the landing folder for ready flags
(``landing/<year>/_READY``) and fires once per flag and set of files, with the year and the
files' SHA-256 in its payload. It never deletes or changes anything in the landing folder:
what it has fired for is remembered in its own state folder.

The scan is plain Python (:func:`scan_ready`), tested without Airflow.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from .hashing import sha256_of

READY_FLAG = "_READY"


def ready_payload(folder: Path) -> dict:
    """Year, the ready flag's content and every landing file's SHA-256 (the flag excluded)."""
    year = int(folder.name)
    files = {
        p.name: sha256_of(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != READY_FLAG and not p.name.startswith(".")
    }
    flag = folder / READY_FLAG
    fingerprint = hashlib.sha256(
        json.dumps({"year": year, "files": files, "flag": sha256_of(flag)}, sort_keys=True).encode()
    ).hexdigest()
    return {"year": year, "files": files, "ready_flag": str(flag), "fingerprint": fingerprint}


def mark_fired(payload: dict, state_dir: str | Path) -> bool:
    """Remember that ``payload`` has started a settlement; False when it already had (a pull
    run by Airflow marks its own folder, so the watcher does not start the year a second time)."""
    state_dir = Path(state_dir)
    marker = state_dir / f"{payload['year']}-{payload['fingerprint'][:32]}.fired"
    if marker.exists():
        return False
    state_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
    return True


def scan_ready(landing_dir: str | Path, state_dir: str | Path, limit: int | None = None) -> list[dict]:
    """Payloads of ready years not fired for yet (oldest year first, at most ``limit``); each
    returned payload is recorded as fired."""
    landing_dir, state_dir = Path(landing_dir), Path(state_dir)
    events = []
    if not landing_dir.is_dir():
        return events
    for flag in sorted(landing_dir.glob(f"*/{READY_FLAG}")):
        if not flag.parent.name.isdigit():
            continue
        payload = ready_payload(flag.parent)
        if not mark_fired(payload, state_dir):
            continue
        events.append(payload)
        if limit is not None and len(events) >= limit:
            break
    return events


try:  # the trigger class exists only where Airflow is installed
    from airflow.triggers.base import BaseEventTrigger, TriggerEvent
except ImportError:  # pragma: no cover - settlement works without Airflow
    BaseEventTrigger = object  # type: ignore[assignment,misc]
    TriggerEvent = None  # type: ignore[assignment]


class LandingReadyTrigger(BaseEventTrigger):  # type: ignore[misc,valid-type]
    """Fires when ``<landing_dir>/<year>/_READY`` appears (or the year's files change under it)."""

    def __init__(self, landing_dir: str, state_dir: str, poll_interval: float = 30.0):
        super().__init__()
        self.landing_dir = landing_dir
        self.state_dir = state_dir
        self.poll_interval = poll_interval

    def serialize(self):
        return (
            "settlement.triggers.LandingReadyTrigger",
            {
                "landing_dir": self.landing_dir,
                "state_dir": self.state_dir,
                "poll_interval": self.poll_interval,
            },
        )

    async def run(self):
        while True:
            events = await asyncio.to_thread(scan_ready, self.landing_dir, self.state_dir, 1)
            if events:
                yield TriggerEvent(events[0])
                return
            await asyncio.sleep(self.poll_interval)
