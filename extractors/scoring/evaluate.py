"""Run one or all registered scoring datasets against the current pipeline."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from extractors.pipeline import extractor_version, load_pipeline
from extractors.scoring.metrics import DatasetScore
from extractors.scoring.registry import datasets, get_dataset
from litwatch.errors import InputError


def evaluate_datasets(
    names: list[str], data_dir: Path, limit: int | None = None, nlp: Language | None = None
) -> list[DatasetScore]:
    """Scores for `names` ("all" = every registered dataset) on the shared data under `data_dir`."""
    if not data_dir.is_dir():
        raise InputError(f"Shared data folder {data_dir} does not exist (pass --data).")
    selected = list(datasets()) if names == ["all"] else names
    chosen = [get_dataset(name) for name in selected]
    nlp = nlp or load_pipeline()
    scores = []
    for dataset in chosen:
        score = dataset.scorer(nlp, data_dir, limit)
        score.extractor_version = extractor_version()
        scores.append(score)
    return scores
