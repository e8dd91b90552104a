"""Scoring framework: registry, metrics, deterministic splits, brat reading, and the dose dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.scoring.common import align_tokens, read_brat
from extractors.scoring.evaluate import evaluate_datasets
from extractors.scoring.metrics import Counts, overlapping_tokens
from extractors.scoring.registry import datasets, get_dataset
from extractors.scoring.splits import is_dev
from litwatch.errors import InputError
from tests.extract_support import nlp


def test_every_dataset_module_is_registered() -> None:
    assert {
        "ebm_nlp_participants",
        "pico_corpus",
        "evidencemap_counts",
        "dose_interventions",
        "design_publication_types",
    } <= set(datasets())


def test_unknown_dataset_is_one_sentence() -> None:
    with pytest.raises(InputError, match="Unknown scoring dataset 'nope'"):
        get_dataset("nope")


def test_counts_precision_recall_f1() -> None:
    counts = Counts()
    counts.add_sets({1, 2, 3, 4}, {3, 4, 5})
    score = counts.score("x", "token")
    assert (score.precision, score.recall, score.f1) == (0.6667, 0.5, 0.5714)


def test_overlapping_tokens() -> None:
    assert overlapping_tokens([(0, 3), (4, 8), (9, 12)], [(5, 10)]) == {1, 2}


def test_dev_split_is_deterministic_and_about_a_fifth() -> None:
    flags = [is_dev(pmid) for pmid in range(10_000, 12_000)]
    assert flags == [is_dev(pmid) for pmid in range(10_000, 12_000)]
    assert 0.17 < sum(flags) / len(flags) < 0.23


def test_align_tokens_skips_converted_quotes() -> None:
    assert align_tokens('He said "yes".', ["He", "said", "``", "yes", "''", "."]) == [
        (0, 2),
        (3, 7),
        None,
        (9, 12),
        None,
        (13, 14),
    ]


def test_read_brat_keeps_outer_bounds(tmp_path: Path) -> None:
    ann = tmp_path / "1.ann"
    ann.write_text("T1\tage 10 19\t43-61 yrs\nT2\tcondition 0 4;8 12\tbrea cer\nR1\tto Arg1:T1 Arg2:T2\n")
    assert [(e.label, e.start, e.end) for e in read_brat(ann)] == [("age", 10, 19), ("condition", 0, 12)]


def test_dose_dev_set_meets_its_target(tmp_path: Path) -> None:
    [score] = evaluate_datasets(["dose_interventions"], tmp_path, nlp=nlp())
    exact = next(f for f in score.fields if f.field == "amount+unit")
    assert exact.support == 121
    assert exact.f1 is not None and exact.f1 >= 0.90
