"""Scoring datasets register themselves here; one module per dataset in `extractors/scoring/datasets/`.

@register_dataset("ebm_nlp_participants", description="...")
def score(nlp: Language, scope: ScoringScope) -> DatasetScore: ...

A dataset with a hash-chosen dev part also offers its training part: `splits=("dev", "train")`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from extractors.scoring.common import limited
from extractors.scoring.metrics import DatasetScore
from extractors.scoring.splits import Split, in_split
from litwatch.errors import InputError


@dataclass(frozen=True)
class ScoringScope:
    """What a scorer reads: the shared data folder, at most `limit` documents, and which part."""

    data_dir: Path
    limit: int | None = None
    split: Split = "dev"

    def split_files(self, folder: Path, pattern: str = "*.txt") -> list[Path]:
        """The files of a hash-split corpus in this scope's part, sorted, limited."""
        return limited(sorted(p for p in folder.glob(pattern) if in_split(p.stem, self.split)), self.limit)


Scorer = Callable[[Language, ScoringScope], DatasetScore]


@dataclass(frozen=True)
class ScoringDataset:
    name: str
    description: str
    scorer: Scorer
    splits: tuple[Split, ...]


_DATASETS: dict[str, ScoringDataset] = {}


def register_dataset(
    name: str, *, description: str, splits: tuple[Split, ...] = ("dev",)
) -> Callable[[Scorer], Scorer]:
    def decorate(scorer: Scorer) -> Scorer:
        _DATASETS[name] = ScoringDataset(name, description, scorer, splits)
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
