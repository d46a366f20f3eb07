"""Validation: checks of the landing files, quarantine of bad rows, and the report.

The names below are imported when first used, so that ``settlement run`` can start
:mod:`.background` before pandas and the rest are imported."""

__all__ = ["Check", "ValidationResult", "validate_landing"]


def __getattr__(name: str):
    if name in __all__:
        from . import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
