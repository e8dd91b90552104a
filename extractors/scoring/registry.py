"""Scoring datasets register themselves here; one module per dataset in `extractors/scoring/datasets/`.

@register_dataset("ebm_nlp_participants", description="...")
def score(nlp: Language, data_dir: Path, limit: int | None) -> DatasetScore: ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from extractors.scoring.metrics import DatasetScore
from litwatch.errors import InputError

Scorer = Callable[[Language, Path, int | None], DatasetScore]


@dataclass(frozen=True)
class ScoringDataset:
    name: str
    description: str
    scorer: Scorer


_DATASETS: dict[str, ScoringDataset] = {}


def register_dataset(name: str, *, description: str) -> Callable[[Scorer], Scorer]:
    def decorate(scorer: Scorer) -> Scorer:
        _DATASETS[name] = ScoringDataset(name, description, scorer)
        return scorer

    return decorate


def datasets() -> dict[str, ScoringDataset]:
    """Every registered dataset (modules in extractors/scoring/datasets/ are imported on first call)."""
    from extractors.scoring import datasets as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return dict(sorted(_DATASETS.items()))


def get_dataset(name: str) -> ScoringDataset:
    known = datasets()
    if name not in known:
        raise InputError(f"Unknown scoring dataset '{name}' (known: {', '.join(known)}).")
    return known[name]
