"""Unlabelled in-domain abstracts for pretraining the outcome tagger's tok2vec (`spacy pretrain`).

Read from ../shared/data: EBM-NLP documents, Evidence Inference 2.0 train articles (title + abstract),
and the train parts of EvidenceOutcomes and the PICO corpus. Strict about dev: no document that any
scorer reads as dev is included, so neither its text nor its labels reach the model: the EBM-NLP dev
files (SciBERT dev, hierarchical participants dev) and their `is_dev` hash part, every EvidenceMap
abstract (all dev), the `is_dev` parts of EvidenceOutcomes and the PICO corpus, Evidence Inference
validation articles, and the abstracts that hold an RCT-ART dev sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import DocBin
from spacy.vocab import Vocab

from extractors.scoring.splits import is_dev
from extractors.training.evidence_inference_data import FOLDER as EVIDENCE_INFERENCE
from extractors.training.outcome_corpus import read_corpus
from extractors.training.train_participants import dev_only_pmids

EBM_NLP_DOCUMENTS = Path("ebm_nlp/documents/ebm_nlp_documents.jsonl")
EVIDENCEMAP = Path("evidencemap_rct/General")
RCT_ART_DEV = Path("rct_art/spacy_all_domains/dev.spacy")
MIN_WORDS = 30  # title-only records teach little


def _rct_art_dev_sentences(data_root: Path) -> list[str]:
    docs = DocBin().from_disk(data_root / RCT_ART_DEV).get_docs(Vocab())
    return [doc.text for doc in docs]


def _ebm_nlp_texts(data_root: Path) -> Iterator[str]:
    excluded = dev_only_pmids(data_root / "ebm_nlp") | {
        p.stem for p in (data_root / EVIDENCEMAP).glob("*.txt")
    }
    dev_sentences = _rct_art_dev_sentences(data_root)
    for line in (data_root / EBM_NLP_DOCUMENTS).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pmid, text = record["pmid"], record["text"]
        if pmid in excluded or is_dev(pmid) or any(sentence in text for sentence in dev_sentences):
            continue
        yield text


def _evidence_inference_texts(data_root: Path) -> Iterator[str]:
    root = data_root / EVIDENCE_INFERENCE
    train_ids = set((root / "splits" / "train_article_ids.txt").read_text(encoding="utf-8").split())
    with (root / "abstracts.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["pmcid"] in train_ids:
                yield record["text"][: record["abstract_end_offset"]]


def pretraining_texts(data_root: Path) -> list[str]:
    """Every pretraining abstract, in a fixed order; duplicates (a PMID in two corpora) once."""
    texts: dict[str, None] = {}
    sources = [
        _ebm_nlp_texts(data_root),
        _evidence_inference_texts(data_root),
        *(
            (doc.text for doc in read_corpus(data_root, corpus, "train"))
            for corpus in ("evidence_outcomes", "pico_corpus")
        ),
    ]
    for source in sources:
        for text in source:
            if len(text.split()) >= MIN_WORDS:
                texts.setdefault(text.strip(), None)
    return list(texts)


def write_pretraining_jsonl(data_root: Path, out: Path) -> int:
    """JSONL of {"text": abstract}, the input `spacy pretrain` reads; returns the number of texts."""
    texts = pretraining_texts(data_root)
    out.write_text("".join(json.dumps({"text": text}) + "\n" for text in texts), encoding="utf-8")
    return len(texts)
