"""Policies as data: one YAML file per policy, loaded and checked against :mod:`.schema`."""

from .loader import CATALOG_ORDER, Catalog, PolicyLoadError, load_catalog, load_policy_file

__all__ = ["CATALOG_ORDER", "Catalog", "PolicyLoadError", "load_catalog", "load_policy_file"]
