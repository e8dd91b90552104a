"""Answer an Evidence Inference style prompt from an abstract: pick the evidence sentence for the
(intervention, comparator, outcome), read it, and return the finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from extractors.findings.classifier import classify
from extractors.findings.decision import Finding, decide
from extractors.findings.features import FindingContext, finding_context
from extractors.findings.retrieval import best_evidence_sentence


@dataclass(frozen=True)
class ComparisonPrompt:
    intervention: str
    comparator: str
    outcome: str


def prompt_context(
    sentences: list[str], prompt: ComparisonPrompt, retrieval: Sequence[float] | None = None
) -> FindingContext:
    chosen = best_evidence_sentence(
        sentences, prompt.outcome, prompt.intervention, prompt.comparator, retrieval
    )
    if chosen is None:
        return finding_context("", None)
    return finding_context(chosen.text, chosen.outcome, chosen.intervention, chosen.comparator)


def answer_prompts(
    sentences: Sequence[list[str]],
    prompts: Sequence[ComparisonPrompt],
    model: Language | None = None,
    retrieval: Sequence[float] | None = None,
) -> list[Finding]:
    """One finding per prompt; `sentences[i]` are the sentences of prompt i's abstract; `model` and
    `retrieval` (the ranker's weights) default to the shipped ones."""
    contexts = [prompt_context(s, p, retrieval) for s, p in zip(sentences, prompts, strict=True)]
    predictions = classify([c.classifier_text for c in contexts], model)
    return [decide(c, p) for c, p in zip(contexts, predictions, strict=True)]
