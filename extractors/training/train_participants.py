"""Train the participant-sentence classifier of `litwatch_population`
(`extractors/components/participant_sentences.py`) on the EBM-NLP crowd Participants spans aggregated by
Nguyen et al. 2017 (MajorityVote), `ebm_nlp/nguyen2017_participants/{train,dev}`, minus every document of
the EBM-NLP dev files (`hierarchical_participants/participants_dev.conll`, `scibert_conll/dev.txt`),
which stay dev only. A sentence is positive when it overlaps a Participants span.

Logistic regression (L2, full-batch AdaGrad, fixed number of steps: deterministic). The documents whose
PMID hash falls in `extractors.scoring.splits.is_dev` (20 %) are never fitted: they are held out to report
sentence precision/recall and to choose the threshold (best F-beta, `--beta`).

Usage: uv run python -m extractors.training.train_participants [--data ../shared/data]
Writes `extractors/components/data/participant_sentences.json` (weights, threshold, data hashes, scores).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
from spacy.language import Language

from extractors.components.participant_sentences import sentence_features
from extractors.pipeline import build_pipeline, read_spec
from extractors.scoring.common import process_texts
from extractors.scoring.splits import is_dev
from extractors.text import sentence_ranges

OUT = Path(__file__).resolve().parents[1] / "components" / "data" / "participant_sentences.json"
AGGREGATION = "MajorityVote"
MIN_FEATURE_COUNT = 10
L2 = 1e-4
STEPS = 400
LEARNING_RATE = 0.5

Example = tuple[list[str], bool]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dev_only_pmids(ebm: Path) -> set[str]:
    """PMIDs of the EBM-NLP dev files: never trained on."""
    conll = (ebm / "hierarchical_participants" / "participants_dev.conll").read_text(encoding="utf-8")
    scibert = (ebm / "scibert_conll" / "dev.txt").read_text(encoding="utf-8")
    hierarchical = set(re.findall(r"-DOCSTART- -X- O O (\d+)", conll))
    return hierarchical | set(re.findall(r"-DOCSTART- \((\d+)\)", scibert))


def sentence_pipeline() -> Language:
    spec = read_spec()
    spec.components = [c for c in spec.components if c.factory == "litwatch_sentences"]
    return build_pipeline(spec)


def read_examples(ebm: Path, texts: dict[str, str], excluded: set[str]) -> dict[str, list[Example]]:
    """Sentence feature lists and labels, per PMID."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for split in ("train", "dev"):
        path = ebm / "nguyen2017_participants" / split / "PICO-annos-crowdsourcing-agg.json"
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["docid"] not in excluded and record["docid"] in texts:
                spans[record["docid"]] = [tuple(s) for s in record["Participants"].get(AGGREGATION, [])]
    pmids = sorted(spans)
    examples: dict[str, list[Example]] = {}
    for pmid, corpus_doc in zip(
        pmids, process_texts(sentence_pipeline(), (texts[p] for p in pmids)), strict=True
    ):
        offset = corpus_doc.offset
        ranges = [(start - offset, end - offset) for start, end in sentence_ranges(corpus_doc.doc)]
        title_end = (corpus_doc.doc._.title_length or 0) - offset
        features = sentence_features(texts[pmid], ranges, title_end)
        labels = [any(s < end and start < e for s, e in spans[pmid]) for start, end in ranges]
        examples[pmid] = list(zip(features, labels, strict=True))
    return examples


def fit(examples: list[Example]) -> dict[str, float]:
    """L2-regularised logistic regression by full-batch gradient descent (deterministic)."""
    counts = Counter(name for names, _ in examples for name in names)
    vocabulary = {
        name: i for i, name in enumerate(sorted(n for n, c in counts.items() if c >= MIN_FEATURE_COUNT))
    }
    rows = [[vocabulary[n] for n in names if n in vocabulary] for names, _ in examples]
    indices = np.array([i for row in rows for i in row], dtype=np.int64)
    owners = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    labels = np.array([label for _, label in examples], dtype=np.float64)
    weights = np.zeros(len(vocabulary))
    squared = np.zeros(len(vocabulary))
    for _ in range(STEPS):
        scores = np.bincount(owners, weights=weights[indices], minlength=len(rows))
        error = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30))) - labels
        gradient = np.bincount(indices, weights=error[owners], minlength=len(vocabulary)) / len(rows)
        gradient += L2 * weights
        squared += gradient**2  # AdaGrad: rare words move as fast as frequent ones
        weights -= LEARNING_RATE * gradient / (np.sqrt(squared) + 1e-8)
    return {name: round(float(weights[i]), 5) for name, i in vocabulary.items() if abs(weights[i]) >= 1e-4}


def probabilities(weights: dict[str, float], examples: list[Example]) -> np.ndarray:
    scores = np.array([sum(weights.get(n, 0.0) for n in names) for names, _ in examples])
    return 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))


def scores_at(threshold: float, probability: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    predicted = probability >= threshold
    tp = float(np.sum(predicted & labels))
    precision = tp / max(float(np.sum(predicted)), 1.0)
    recall = tp / max(float(np.sum(labels)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--beta", type=float, default=1.0, help="F-beta for the threshold (beta < 1 favours precision)"
    )
    args = parser.parse_args()
    ebm = args.data / "ebm_nlp"
    documents = ebm / "documents" / "ebm_nlp_documents.jsonl"
    texts = {}
    for line in documents.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts[record["pmid"]] = record["text"]
    excluded = dev_only_pmids(ebm)
    examples = read_examples(ebm, texts, excluded)
    held_out = [e for pmid, doc in examples.items() if is_dev(pmid) for e in doc]
    fitting = [e for pmid, doc in examples.items() if not is_dev(pmid) for e in doc]
    weights = fit(fitting)
    probability = probabilities(weights, held_out)
    labels = np.array([label for _, label in held_out])
    candidates = [scores_at(t / 100, probability, labels) for t in range(10, 91, 5)]
    beta2 = args.beta**2

    def f_beta(s: dict[str, float]) -> float:
        p, r = s["precision"], s["recall"]
        return (1 + beta2) * p * r / (beta2 * p + r) if p + r else 0.0

    best = max(candidates, key=f_beta)
    inputs = [documents, *sorted((ebm / "nguyen2017_participants").rglob("*.json"))]
    report = {
        "threshold": best["threshold"],
        "aggregation": AGGREGATION,
        "documents": len(examples),
        "held_out_documents": sum(1 for pmid in examples if is_dev(pmid)),
        "excluded_dev_pmids": len(excluded),
        "settings": {"min_feature_count": MIN_FEATURE_COUNT, "l2": L2, "steps": STEPS, "beta": args.beta},
        "held_out_sentence_scores": best,
        "data_sha256": {str(p.relative_to(args.data)): sha256(p) for p in inputs},
        "weights": weights,
    }
    args.out.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "weights"}, indent=1))


if __name__ == "__main__":
    main()
