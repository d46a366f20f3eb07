"""What every list says about the run it comes from: run id, status, publicity window,
finalization date, code version and the inputs' SHA-256 (so a printed page can be traced to
the ledger and the files)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUS_WORDS = {"draft": "草稿（未公示）", "publicity": "公示中", "final": "已定稿", "correction": "更正"}


@dataclass(frozen=True)
class RunInfo:
    year: int
    run_uid: str
    status: str  # draft | publicity | final | correction
    code_version: str = ""
    publicity: tuple[str, str] | None = None  # start, deadline (ISO dates)
    finalized_on: str | None = None  # ISO date
    correction: int | None = None  # the k-th correction of a final year
    correction_reason: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # landing file -> SHA-256
    # what the officer decided about the run (a replaced publicity, an early finalization), shown on the lists
    notes: tuple[str, ...] = ()

    @property
    def window_words(self) -> str:
        return f"{self.publicity[0]}至{self.publicity[1]}" if self.publicity else "尚未公示"

    @property
    def status_words(self) -> str:
        words = STATUS_WORDS.get(self.status, self.status)
        return f"{words}（第{self.correction}次更正）" if self.correction else words

    @property
    def suffix(self) -> str:
        """File name suffix of a correction's lists: ``_correction1``."""
        return f"_correction{self.correction}" if self.correction else ""
