"""Build the demo corpus: the demo topics' PubMed queries run over the PMID-bearing shared corpora.

    uv run python scripts/build_demo_corpus.py [--shared-data DIR] [--out litwatch/demo/corpus.jsonl.gz]

Reads four shared corpora (EBM-NLP documents, PICO Corpus, EvidenceOutcomes, EvidenceMap), turns each
abstract into a `PubmedRecord` (title and abstract split, section labels kept, MeSH where the corpus has
it), runs every demo topic's query through the local E-utilities server's query engine
(`litwatch.pubmed.query`) and writes the matches, near misses included, plus records that mention a
topic's intervention but fail its query (so the demo shows the query filtering), to a gzipped JSONL
corpus. The shared records carry no dates: each gets a simulated Entrez date in PMID order (PMIDs are
issued in entry order), one day apart from `FIRST_ENTRY_DATE`; the demo replays those dates night by night.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from litwatch.pubmed.corpus import write_jsonl
from litwatch.pubmed.query import SearchDocument, matches, parse_query
from litwatch.pubmed.records import AbstractSection, PubmedRecord
from litwatch.topics import Topic, load_topic_file

REPO = Path(__file__).resolve().parents[1]
DEMO_TOPICS = ("melatonin-sleep", "exercise-sleep", "magnesium-sleep")
FIRST_ENTRY_DATE = date(2025, 1, 6)
MAX_BYTES = 2_000_000
NEAR_MISS_CAP = 15  # intervention-only records kept per topic: enough to show the query filtering
# Corpora in order of preference: a PMID found in several keeps the first (best-formatted) text.
SOURCES = ("ebm_nlp", "evidence_outcomes", "pico_corpus_breast_cancer", "evidencemap_rct")

# Words that make up structured-abstract headings here ("MAIN OUTCOME MEASURES", "METHODS/DESIGN").
HEADING_WORDS = frozenset(
    """BACKGROUND OBJECTIVE OBJECTIVES METHOD METHODS RESULT RESULTS CONCLUSION CONCLUSIONS DESIGN SETTING
    SETTINGS PATIENTS PARTICIPANTS PARTICIPANT MAIN OUTCOME OUTCOMES MEASURE MEASURES MEASUREMENTS STUDY AIM
    AIMS TRIAL TRIALS REGISTRATION INTERVENTION INTERVENTIONS INTRODUCTION MATERIAL MATERIALS AND DISCUSSION
    FINDINGS INTERPRETATION UNLABELLED UNASSIGNED SUBJECTS FUNDING IMPLICATIONS CONTEXT LIMITATIONS CLINICAL
    RESEARCH METHODOLOGY SUMMARY DATA HYPOTHESIS ANIMALS POPULATION RATIONALE EXPERIMENTAL PRINCIPAL
    SIGNIFICANCE IMPACT STATISTICAL ANALYSIS SAMPLE PRIMARY SECONDARY PRACTICE KEY ETHICS PROCEDURE PROCEDURES
    PURPOSE PURPOSES GOALS IMPORTANCE LEVEL EVIDENCE NUMBER APPLICATIONS""".split()  # noqa: SIM905
)
NLM_CATEGORIES = {
    "BACKGROUND": "BACKGROUND", "INTRODUCTION": "BACKGROUND", "CONTEXT": "BACKGROUND",
    "OBJECTIVE": "OBJECTIVE", "OBJECTIVES": "OBJECTIVE", "PURPOSE": "OBJECTIVE", "AIM": "OBJECTIVE",
    "AIMS": "OBJECTIVE", "METHODS": "METHODS", "METHOD": "METHODS", "DESIGN": "METHODS",
    "SETTING": "METHODS", "PATIENTS": "METHODS", "PARTICIPANTS": "METHODS", "INTERVENTIONS": "METHODS",
    "RESULTS": "RESULTS", "FINDINGS": "RESULTS", "CONCLUSIONS": "CONCLUSIONS", "CONCLUSION": "CONCLUSIONS",
    "INTERPRETATION": "CONCLUSIONS",
}
_FIRST_SENTENCE = re.compile(r"^(.+?[.?!])\s+(?=[A-Z0-9(\[])", re.S)


@dataclass(frozen=True)
class SharedDocument:
    """One abstract as a shared corpus has it: PMID, title, body lines, MeSH (possibly none)."""

    pmid: int
    source: str
    title: str
    body: list[str]
    mesh: list[str]


def split_heading(line: str) -> tuple[str | None, str]:
    """('MAIN OUTCOME MEASURES', text) for a line opening with an abstract heading, else (None, line)."""
    tokens = line.split(" ")
    taken = 0
    for token in tokens:
        words = token.rstrip(",:").split("/")
        if token and all(word in HEADING_WORDS for word in words):
            taken += 1
        else:
            break
    if taken == 0:
        return None, line
    rest = tokens[taken:]
    if rest and rest[0] == ":":
        rest = rest[1:]
    heading = " ".join(tokens[:taken]).rstrip(",:")
    return heading, " ".join(rest).strip()


def to_record(document: SharedDocument) -> PubmedRecord:
    """A PubmedRecord with labelled sections where the text has headings; `abstract` joined per the model."""
    sections: list[AbstractSection] = []
    for line in document.body:
        label, text = split_heading(line.strip())
        if not text:
            continue
        if label is None and sections and sections[-1].label is not None and document.source != "ebm_nlp":
            # EvidenceOutcomes puts one sentence per line: unlabelled lines continue the open section.
            sections[-1] = sections[-1].model_copy(update={"text": f"{sections[-1].text} {text}"})
            continue
        sections.append(AbstractSection(label=label, nlm_category=NLM_CATEGORIES.get(label or ""), text=text))
    abstract = "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections)
    mesh = [term.split("/")[0].lstrip("*") for term in document.mesh]
    major = [term.split("/")[0].lstrip("*") for term in document.mesh if "*" in term]
    return PubmedRecord(
        pmid=document.pmid,
        title=document.title.strip().removeprefix("TITLE: "),
        abstract=abstract,
        abstract_sections=sections,
        mesh_terms=mesh,
        mesh_major=major,
        languages=["eng"],
    )


def _split_title(text: str) -> tuple[str, str]:
    """Title and abstract of a one-string 'title + abstract' text: the title is its first sentence."""
    match = _FIRST_SENTENCE.match(text)
    if match is None:
        return text.strip(), ""
    return match.group(1).strip(), text[match.end() :].strip()


def _detokenise(text: str) -> str:
    """Undo EvidenceMap's space-separated tokens around punctuation ("surgery ." -> "surgery.")."""
    text = re.sub(r" ([.,;:%)\]])", r"\1", text)
    return re.sub(r"([(\[]) ", r"\1", text)


