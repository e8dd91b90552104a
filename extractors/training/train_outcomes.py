"""Train the outcome span tagger from the EvidenceOutcomes + PICO corpus train splits.

Usage: uv run python -m extractors.training.train_outcomes [--data /work/shared/data] [--out DIR]
(default out: extractors/model/litwatch_outcomes). Each training document is one sentence that extraction
would read (`extractors.components.outcomes.results_sentences`), tagged B/I/O from the gold spans.
The early-stopping tenth of the documents is scored as `litwatch evaluate` scores dev (whole abstracts,
the component's decoding, span overlap per corpus) and picks the `min_probability` cut.
Writes the trained spaCy pipeline to --out and `training.json` beside it (seed, data hashes, scores).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.tokens import Doc, DocBin

from extractors.components.outcomes import TAGGER_NAME, outcome_ranges, results_sentences, softmax
from extractors.pipeline import PACKAGE_DIR
from extractors.scoring.common import process_texts
from extractors.scoring.datasets.outcome_spans import overlap_score
from extractors.training.outcome_corpus import SpanDoc, corpus_files, is_early_stopping_doc, read_corpus
from extractors.training.sentence_splitter import sentence_splitter
from litwatch.paths import remove_path

CONFIG = Path(__file__).with_name("outcome_tagger.cfg")
CORPORA = ("evidence_outcomes", "pico_corpus")
DEFAULT_OUT = PACKAGE_DIR / "litwatch_outcomes"  # the component's folder of the packaged pipeline
SEED = 13
CUTS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def bio_tags(doc: Doc, spans: Iterable[tuple[int, int]]) -> list[str]:
    """B/I/O per token; a token belongs to a span when it overlaps it."""
    tags = ["O"] * len(doc)
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        for i in range(span.start, span.end):
            tags[i] = "B" if i == span.start and tags[i] == "O" else tags[i] if tags[i] != "O" else "I"
    return tags


def sentence_docs(reader: Language, item: SpanDoc) -> list[Doc]:
    """The results sentences of one abstract as tagged Docs."""
    doc = reader(item.text)
    title_end = item.text.find("\n\n")
    tags = bio_tags(doc, item.spans)
    docs = []
    for start, end in results_sentences(doc, title_end + 2 if title_end >= 0 else 0):
        sent = doc[start:end]
        sentence_doc = sent.as_doc()
        for token, tag in zip(sentence_doc, tags[sent.start : sent.end], strict=True):
            token.tag_ = tag
        docs.append(sentence_doc)
    return docs


def write_docbin(reader: Language, items: Iterable[SpanDoc], path: Path) -> int:
    docbin = DocBin(attrs=["ORTH", "TAG"])
    count = 0
    for item in items:
        for doc in sentence_docs(reader, item):
            docbin.add(doc)
            count += 1
    docbin.to_disk(path)
    return count


def predicted_spans(
    tagger: Tagger, reader: Language, texts: list[str], cuts: Iterable[float]
) -> dict[float, list[list[tuple[int, int]]]]:
    """Outcome char spans per text at each B+I cut, decoded as the component decodes them (whole
    abstracts through the model, results sentences decoded), in corpus-text offsets."""
    corpus_docs = list(process_texts(reader, texts))
    scores = [softmax(np.asarray(s)) for s in tagger.model.predict([c.doc for c in corpus_docs])]
    labels = tuple(tagger.labels)
    return {
        cut: [
            [
                (c.doc[start].idx - c.offset, c.doc[end - 1].idx + len(c.doc[end - 1]) - c.offset)
                for start, end in outcome_ranges(c.doc, probabilities, labels, cut)
            ]
            for c, probabilities in zip(corpus_docs, scores, strict=True)
        ]
        for cut in cuts
    }


def held_out_scores(model_dir: Path, held: dict[str, list[SpanDoc]]) -> tuple[float, dict[str, object]]:
    """The B+I cut that maximises span overlap F1 over the early-stopping documents of all corpora
    (scored as `litwatch evaluate` scores dev), and the per-corpus overlap scores at each cut."""
    reader = sentence_splitter()
    tagger = spacy.load(model_dir, vocab=reader.vocab).get_pipe(TAGGER_NAME)
    assert isinstance(tagger, Tagger)
    gold = {corpus: [list(item.spans) for item in items] for corpus, items in held.items()}
    predicted = {
        corpus: predicted_spans(tagger, reader, [item.text for item in items], CUTS)
        for corpus, items in held.items()
    }
    pooled = {
        cut: overlap_score(
            [g for corpus in held for g in gold[corpus]],
            [p for corpus in held for p in predicted[corpus][cut]],
        ).f1
        or 0.0
        for cut in CUTS
    }
    best = max(CUTS, key=lambda cut: pooled[cut])
    by_corpus = {
        corpus: {
            f"{cut:.2f}": overlap_score(gold[corpus], predicted[corpus][cut]).model_dump(
                include={"support", "precision", "recall", "f1"}
            )
            for cut in CUTS
        }
        for corpus in held
    }
    return best, {"pooled_f1": {f"{cut:.2f}": round(f1, 4) for cut, f1 in pooled.items()}, **by_corpus}


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

    reader = sentence_splitter()
    train_docs = [d for c in CORPORA for d in read_corpus(data_root, c, "train")]
    fit = [d for d in train_docs if not is_early_stopping_doc(d.doc_id)]
    held = [d for d in train_docs if is_early_stopping_doc(d.doc_id)]
    held_by_corpus = {c: [d for d in held if d.corpus == c] for c in CORPORA}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        counts = {
            "fit_sentences": write_docbin(reader, fit, work / "fit.spacy"),
            "early_stopping_sentences": write_docbin(reader, held, work / "held.spacy"),
        }
        spacy_train(
            CONFIG,
            work / "out",
            overrides={"paths.train": str(work / "fit.spacy"), "paths.dev": str(work / "held.spacy")},
        )
        remove_path(out)
        # The last checkpoint, not "model-best": tag accuracy (mostly O tags) is a poor stopping signal.
        shutil.copytree(work / "out" / "model-last", out)
        min_probability, held_out = held_out_scores(out, held_by_corpus)
    meta = json.loads((out / "meta.json").read_text())
    record: dict[str, object] = {
        "seed": SEED,
        "config": CONFIG.name,
        "corpora": list(CORPORA),
        "split": "is_dev(pmid) -> dev (not read); early stopping on sha1('val:'+pmid) % 10 == 0",
        "documents": {"fit": len(fit), "early_stopping": len(held), **counts},
        "data_sha256": data_hash(data_root),
        "early_stopping_scores": meta.get("performance", {}),
        "min_probability": min_probability,
        "early_stopping_overlap_by_min_probability": held_out,
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
