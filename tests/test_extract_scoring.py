"""Scoring framework: registry, metrics, deterministic splits, brat reading, and the dose dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.scoring.common import align_tokens, read_brat
from extractors.scoring.evaluate import evaluate_datasets
from extractors.scoring.metrics import Counts, overlapping_tokens
from extractors.scoring.registry import datasets, get_dataset
from extractors.scoring.splits import in_split, is_dev
from litwatch.errors import InputError
from tests.cli_helpers import run_main
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


def test_train_split_is_the_complement_of_dev() -> None:
    pmids = range(20_000, 20_500)
    assert [in_split(pmid, "dev") for pmid in pmids] == [is_dev(pmid) for pmid in pmids]
    assert [in_split(pmid, "train") for pmid in pmids] == [not is_dev(pmid) for pmid in pmids]


def _brat_abstract(folder: Path, pmid: int, total: int) -> None:
    text = f"We randomised {total} women with breast cancer to letrozole or placebo."
    (folder / f"{pmid}.txt").write_text(text, encoding="utf-8")
    start = text.index(str(total))
    (folder / f"{pmid}.ann").write_text(
        f"T1\ttotal-participants {start} {start + len(str(total))}\t{total}\n", encoding="utf-8"
    )


def test_pico_corpus_scores_only_the_requested_part(tmp_path: Path) -> None:
    folder = tmp_path / "pico_corpus_breast_cancer" / "brat"
    folder.mkdir(parents=True)
    dev_pmid = next(p for p in range(30_000, 31_000) if is_dev(p))
    train_pmids = [p for p in range(30_000, 31_000) if not is_dev(p)][:2]
    _brat_abstract(folder, dev_pmid, 120)
    for pmid in train_pmids:
        _brat_abstract(folder, pmid, 240)
    [dev] = evaluate_datasets(["pico_corpus"], tmp_path, nlp=nlp())
    [train] = evaluate_datasets(["pico_corpus"], tmp_path, nlp=nlp(), split="train")
    assert (dev.documents, train.documents) == (1, 2)
    assert dev.split.startswith("dev = sha256-hash 20% of PMIDs")
    assert train.split.startswith("train = sha256-hash 80% of PMIDs")
    sample_size = next(f for f in train.fields if f.field == "sample_size")
    assert (sample_size.support, sample_size.true_positives) == (2, 2)


def test_all_with_train_split_means_the_datasets_that_have_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Scoring dataset 'dose_interventions' has no train part"):
        evaluate_datasets(["dose_interventions"], tmp_path, nlp=nlp(), split="train")
    train_capable = {name for name, dataset in datasets().items() if "train" in dataset.splits}
    assert train_capable == {"pico_corpus", "evidence_outcomes", "pico_corpus_outcomes"}


def test_evaluate_cli_refuses_a_train_split_the_dataset_lacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    done = run_main(
        monkeypatch,
        capsys,
        "evaluate",
        "--dataset",
        "rct_art",
        "--split",
        "train",
        "--data",
        str(tmp_path),
        db_path=tmp_path / "unused.duckdb",
    )
    assert done.exit_code == 1
    assert "Scoring dataset 'rct_art' has no train part (it offers: dev)." in done.stderr
    assert "Traceback" not in done.output


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
