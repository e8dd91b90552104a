"""The project's spaCy components, one per module; importing them registers their factories.

`spacy.load` reaches them through the entry points in pyproject.toml, which import a component's module
and so this package first: here the shared Doc/Span extensions and the msgpack codecs that carry their
values across `nlp.pipe(n_process=...)` are registered, whichever way the pipeline is loaded.
"""

from __future__ import annotations

import importlib
import pkgutil

from extractors.extensions import register_extensions
from extractors.serialization import register_msgpack_models

register_extensions()
register_msgpack_models()


def register_all() -> None:
    """Import every module in this package so each `@Language.factory` is registered with spaCy."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
