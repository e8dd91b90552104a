"""The evidence scenario over real records: EBM-NLP abstracts loaded night by night into a warehouse.

Records are real (ebm_nlp_documents.jsonl); what night 2 changes is scripted as PubMed would send it:
a revised abstract (night 1 carries the abstract without its actigraphy sentence, night 2 the real
one) and a RetractionIn notice (PMID 99999901, invented: the corpus has no retraction notices).

Extraction is hand-written: `ArticleExtraction`s (design, size, population and outcome mentions, the
topic's reading of each outcome) stored through `warehouse.mentions.store_extractions` into the real
tables, so the summary reads them through the real `studies`, `populations` and `outcomes` views.
Hand-written because the scenario asserts verdicts exactly: it must not move when the pipeline's
accuracy does (`test_evidence_pipeline.py` runs the real pipeline over the same records).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import duckdb

from extractors.models import (
    ArticleExtraction,
    Design,
    Direction,
    Effect,
    Mention,
    OutcomeAttrs,
    PopulationAttrs,
    TopicOutcome,
    TopicRelevance,
)
from litwatch.pubmed.records import CommentCorrection, PubmedRecord
from litwatch.topics import Topic, load_topic_file
from warehouse.articles import load_records
from warehouse.connection import transaction
from warehouse.mentions import store_extractions

TOPIC_FILE = Path(__file__).parent / "fixtures" / "topics" / "sleep-education-autism.yaml"
DOCUMENTS = "ebm_nlp/documents/ebm_nlp_documents.jsonl"
EXTRACTOR = "scenario-hand-written"
LATENCY, PROBLEMS, OBJECTIVE, TST = (
    "sleep onset latency",
    "parent-reported sleep problems",
    "objective sleep",
    "total sleep time",
)
ACTIGRAPHY = "There were no objective changes in sleep detected by actigraphy."
RETRACTION_NOTICE = 99999901
AgeGroup = Literal["children", "adolescents", "adults", "older_adults"]


@dataclass(frozen=True)
class HandFinding:
    """A finding as the outcome extractor would report it: the outcome phrase inside its sentence."""

    concept: str
    phrase: str
    sentence: str
    effect: Effect
    direction: Direction
    significant: bool | None


@dataclass(frozen=True)
class HandStudy:
    pmid: int
    design: Design
    sample_size: int
    age_group: AgeGroup
    condition_text: str
    relevant: bool
    findings: list[HandFinding] = field(default_factory=list)


PAMPHLET_NULL = "Mean change in sleep-onset latency did not differ between the randomized groups"
EDUCATION_IMPROVED = (
    "Sleep latency, insomnia subscales on the Children's Sleep Habits Questionnaire, and other outcomes "
    "related to child and family functioning improved with treatment."
)
PARENT_REPORT = (
    "The BPT program group significantly improved more than the comparison group based on the primary "
    "sleep outcome of parent report."
)

EDUCATION = HandStudy(
    23754339,
    "non_randomised_trial",
    80,
    "children",
    "ASD",
    True,
    [
        HandFinding(LATENCY, "Sleep latency", EDUCATION_IMPROVED, "benefit", "decrease", None),
        HandFinding(PROBLEMS, "insomnia subscales", EDUCATION_IMPROVED, "benefit", "decrease", None),
    ],
)
PARENT_TRAINING_V1 = HandStudy(
    23993773,
    "rct",
    40,
    "children",
    "ASD",
    True,
    [HandFinding(PROBLEMS, "sleep outcome of parent report", PARENT_REPORT, "benefit", "decrease", True)],
)
# The revised abstract adds the actigraphy finding; the study is otherwise the same.
PARENT_TRAINING_V2 = replace(
    PARENT_TRAINING_V1,
    findings=[
        *PARENT_TRAINING_V1.findings,
        HandFinding(OBJECTIVE, "objective changes in sleep", ACTIGRAPHY, "null", "no_change", False),
    ],
)
PAMPHLET = HandStudy(
    23118244,
    "rct",
    36,
    "children",
    "ASD",
    True,
    [HandFinding(LATENCY, "sleep-onset latency", PAMPHLET_NULL, "null", "no_change", False)],
)
WEIGHTED_BLANKET = HandStudy(  # a near miss: the query finds it, the intervention is not education
    25022743,
    "rct",
    73,
    "children",
    "ASD",
    False,
    [HandFinding(TST, "TST", "did not increase TST", "null", "no_change", False)],
)


def scenario_topic() -> Topic:
    return load_topic_file(TOPIC_FILE)


def read_records(shared_data: Path) -> dict[int, PubmedRecord]:
    """The scenario's real abstracts as PubMed records (EBM-NLP text: title, blank line, abstract)."""
    wanted = {s.pmid for s in (EDUCATION, PARENT_TRAINING_V1, PAMPHLET, WEIGHTED_BLANKET)}
    records = {}
    with (shared_data / DOCUMENTS).open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if int(doc["pmid"]) in wanted:
                title, _, abstract = doc["text"].partition("\n\n")
                records[int(doc["pmid"])] = PubmedRecord(
                    pmid=int(doc["pmid"]),
                    title=title.strip(),
                    abstract=abstract.strip(),
                    mesh_terms=doc["mesh_terms"],
                )
    assert set(records) == wanted, "the scenario's EBM-NLP records are missing"
    return records


