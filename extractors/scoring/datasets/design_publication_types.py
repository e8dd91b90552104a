"""Study design from the text (and MeSH) alone, scored against MEDLINE publication types with the types
hidden from the pipeline.

Gold: a record's decisive publication type (Meta-Analysis, Systematic Review, Randomized Controlled
Trial, Controlled Clinical Trial, Case Reports, Review; mapped as in components/data/design.yaml).
Sources: the PubMed XML samples (records with such a type), and the RCT corpora whose abstracts were
selected by the Randomized Controlled Trial type: EBM-NLP (its SciBERT-dev documents, 821, text + MeSH),
PICO Corpus dev part, EvidenceMap. `design (all)` pools every scored document.
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language

from extractors.models import Design
from extractors.scoring.common import limited, process_texts
from extractors.scoring.metrics import DatasetScore, FieldScore, accuracy
from extractors.scoring.registry import ScoringScope, register_dataset
from extractors.scoring.splits import is_dev
from extractors.text import ArticleInput, make_article_doc
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml

# Publication type -> designs that count as correct. Before 2019 MEDLINE indexed systematic reviews as
# "Review" only, so a "Review" is matched by any review design.
DECISIVE: dict[str, frozenset[Design]] = {
    "Meta-Analysis": frozenset({"meta_analysis"}),
    "Systematic Review": frozenset({"systematic_review", "meta_analysis"}),
    "Randomized Controlled Trial": frozenset({"rct"}),
    "Controlled Clinical Trial": frozenset({"non_randomised_trial"}),
    "Case Reports": frozenset({"case_report"}),
    "Review": frozenset({"narrative_review", "systematic_review", "meta_analysis"}),
}


def gold_design(types: list[str]) -> frozenset[Design] | None:
    return next((designs for name, designs in DECISIVE.items() if name in types), None)


def _records(data_dir: Path) -> list[PubmedRecord]:
    records: list[PubmedRecord] = []
    for path in sorted((data_dir / "pubmed_xml_samples").rglob("*.xml*")):
        records.extend(item for item in iter_pubmed_xml(path) if isinstance(item, PubmedRecord))
    return records


def _score_records(nlp: Language, data_dir: Path, limit: int | None, *, with_types: bool) -> tuple[int, int]:
    scored = [(r, gold) for r in _records(data_dir) if (gold := gold_design(r.publication_types))]
    scored = limited(scored, limit)
    docs = nlp.pipe(
        make_article_doc(
            nlp,
            ArticleInput(
                title=r.title,
                abstract=r.abstract,
                mesh_terms=r.mesh_terms,
                indexing_method=r.indexing_method,
                publication_types=r.publication_types if with_types else [],
            ),
        )
        for r, _ in scored
    )
    return sum(doc._.design in gold for (_, gold), doc in zip(scored, docs, strict=True)), len(scored)


def _score_rct_texts(nlp: Language, texts: list[str], mesh: list[list[str]] | None = None) -> tuple[int, int]:
    docs = process_texts(nlp, texts, mesh)
    return sum(d.doc._.design == "rct" for d in docs), len(texts)


@register_dataset(
    "design_publication_types",
    description="Design from text+MeSH with publication types hidden, vs MEDLINE types; accuracy",
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    data_dir, limit = scope.data_dir, scope.limit
    fields: list[FieldScore] = []
    visible = _score_records(nlp, data_dir, limit, with_types=True)
    fields.append(accuracy("design, types visible (PubMed XML samples)", *visible, note="as `extract` runs"))
    records = _score_records(nlp, data_dir, limit, with_types=False)
    fields.append(accuracy("design (PubMed XML samples)", *records, note="publication types hidden"))
    ebm_texts, ebm_mesh = [], []
    with (data_dir / "ebm_nlp" / "documents" / "ebm_nlp_documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["ebm_nlp_split"] == "train(scibert-dev)":
                ebm_texts.append(record["text"])
                ebm_mesh.append(record["mesh_terms"])
    ebm_texts, ebm_mesh = (ebm_texts[:limit], ebm_mesh[:limit]) if limit else (ebm_texts, ebm_mesh)
    ebm = _score_rct_texts(nlp, ebm_texts, ebm_mesh)
    fields.append(accuracy("design = rct (EBM-NLP dev)", *ebm, note="incl. title-only records"))
    pico_files = sorted(
        p for p in (data_dir / "pico_corpus_breast_cancer" / "brat").glob("*.txt") if is_dev(p.stem)
    )
    pico = _score_rct_texts(nlp, [p.read_text(encoding="utf-8") for p in pico_files[:limit] if p])
    fields.append(accuracy("design = rct (PICO Corpus dev)", *pico))
    evidence_map = sorted((data_dir / "evidencemap_rct" / "General").glob("*.txt"))
    emap = _score_rct_texts(nlp, [p.read_text(encoding="utf-8") for p in evidence_map[:limit] if p])
    fields.append(accuracy("design = rct (EvidenceMap)", *emap))
    hidden = fields[1:]
    correct = sum(f.true_positives for f in hidden)
    total = sum(f.support for f in hidden)
    fields.append(accuracy("design (all, types hidden)", correct, total, "pooled over the types-hidden rows"))
    return DatasetScore(
        dataset="design_publication_types",
        description="MEDLINE publication types as gold, text (+MeSH) as input",
        split="PubMed XML samples; EBM-NLP SciBERT-dev docs; PICO Corpus hash-dev; EvidenceMap",
        documents=total,
        fields=fields,
    )
