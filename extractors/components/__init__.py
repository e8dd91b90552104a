"""The project's spaCy components, one per module; importing them registers their factories."""

from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    """Import every module in this package so each `@Language.factory` is registered with spaCy."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
