"""The evidence-sentence ranker: its features, the shipped weights, the fit, and what it picks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractors.findings.retrieval import (
    FEATURES,
    RetrievalWeightsError,
    best_evidence_sentence,
    read_weights,
    sentence_features,
    sentence_sections,
    shipped_weights,
)
from extractors.training.evidence_folds import AbstractSentences
from extractors.training.evidence_inference_data import load_prompts
from extractors.training.train_retrieval import Ranking, fit_weights, holds_evidence, pick_rate, rankings

ABSTRACT = [
    "BACKGROUND: Pain after surgery is common.",
    "METHODS: Patients received drug A or placebo; pain scores were measured at 24 hours.",
    "RESULTS: Pain scores were significantly lower with drug A than placebo (p = 0.01).",
    "CONCLUSIONS: Drug A relieves pain.",
]


def test_shipped_weights_describe_every_feature() -> None:
    assert len(shipped_weights()) == len(FEATURES)


def test_weights_for_other_features_are_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"features": ["outcome_similarity"], "weights": [1.0]}), encoding="utf-8")
    with pytest.raises(RetrievalWeightsError, match="retrain with"):
        read_weights(path)


def test_features_follow_the_section_headings() -> None:
    assert sentence_sections(ABSTRACT) == ["background", "methods", "results", "conclusions"]
    rows = sentence_features(ABSTRACT, "pain scores", "drug A", "placebo")
    assert len(rows) == len(ABSTRACT) and all(len(row) == len(FEATURES) for row in rows)
    results = dict(zip(FEATURES, rows[2], strict=True))
    assert (
        results["section_results"] == 1.0 and results["p_values"] > 0 and results["names_comparator"] == 1.0
    )
    assert dict(zip(FEATURES, rows[1], strict=True))["measured_only"] == 1.0


def test_the_shipped_ranker_picks_the_reported_result() -> None:
    chosen = best_evidence_sentence(ABSTRACT, "pain scores", "drug A", "placebo")
    assert chosen is not None and chosen.text == ABSTRACT[2]
    assert chosen.outcome is not None and chosen.intervention is not None
    assert best_evidence_sentence([], "pain scores", "drug A", "placebo") is None


def test_given_weights_decide_the_pick() -> None:
    conclusions_only = [float(name == "section_conclusions") for name in FEATURES]
    chosen = best_evidence_sentence(ABSTRACT, "pain scores", "drug A", "placebo", conclusions_only)
    assert chosen is not None and chosen.text == ABSTRACT[3]


@pytest.mark.parametrize(
    ("sentence", "evidence", "holds"),
    [
        ("Pain fell (p = 0.01) in the drug A group.", ["pain  fell (p = 0.01)"], True),
        # one sentence of an evidence span that runs over two
        ("Pain fell in the drug A group.", ["Pain fell in the drug A group. Nausea did not."], True),
        ("Pain fell.", ["Pain fell in the drug A group. Nausea did not."], False),
        ("Nausea was rare.", ["Pain fell in the drug A group."], False),
    ],
)
def test_an_evidence_sentence_holds_the_annotated_span(
    sentence: str, evidence: list[str], holds: bool
) -> None:
    assert holds_evidence(sentence, evidence) is holds


def test_the_fit_learns_which_feature_marks_the_answer() -> None:
    rng = np.random.default_rng(0)
    problems = []
    for index in range(40):
        features = rng.normal(size=(6, 3))
        answer_at = index % 6
        features[:, 1] = 0.0
        features[answer_at, 1] = 1.0  # only feature 1 tells the answer
        problems.append(Ranking(str(index), 0, features, np.arange(6) == answer_at))
    weights = fit_weights(problems)
    assert weights[1] > abs(weights[0]) and weights[1] > abs(weights[2])
    assert pick_rate(problems, weights) == 1.0
    assert pick_rate(problems, np.zeros(3)) < 0.5  # without weights the first sentence wins


def test_shipped_weights_beat_no_ranking_on_train_prompts(shared_data: Path) -> None:
    prompts = load_prompts(shared_data, "train")[:150]
    problems = rankings(prompts, AbstractSentences())
    assert problems and all(p.features.shape == (len(p.answer), len(FEATURES)) for p in problems)
    shipped = pick_rate(problems, np.array(shipped_weights()))
    assert shipped > 0.75 and shipped > pick_rate(problems, np.zeros(len(FEATURES))) + 0.3
