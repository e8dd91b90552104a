"""Train-side folds of Evidence Inference articles and their abstracts split into sentences, shared by
the scripts that fit the finding classifier and the evidence-sentence ranker."""

from __future__ import annotations

import hashlib

import spacy
from spacy.language import Language

from extractors.components import register_all
from extractors.training.evidence_inference_data import EvidencePrompt

FOLDS = 5
TOKENIZER = {"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}}


def fold_of(pmcid: str) -> int:
    """The held-out fold of an article (fold 0 is the split earlier models were chosen on)."""
    return int(hashlib.sha256(pmcid.encode()).hexdigest(), 16) % FOLDS


def sentence_splitter() -> Language:
    """Tokenizer + the project's abstract sentencizer: the same boundaries extraction uses."""
    register_all()
    nlp = spacy.blank("en", config=TOKENIZER)
    nlp.add_pipe("litwatch_sentences")
    return nlp


class AbstractSentences:
    """Each article's abstract split once, with the extraction sentencizer."""

    def __init__(self) -> None:
        self.splitter = sentence_splitter()
        self.cache: dict[str, list[str]] = {}

    def __call__(self, prompt: EvidencePrompt) -> list[str]:
        if prompt.pmcid not in self.cache:
            self.cache[prompt.pmcid] = [s.text for s in self.splitter(prompt.abstract).sents]
        return self.cache[prompt.pmcid]