def read_ebm_nlp(shared: Path) -> Iterator[SharedDocument]:
    with (shared / "ebm_nlp/documents/ebm_nlp_documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            title, _, body = row["text"].partition("\n")
            yield SharedDocument(int(row["pmid"]), "ebm_nlp", title, body.splitlines(), row["mesh_terms"])


def read_evidence_outcomes(shared: Path) -> Iterator[SharedDocument]:
    for path in sorted((shared / "evidence_outcomes/consensus").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        yield SharedDocument(int(path.stem), "evidence_outcomes", title, body.splitlines(), [])


def read_one_string(shared: Path, folder: str, source: str, tokenised: bool) -> Iterator[SharedDocument]:
    for path in sorted((shared / folder).glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        if tokenised:
            text = _detokenise(text)
        title, abstract = _split_title(text)
        yield SharedDocument(int(path.stem), source, title, [abstract], [])


def shared_documents(shared: Path) -> dict[int, SharedDocument]:
    """Every PMID-bearing abstract of the four corpora, first corpus in SOURCES winning on duplicates."""
    readers = {
        "ebm_nlp": read_ebm_nlp(shared),
        "evidence_outcomes": read_evidence_outcomes(shared),
        "pico_corpus_breast_cancer": read_one_string(
            shared, "pico_corpus_breast_cancer/brat", "pico_corpus_breast_cancer", tokenised=False
        ),
        "evidencemap_rct": read_one_string(
            shared, "evidencemap_rct/General", "evidencemap_rct", tokenised=True
        ),
    }
    documents: dict[int, SharedDocument] = {}
    for source in SOURCES:
        for document in readers[source]:
            documents.setdefault(document.pmid, document)
    return documents


def intervention_query(topic: Topic) -> str | None:
    """The intervention's main name alone: records it finds but the topic query misses are near misses."""
    terms = topic.intervention.terms
    return f'"{terms[0]}"[tiab]' if terms else None


def spread(pmids: list[int], count: int) -> list[int]:
    """At most `count` PMIDs taken evenly across the sorted list, so near misses span the replayed nights."""
    if len(pmids) <= count:
        return pmids
    step = len(pmids) / count
    return [pmids[int(i * step)] for i in range(count)]


@dataclass(frozen=True)
class Selection:
    """What the builder keeps per topic: query matches and intervention-only near misses."""

    topic: str
    matched: list[int]
    intervention_only: list[int]


def select(records: dict[int, PubmedRecord], topics: list[Topic]) -> list[Selection]:
    """Run each topic's query (and its intervention-only query) over the records."""
    placeholder = FIRST_ENTRY_DATE  # matching needs a date; topic queries carry no date terms
    documents = [SearchDocument(r, placeholder, placeholder) for r in records.values()]
    selections = []
    for topic in topics:
        query = parse_query(topic.query)
        matched = sorted(d.pmid for d in documents if matches(query, d))
        near_query = intervention_query(topic)
        near = parse_query(near_query) if near_query else None
        only = sorted(d.pmid for d in documents if near and matches(near, d) and d.pmid not in matched)
        selections.append(Selection(topic.id, matched, spread(only, NEAR_MISS_CAP)))
    return selections


def with_entry_dates(records: list[PubmedRecord]) -> list[PubmedRecord]:
    """Simulated Entrez dates in PMID order, one day apart: PMIDs are issued in entry order."""
    ordered = sorted(records, key=lambda r: r.pmid)
    return [
        r.model_copy(update={"entrez_date": FIRST_ENTRY_DATE + timedelta(days=i)})
        for i, r in enumerate(ordered)
    ]


def build(shared: Path, topics_dir: Path, out: Path) -> list[Selection]:
    documents = shared_documents(shared)
    records = {pmid: to_record(d) for pmid, d in documents.items()}
    topics = [load_topic_file(topics_dir / f"{topic_id}.yaml") for topic_id in DEMO_TOPICS]
    selections = select(records, topics)
    kept = sorted({pmid for s in selections for pmid in (*s.matched, *s.intervention_only)})
    write_jsonl(out, with_entry_dates([records[pmid] for pmid in kept]))
    size = out.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{out} is {size:,} bytes, over the {MAX_BYTES:,}-byte limit of the bundled corpus.")
    by_source: dict[str, int] = {}
    for pmid in kept:
        by_source[documents[pmid].source] = by_source.get(documents[pmid].source, 0) + 1
    print(f"read {len(documents):,} shared abstracts; kept {len(kept)} records ({size:,} bytes) in {out}")
    print("by source: " + ", ".join(f"{source} {count}" for source, count in sorted(by_source.items())))
    for s in selections:
        print(f"{s.topic}: {len(s.matched)} match the query, {len(s.intervention_only)} intervention-only")
    return selections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--topics", type=Path, default=REPO / "topics")
    parser.add_argument("--out", type=Path, default=REPO / "litwatch" / "demo" / "corpus.jsonl.gz")
    args = parser.parse_args()
    build(args.shared_data, args.topics, args.out)


if __name__ == "__main__":
    main()
