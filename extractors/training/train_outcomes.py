"""Train the outcome span recogniser from EvidenceOutcomes + PICO corpus train splits.

Usage: uv run python -m extractors.training.train_outcomes [--data /work/shared/data] [--out DIR]
(default out: extractors/model/outcome_ner).
Writes the trained spaCy pipeline to --out and `training.json` beside it (seed, data hashes, dev scores).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from extractors.components import register_all
from extractors.components.outcomes import results_start
from extractors.training.outcome_corpus import (
    OUTCOME_LABEL,
    SpanDoc,
    corpus_files,
    is_early_stopping_doc,
    read_corpus,
)

CONFIG = Path(__file__).with_name("outcome_ner.cfg")
CORPORA = ("evidence_outcomes", "pico_corpus")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "model" / "outcome_ner"


def to_doc(nlp: spacy.language.Language, item: SpanDoc) -> Doc:
    """Tokenise the results part (what extraction reads, see `results_start`) and attach its gold spans
    as entities (overlaps resolved longest-first)."""
    title_end = item.text.find("\n\n")
    cut = results_start(item.text, title_end + 2 if title_end >= 0 else 0)
    doc = nlp.make_doc(item.text[cut:])
    spans = [
        doc.char_span(s - cut, e - cut, label=OUTCOME_LABEL, alignment_mode="expand")
        for s, e in item.spans
        if s >= cut
    ]
    doc.ents = filter_spans([span for span in spans if span is not None])
    return doc


def write_docbin(nlp: spacy.language.Language, items: Iterable[SpanDoc], path: Path) -> int:
    docbin = DocBin()
    count = 0
    for item in items:
        docbin.add(to_doc(nlp, item))
        count += 1
    docbin.to_disk(path)
    return count


def data_hash(data_root: Path) -> dict[str, str]:
    """SHA-256 over every source file of each corpus, in name order."""
    hashes: dict[str, str] = {}
    for corpus in CORPORA:
        digest = hashlib.sha256()
        for path in corpus_files(data_root, corpus):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        hashes[corpus] = digest.hexdigest()
    return hashes


def train(data_root: Path, out: Path) -> dict[str, object]:
    from spacy.cli.train import train as spacy_train

    register_all()  # the project tokenizer, so training and extraction tokenise alike
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}})
    train_docs = [d for c in CORPORA for d in read_corpus(data_root, c, "train")]
    fit = [d for d in train_docs if not is_early_stopping_doc(d.doc_id)]
    held = [d for d in train_docs if is_early_stopping_doc(d.doc_id)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        counts = {
            "fit": write_docbin(nlp, fit, work / "fit.spacy"),
            "early_stopping": write_docbin(nlp, held, work / "held.spacy"),
        }
        spacy_train(
            CONFIG,
            work / "out",
            overrides={"paths.train": str(work / "fit.spacy"), "paths.dev": str(work / "held.spacy")},
        )
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(work / "out" / "model-best", out)
    meta = json.loads((out / "meta.json").read_text())
    record: dict[str, object] = {
        "seed": 13,
        "config": CONFIG.name,
        "corpora": list(CORPORA),
        "split": "is_dev(pmid) -> dev (not read); early stopping on sha1('val:'+pmid) % 10 == 0",
        "documents": counts,
        "data_sha256": data_hash(data_root),
        "early_stopping_scores": meta.get("performance", {}),
    }
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    record = train(args.data, args.out)
    print(json.dumps(record["early_stopping_scores"], indent=2))


if __name__ == "__main__":
    main()
