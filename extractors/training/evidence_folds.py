"""Train-side folds of Evidence Inference articles and their abstracts split into sentences, shared by
the scripts that fit the finding classifier and the evidence-sentence ranker."""

from __future__ import annotations

import hashlib

from extractors.training.evidence_inference_data import EvidencePrompt
from extractors.training.sentence_splitter import sentence_splitter

FOLDS = 5


def fold_of(pmcid: str) -> int:
    """The held-out fold of an article (fold 0 is the split earlier models were chosen on)."""
    return int(hashlib.sha256(pmcid.encode()).hexdigest(), 16) % FOLDS


class AbstractSentences:
    """Each article's abstract split once, with the extraction sentencizer."""

    def __init__(self) -> None:
        self.splitter = sentence_splitter()
        self.cache: dict[str, list[str]] = {}

    def __call__(self, prompt: EvidencePrompt) -> list[str]:
        if prompt.pmcid not in self.cache:
            self.cache[prompt.pmcid] = [s.text for s in self.splitter(prompt.abstract).sents]
        return self.cache[prompt.pmcid]
