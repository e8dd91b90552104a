"""Fit the evidence-sentence ranker's weights on Evidence Inference 2.0 train prompts.

Usage: uv run python -m extractors.training.train_retrieval [--data /work/shared/data] [--out FILE]

Each abstract-answerable train prompt is one ranking problem: its abstract's sentences, described by
`retrieval.FEATURES`, with the sentences that hold an annotated evidence span as the answer. The
weights maximise the softmax probability of the answer over each abstract's sentences (Adam, a fixed
number of full-batch steps from zero, so the fit is deterministic). Before the shipped weights are
fitted on every train prompt, the pick rate (how often the top sentence is an annotated one) is
measured on five held-out folds of train articles (`train_findings.fold_of`), each ranked by weights
fitted on the other four; validation prompts are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractors.findings.retrieval import FEATURES, WEIGHTS_PATH, sentence_features
from extractors.training.evidence_folds import FOLDS, AbstractSentences, fold_of
from extractors.training.evidence_inference_data import FOLDER, EvidencePrompt, load_prompts

STEPS = 600
LEARNING_RATE = 0.05
L2 = 1e-3


@dataclass(frozen=True)
class Ranking:
    """One prompt's sentences as feature rows, and which of them hold annotated evidence."""

    prompt_id: str
    fold: int
    features: np.ndarray
    answer: np.ndarray


def _normalised(text: str) -> str:
    return " ".join(text.split()).lower()


def holds_evidence(sentence: str, evidence: Sequence[str]) -> bool:
    """Whether the sentence contains an annotated span, or is part of a span longer than one sentence."""
    text = _normalised(sentence)
    spans = [_normalised(span) for span in evidence if span.strip()]
    return any(span in text or (len(text) > 20 and text in span) for span in spans)


def rankings(prompts: list[EvidencePrompt], sentences: AbstractSentences) -> list[Ranking]:
    """The prompts answerable from the abstract whose abstract holds an evidence sentence."""
    found = []
    for prompt in prompts:
        texts = sentences(prompt)
        answer = np.array([holds_evidence(text, prompt.evidence) for text in texts], dtype=bool)
        if prompt.abstract_answerable and answer.any():
            rows = sentence_features(texts, prompt.outcome, prompt.intervention, prompt.comparator)
            found.append(Ranking(prompt.prompt_id, fold_of(prompt.pmcid), np.array(rows), answer))
    return found


def fit_weights(problems: Sequence[Ranking]) -> np.ndarray:
    """Weights maximising the mean log-probability of each problem's answer sentences."""
    features = np.vstack([p.features for p in problems])
    answer = np.concatenate([p.answer for p in problems])
    group = np.repeat(np.arange(len(problems)), [len(p.answer) for p in problems])
    weights, first, second = (np.zeros(features.shape[1]) for _ in range(3))
    for step in range(1, STEPS + 1):
        scores = features @ weights
        scores -= np.maximum.reduceat(scores, np.r_[0, np.flatnonzero(np.diff(group)) + 1])[group]
        exp = np.exp(scores)
        probability = exp / np.bincount(group, exp)[group]
        answered = probability * answer
        target = answered / np.bincount(group, answered)[group]
        gradient = features.T @ (probability - target) / len(problems) + L2 * weights
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient**2
        weights -= LEARNING_RATE * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return weights


def picks_answer(problem: Ranking, weights: np.ndarray) -> bool:
    """Whether the top sentence (the first of equals) holds annotated evidence."""
    return bool(problem.answer[int(np.argmax(problem.features @ weights))])


def pick_rate(problems: Sequence[Ranking], weights: np.ndarray) -> float:
    """Share of problems whose top sentence holds annotated evidence."""
    return float(np.mean([picks_answer(p, weights) for p in problems]))


def fold_weights(problems: Sequence[Ranking]) -> dict[int, np.ndarray]:
    """For each fold, the weights fitted on the other folds."""
    return {fold: fit_weights([p for p in problems if p.fold != fold]) for fold in range(FOLDS)}


def held_out_pick_rate(problems: Sequence[Ranking], weights: dict[int, np.ndarray]) -> float:
    return float(np.mean([picks_answer(p, weights[p.fold]) for p in problems]))


def train(data_root: Path, out: Path) -> dict[str, object]:
    problems = rankings(load_prompts(data_root, "train"), AbstractSentences())
    held_out = held_out_pick_rate(problems, fold_weights(problems))
    weights = fit_weights(problems)
    digest = hashlib.sha256()
    for name in ("annotations/v2_annotations.csv", "abstracts.jsonl", "splits/train_article_ids.txt"):
        digest.update((data_root / FOLDER / name).read_bytes())
    record: dict[str, object] = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in weights],
        "steps": STEPS,
        "learning_rate": LEARNING_RATE,
        "l2": L2,
        "train_prompts": len(problems),
        "data_sha256": digest.hexdigest(),
        "pick_rate": {
            "held_out_5_folds": round(held_out, 4),
            "train_fit": round(pick_rate(problems, weights), 4),
        },
    }
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args()
    print(json.dumps(train(args.data, args.out)["pick_rate"], indent=2))


if __name__ == "__main__":
    main()
