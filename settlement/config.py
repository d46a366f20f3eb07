"""Settings a bureau adjusts without touching code: who publishes the lists, where objections
go. Read from the YAML file named by ``SETTLEMENT_SETTINGS``, else ``./settlement.yaml``, else
the defaults below."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Settings:
    bureau: str = "商务局"
    objection_contact: str = "如对公示内容有异议，请在公示期内以书面形式向商务局反映（请注明企业名称、统一社会信用代码和异议事项）。"
    publicity_working_days: int = 5


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    candidate = path or os.environ.get("SETTLEMENT_SETTINGS") or ("settlement.yaml" if Path("settlement.yaml").exists() else None)
    if not candidate:
        return Settings()
    data = yaml.safe_load(Path(candidate).read_text(encoding="utf-8")) or {}
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in data.items() if k in known})
