"""Write the dev part of an outcome corpus as a spaCy DocBin, gold spans in `doc.spans["outcome"]`, so
that spaCy's own scorer can be run on the packaged pipeline:

    uv run python -m extractors.scoring.outcome_docbin /tmp/outcomes_dev.spacy
    uv run python -m spacy evaluate extractors/model /tmp/outcomes_dev.spacy --spans-key outcome

(exact span match; `litwatch evaluate` reports the overlap-based figures). Dev documents only, by
`extractors.scoring.splits.is_dev`, the split every scorer uses.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from extractors.pipeline import PACKAGE_DIR
from extractors.training.outcome_corpus import read_corpus

CORPORA = ("evidence_outcomes", "pico_corpus")


def write_dev_docbin(data_root: Path, corpus: str, out: Path) -> tuple[int, int]:
    """Returns (documents, gold spans) written."""
    nlp = spacy.load(PACKAGE_DIR)  # only its tokenizer: gold tokens match what the pipeline sees
    docbin = DocBin()
    spans = 0
    for item in read_corpus(data_root, corpus, "dev"):
        doc = nlp.make_doc(item.text)
        gold = (doc.char_span(s, e, label="outcome", alignment_mode="expand") for s, e in item.spans)
        doc.spans["outcome"] = [span for span in gold if span is not None]
        spans += len(doc.spans["outcome"])
        docbin.add(doc)
    docbin.to_disk(out)
    return len(docbin), spans


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--corpus", choices=CORPORA, default="evidence_outcomes")
    args = parser.parse_args()
    documents, spans = write_dev_docbin(args.data, args.corpus, args.out)
    print(f"{documents} {args.corpus} dev documents, {spans} gold outcome spans -> {args.out}")


if __name__ == "__main__":
    main()
