"""The finding classifier: a spaCy text classifier over `finding_text`, predicting whether a clause
reports a significant increase, a significant decrease or no significant difference for its outcome.

Trained by `extractors/training/train_findings.py` on Evidence Inference 2.0 train prompts; the
saved pipeline (one `textcat`) lives in `extractors/model/litwatch_findings/`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.components import register_all

MODEL_DIR = Path(__file__).resolve().parents[1] / "model" / "litwatch_findings"
INCREASED, DECREASED, NO_DIFFERENCE = "increased", "decreased", "no_difference"
CLASSES = (INCREASED, DECREASED, NO_DIFFERENCE)


@dataclass(frozen=True)
class FindingPrediction:
    label: str
    probability: float
    scores: dict[str, float]


@cache
def load_classifier(path: Path = MODEL_DIR) -> Language:
    register_all()  # the saved pipeline names the project tokenizer
    return spacy.load(path)


def classify(texts: Iterable[str] | Iterable[Doc], model: Language | None = None) -> list[FindingPrediction]:
    """One prediction per `finding_text` (or its Doc, tokenised like the classifier's own), in order."""
    nlp = model or load_classifier()
    predictions = []
    for doc in nlp.pipe(texts, batch_size=256):
        label = max(doc.cats, key=lambda name: doc.cats[name])
        predictions.append(FindingPrediction(label, doc.cats[label], dict(doc.cats)))
    return predictions
