"""Validation: checks of the landing files, quarantine of bad rows, and the report."""

from .rules import Check, ValidationResult, validate_landing

__all__ = ["Check", "ValidationResult", "validate_landing"]
