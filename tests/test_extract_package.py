"""The packaged pipeline (`extractors/model/`): plain `spacy.load` (entry points, no `--code`), worker
processes, `spacy evaluate` and displaCy work on it; packaging is reproducible and the committed folder
is what packaging writes; the version follows every versioned file."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import spacy
from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import registry

from extractors.components import register_all
from extractors.pipeline import (
    EXTRACTORS,
    PACKAGE_DIR,
    build_pipeline,
    content_version,
    extractor_version,
    versioned_files,
)
from extractors.scoring.outcome_docbin import write_dev_docbin
from extractors.training.package_pipeline import package
from tests.conftest import REPO
from tests.test_extract_processes import ebm_records

GROUPS = ("dose", "population", "outcome")


def summary(docs: list[Doc]) -> list[dict[str, Any]]:
    """What extraction reads from each Doc: spans with their attrs, design and sample size."""
    return [
        {
            "spans": [
                [group, span.label_, span.start_char, span.end_char, _attrs(span)]
                for group in GROUPS
                for span in doc.spans.get(group, [])
            ],
            "design": doc._.design,
            "sample_size": doc._.sample_size,
        }
        for doc in docs
    ]


def _attrs(span: Span) -> Any:
    for name in ("dose", "population", "outcome"):
        value = getattr(span._, name)
        if value is not None:
            return value.model_dump(mode="json")
    return None


def texts(shared_data: Path, count: int = 8) -> list[str]:
    return [f"{r.title}\n\n{r.abstract}" for r in ebm_records(shared_data, count)]


def test_every_litwatch_factory_and_the_tokenizer_have_an_entry_point() -> None:
    register_all()
    entry_points = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["entry-points"]
    factories = {
        name
        for name, factory in registry.factories.get_all().items()
        if factory.__module__.startswith("extractors.components.")
    }
    assert len(factories) >= 7
    assert set(entry_points["spacy_factories"]) == factories
    assert set(entry_points["spacy_tokenizers"]) == {"litwatch_abstract_tokenizer.v1"}


def test_plain_spacy_load_extracts_what_the_assembled_pipeline_does(
    shared_data: Path, tmp_path: Path
) -> None:
    inputs = texts(shared_data)
    (tmp_path / "texts.json").write_text(json.dumps(inputs))
    # A fresh interpreter that imports nothing of the project: the entry points must find everything.
    script = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(PACKAGE_DIR)!r})\n"
        f"docs = list(nlp.pipe(json.load(open({str(tmp_path / 'texts.json')!r}))))\n"
        "from tests.test_extract_package import summary\n"
        "print(json.dumps({'meta': nlp.meta['version'], 'docs': summary(docs)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    assembled = summary(list(build_pipeline().pipe(inputs)))
    assert loaded["meta"] == extractor_version().split("+")[0]
    assert sum(len(doc["spans"]) for doc in assembled) > 20
    assert any(span[0] == "outcome" and span[4]["direction"] for doc in assembled for span in doc["spans"])
    assert loaded["docs"] == json.loads(json.dumps(assembled))


def test_two_processes_give_what_one_gives_on_the_loaded_pipeline(shared_data: Path) -> None:
    nlp = spacy.load(PACKAGE_DIR)
    inputs = texts(shared_data)
    one = summary(list(nlp.pipe(inputs, n_process=1)))
    two = summary(list(nlp.pipe(inputs, n_process=2, batch_size=3)))
    assert sum(len(doc["spans"]) for doc in one) > 20
    assert two == one


def _docbin_from_predictions(nlp: Language, inputs: list[str], path: Path) -> int:
    """Gold docs whose outcome spans are the pipeline's own, minus the first: precision must drop below
    100 and recall stay at 100. Returns the number of gold spans."""
    docbin = DocBin()
    gold_count, dropped = 0, False
    for predicted in nlp.pipe(inputs):
        gold = nlp.make_doc(predicted.text)
        spans = [gold.char_span(s.start_char, s.end_char, label=s.label_) for s in predicted.spans["outcome"]]
        if spans and not dropped:
            spans, dropped = spans[1:], True
        gold.spans["outcome"] = [s for s in spans if s is not None]
        gold_count += len(gold.spans["outcome"])
        docbin.add(gold)
    docbin.to_disk(path)
    return gold_count


def test_spacy_evaluate_scores_the_packaged_pipeline(shared_data: Path, tmp_path: Path) -> None:
    gold_count = _docbin_from_predictions(spacy.load(PACKAGE_DIR), texts(shared_data), tmp_path / "dev.spacy")
    assert gold_count > 5
    command = [sys.executable, "-m", "spacy", "evaluate", str(PACKAGE_DIR), str(tmp_path / "dev.spacy")]
    command += ["--spans-key", "outcome", "--output", str(tmp_path / "scores.json")]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert "SPAN P" in result.stdout
    assert scores["spans_outcome_r"] == 1.0
    assert 0.8 < scores["spans_outcome_p"] < 1.0


def test_displacy_renders_the_outcome_spans(shared_data: Path) -> None:
    nlp = spacy.load(PACKAGE_DIR)
    doc = next(d for d in nlp.pipe(texts(shared_data)) if d.spans["outcome"])
    html = displacy.render(doc, style="span", options={"spans_key": "outcome"})
    assert isinstance(html, str)
    assert doc.spans["outcome"][0].text.split()[0] in html
    assert "outcome" in html


def test_packaging_is_reproducible_and_the_committed_folder_is_up_to_date(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    entries = package(first)
    package(second)
    assert {"config.cfg", "meta.json", "litwatch_outcomes", "litwatch_findings"} <= set(entries)
    for folder in (second, PACKAGE_DIR):
        mismatched = _differences(filecmp.dircmp(first, folder))
        assert mismatched == [], f"{folder} differs: {mismatched} (run extractors.training.package_pipeline)"


def _differences(comparison: filecmp.dircmp[str]) -> list[str]:
    # dircmp compares shallowly (size + mtime); compare contents.
    different = [
        name
        for name in comparison.common_files
        if not filecmp.cmp(Path(comparison.left) / name, Path(comparison.right) / name, shallow=False)
    ]
    different += comparison.left_only
    for sub in comparison.subdirs.values():
        different += _differences(sub)
    return different


def test_version_changes_with_the_model_and_the_config(tmp_path: Path) -> None:
    copy = tmp_path / "extractors"
    shutil.copytree(EXTRACTORS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    original = content_version(copy)
    assert original == content_version(EXTRACTORS)  # the version depends on content, not on the location
    tagger_weights = copy / "model" / "litwatch_outcomes" / "outcome_tagger" / "model"
    tagger_weights.write_bytes(tagger_weights.read_bytes() + b"\0")
    retrained = content_version(copy)
    assert retrained != original
    config = copy / "pipeline.yaml"
    config.write_text(config.read_text() + "\n")
    assert content_version(copy) not in {retrained, original}


def test_every_module_that_extraction_imports_is_versioned() -> None:
    # A fresh interpreter, so that only what `litwatch extract`'s code path imports is loaded.
    probe = (
        "import sys; import litwatch.extraction; from extractors.pipeline import load_pipeline; "
        "list(load_pipeline().pipe(['Magnesium 500 mg daily reduced sleep latency (p < 0.01).'])); "
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
        "if n.startswith('extractors.') and getattr(m, '__file__', None)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(loaded) > 20
    unversioned = sorted(set(map(Path, loaded)) - set(versioned_files()))
    assert unversioned == []


def test_outcome_dev_docbin_holds_the_gold_spans(shared_data: Path, tmp_path: Path) -> None:
    documents, spans = write_dev_docbin(shared_data, "evidence_outcomes", tmp_path / "dev.spacy")
    nlp = spacy.load(PACKAGE_DIR)
    docs = list(DocBin().from_disk(tmp_path / "dev.spacy").get_docs(nlp.vocab))
    assert len(docs) == documents > 20
    assert sum(len(doc.spans["outcome"]) for doc in docs) == spans > documents
    gold = [span for doc in docs for span in doc.spans["outcome"]]
    assert all(span.label_ == "outcome" and span.text.strip() for span in gold)
