"""Run one or all registered scoring datasets against the current pipeline."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from extractors.pipeline import extractor_version, load_pipeline
from extractors.scoring.metrics import DatasetScore
from extractors.scoring.registry import ScoringScope, datasets, get_dataset
from extractors.scoring.splits import Split
from litwatch.errors import InputError


def evaluate_datasets(
    names: list[str],
    data_dir: Path,
    limit: int | None = None,
    nlp: Language | None = None,
    split: Split = "dev",
) -> list[DatasetScore]:
    """Scores for `names` ("all" = every registered dataset that has `split`) on the shared data under
    `data_dir`."""
    if not data_dir.is_dir():
        raise InputError(f"Shared data folder {data_dir} does not exist (pass --data).")
    if names == ["all"]:
        chosen = [dataset for dataset in datasets().values() if split in dataset.splits]
    else:
        chosen = [get_dataset(name) for name in names]
    for dataset in chosen:
        if split not in dataset.splits:
            raise InputError(
                f"Scoring dataset '{dataset.name}' has no {split} part "
                f"(it offers: {', '.join(dataset.splits)})."
            )
    scope = ScoringScope(data_dir, limit, split)
    nlp = nlp or load_pipeline()
    scores = []
    for dataset in chosen:
        score = dataset.scorer(nlp, scope)
        score.extractor_version = extractor_version()
        scores.append(score)
    return scores