def night_records(records: dict[int, PubmedRecord], night: int) -> list[PubmedRecord]:
    """Night 1: the education study, the parent-training trial without its actigraphy sentence, the
    near miss. Night 2: the pamphlet trial, the full parent-training abstract, the retraction notice."""
    training = records[PARENT_TRAINING_V1.pmid]
    if night == 1:
        assert ACTIGRAPHY in training.abstract
        shortened = training.model_copy(update={"abstract": training.abstract.replace(" " + ACTIGRAPHY, "")})
        return [records[EDUCATION.pmid], shortened, records[WEIGHTED_BLANKET.pmid]]
    notice = CommentCorrection(ref_type="RetractionIn", pmid=RETRACTION_NOTICE, ref_source="Scenario notice")
    retracted = records[EDUCATION.pmid].model_copy(update={"comments_corrections": [notice]})
    return [records[PAMPHLET.pmid], training, retracted]


def night_studies(night: int) -> list[HandStudy]:
    if night == 1:
        return [EDUCATION, PARENT_TRAINING_V1, WEIGHTED_BLANKET]
    return [PAMPHLET, PARENT_TRAINING_V2, EDUCATION]


def _span(text: str, phrase: str, within: str | None = None) -> tuple[int, int]:
    """Offsets of `phrase` in `text`, looked for inside the sentence `within` when given."""
    offset = text.index(within) if within else 0
    start = text.index(phrase, offset)
    return start, start + len(phrase)


def _mention(label: str, span: tuple[int, int], text: str, attrs: PopulationAttrs | OutcomeAttrs) -> Mention:
    population, outcome = (attrs, None) if isinstance(attrs, PopulationAttrs) else (None, attrs)
    return Mention(
        kind="population" if population else "outcome",
        label=label,
        section="abstract",
        start_char=span[0],
        end_char=span[1],
        text=text,
        population=population,
        outcome=outcome,
    )


def _extraction(study: HandStudy, record: PubmedRecord, version: int, topic: str) -> ArticleExtraction:
    """What the pipeline would store: design, size, population spans, outcome findings and their
    reading for the topic, with offsets into the abstract."""
    size_text = {
        80: "Eighty children",
        40: "40 young children",
        36: "Thirty-six children",
        73: "Seventy-three",
    }
    population = [
        ("sample_size", size_text[study.sample_size], PopulationAttrs(sample_size=study.sample_size)),
        ("age", "children", PopulationAttrs(age_group=study.age_group)),
        ("condition", study.condition_text, PopulationAttrs(condition="autism spectrum disorder")),
    ]
    mentions = [
        _mention(label, _span(record.abstract, phrase), phrase, attrs) for label, phrase, attrs in population
    ]
    readings = []
    for f in study.findings:
        span = _span(record.abstract, f.phrase, within=f.sentence)
        finding = OutcomeAttrs(direction=f.direction, significant=f.significant, sentence=f.sentence)
        mentions.append(_mention("outcome", span, f.phrase, finding))
        readings.append(
            TopicOutcome(
                topic=topic,
                section="abstract",
                start_char=span[0],
                end_char=span[1],
                concept=f.concept,
                effect=f.effect,
            )
        )
    return ArticleExtraction(
        pmid=study.pmid,
        article_version=version,
        extractor_version=EXTRACTOR,
        design=study.design,
        design_source="text",
        sample_size=study.sample_size,
        mentions=mentions,
        relevance=[
            TopicRelevance(topic=topic, relevant=study.relevant, reason="hand-judged for the scenario")
        ],
        topic_outcomes=readings,
    )


def load_night(con: duckdb.DuckDBPyConnection, shared_data: Path, night: int) -> None:
    """Load one night's records, then store the extraction of every new or revised article version."""
    topic = scenario_topic()
    records = read_records(shared_data)
    with transaction(con):
        load_records(
            con,
            night_records(records, night),
            source=f"scenario-night-{night}",
            run_id=f"import-{night}",
            topic=topic.id,
        )
    current = {r.pmid: r for r in night_records(records, night)}
    versions = dict(con.execute("SELECT pmid, version FROM articles").fetchall())
    extractions = [_extraction(s, current[s.pmid], versions[s.pmid], topic.id) for s in night_studies(night)]
    with transaction(con):
        store_extractions(con, extractions)
