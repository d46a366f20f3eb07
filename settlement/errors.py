"""The errors a settlement stage raises for its caller to tell the officer (the CLI prints them
without a traceback and exits with the status below; the DAG fails the task). Each message
names the file, row, column or year and says what to do next."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """The input cannot be settled (exit status 2); the message names file, row or column."""

    def __init__(self, message: str, report: Path | None = None):
        super().__init__(message)
        self.report = report


class RunRefused(Exception):
    """The run may not proceed (exit status 1): the year is final, or another run holds it."""


def year_is_final(year: int) -> RunRefused:
    return RunRefused(
        f"{year}年已定稿（final），不能再次按草稿结算；如需更正，请使用 settlement correct --year {year}。"
    )


def validation_failed(blocking: list[str], report: Path | None) -> InputError:
    return InputError("数据校验未通过，本次不写入台账：\n" + "\n".join(f"  - {m}" for m in blocking), report)
