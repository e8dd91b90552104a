"""Train the participants span recogniser (`participants_ner`, one NER with its own small CNN tok2vec)
on EBM-NLP crowd Participants spans aggregated by Nguyen et al. 2017 (MajorityVote),
`ebm_nlp/nguyen2017_participants/train`, minus every document of the EBM-NLP dev files
(`hierarchical_participants/participants_dev.conll`, `scibert_conll/dev.txt`), which stay dev only.
Early stopping uses `nguyen2017_participants/dev`.

Usage: uv run python -m extractors.training.train_participants [--data ../shared/data] [--out DIR]
Writes the trained pipeline to --out (default extractors/model/participants_ner) and `training.json`
beside it (seed, data file hashes, document counts, dev scores). Fixed seed (config: system.seed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import tempfile
from pathlib import Path

import spacy
from spacy.cli.train import train
from spacy.tokens import DocBin
from spacy.util import filter_spans

from extractors.components import register_all

CONFIG = Path(__file__).with_name("participants_ner.cfg")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "model" / "participants_ner"
LABEL = "PARTICIPANTS"
AGGREGATION = "MajorityVote"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dev_only_pmids(ebm: Path) -> set[str]:
    """PMIDs of the EBM-NLP dev files: never trained on."""
    conll = (ebm / "hierarchical_participants" / "participants_dev.conll").read_text(encoding="utf-8")
    scibert = (ebm / "scibert_conll" / "dev.txt").read_text(encoding="utf-8")
    hierarchical = set(re.findall(r"-DOCSTART- -X- O O (\d+)", conll))
    return hierarchical | set(re.findall(r"-DOCSTART- \((\d+)\)", scibert))


def build_docbin(ebm: Path, split: str, texts: dict[str, str], excluded: set[str], out: Path) -> int:
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}})
    docbin = DocBin()
    path = ebm / "nguyen2017_participants" / split / "PICO-annos-crowdsourcing-agg.json"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pmid = record["docid"]
        if pmid in excluded or pmid not in texts:
            continue
        doc = nlp.make_doc(texts[pmid])
        spans = [
            doc.char_span(start, end, label=LABEL, alignment_mode="expand")
            for start, end in record["Participants"].get(AGGREGATION, [])
        ]
        doc.ents = filter_spans([span for span in spans if span is not None])
        docbin.add(doc)
    docbin.to_disk(out)
    return len(docbin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    register_all()
    ebm = args.data / "ebm_nlp"
    documents = ebm / "documents" / "ebm_nlp_documents.jsonl"
    texts = {}
    for line in documents.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts[record["pmid"]] = record["text"]
    excluded = dev_only_pmids(ebm)
    with tempfile.TemporaryDirectory() as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        n_train = build_docbin(ebm, "train", texts, excluded, train_path)
        n_dev = build_docbin(ebm, "dev", texts, excluded, dev_path)
        output = Path(tmp) / "output"
        train(CONFIG, output, overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)})
        best = spacy.load(output / "model-best")
        best.to_disk(args.out)
        meta = json.loads((output / "model-best" / "meta.json").read_text())
    inputs = [documents, *sorted((ebm / "nguyen2017_participants").rglob("*.json"))]
    report = {
        "seed": spacy.util.load_config(CONFIG)["system"]["seed"],
        "aggregation": AGGREGATION,
        "train_documents": n_train,
        "early_stopping_documents": n_dev,
        "excluded_dev_pmids": len(excluded),
        "data_sha256": {str(p.relative_to(args.data)): sha256(p) for p in inputs},
        "config_sha256": sha256(CONFIG),
        "early_stopping_scores": meta.get("performance", {}),
    }
    (args.out / "training.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
