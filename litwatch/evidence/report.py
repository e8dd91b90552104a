"""The evidence report as data: the JSON document the Markdown and HTML renderers draw from.

`build_report` is a plain function over the topic, its studies and its summary; the JSON schema of
`Report` is committed beside this module (report.schema.json) and a test keeps the two equal.
Regenerate it with `uv run python -m litwatch.evidence.report`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from extractors.models import Design, Effect
from litwatch.evidence.models import (
    DoseSpan,
    EffectCounts,
    Frozen,
    OutcomeStudy,
    OutcomeSummary,
    Strength,
    StudyEvidence,
    TierCount,
    TopicSummary,
    VerdictLabel,
)
from litwatch.evidence.phrasing import caveats, conclusion_statement, finding_sentence, plural
from litwatch.evidence.tiers import DESIGN_LABELS
from litwatch.topics import Topic

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"

SectionKey = Literal["trials", "mechanistic", "observational", "animal", "other"]
SECTION_TITLES: dict[SectionKey, str] = {
    "trials": "Meta-analyses and trials",
    "mechanistic": "Mechanistic and neuroendocrine findings",
    "observational": "Longitudinal and population studies",
    "animal": "Animal and molecular studies",
    "other": "Case reports and narrative reviews",
}
ALWAYS_SHOWN: tuple[SectionKey, ...] = ("trials", "mechanistic", "observational", "animal")


class ReportFinding(Frozen):
    pmid: int
    outcome: str
    tier: int
    effect: Effect
    sentence: str


class ReportSection(Frozen):
    key: SectionKey
    title: str
    findings: list[ReportFinding] = Field(default_factory=list)


class ChartPoint(Frozen):
    """One study on an outcome's chart: row by tier, column by effect, area by participants."""

    pmid: int
    title: str
    tier: int
    effect: Effect
    participants: int | None = None


class ReportOutcome(Frozen):
    name: str
    kind: Literal["clinical", "mechanistic"]
    better: Literal["lower", "higher"]
    verdict: VerdictLabel
    rule_id: str
    strength: Strength
    deciding_tier: int | None = None
    reason: str
    statement: str
    caveats: list[str] = Field(default_factory=list)
    studies: int
    participants: int
    counts: EffectCounts
    tiers: list[TierCount] = Field(default_factory=list)
    dose_span: DoseSpan | None = None
    populations: list[str] = Field(default_factory=list)
    strongest_pmid: int | None = None
    excluded_pmids: list[int] = Field(default_factory=list)
    points: list[ChartPoint] = Field(default_factory=list)


class Introduction(Frozen):
    question: str
    query: str
    intervention: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    articles_screened: int
    relevant_studies: int
    studies_with_findings: int
    retracted_excluded: int
    paragraphs: list[str] = Field(default_factory=list)


class Source(Frozen):
    pmid: int
    title: str
    journal: str | None = None
    year: int | None = None
    design: Design
    design_label: str
    url: str
    notes: list[str] = Field(default_factory=list)


class Report(Frozen):
    """A topic's evidence report: introduction, findings by kind of evidence, conclusion, sources."""

    schema_version: Literal["1"] = "1"
    topic: str
    question: str
    generated_at: datetime
    introduction: Introduction
    sections: list[ReportSection] = Field(default_factory=list)
    outcomes: list[ReportOutcome] = Field(default_factory=list)
    conclusion: list[str] = Field(default_factory=list)
    other_relevant_pmids: list[int] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


def section_of(study: OutcomeStudy, outcome: OutcomeSummary) -> SectionKey:
    if study.tier == 6:
        return "animal"
    if outcome.kind == "mechanistic":
        return "mechanistic"
    if study.tier <= 3:
        return "trials"
    return "observational" if study.tier <= 5 else "other"


def _sections(summary: TopicSummary) -> list[ReportSection]:
    found: dict[SectionKey, list[ReportFinding]] = {key: [] for key in SECTION_TITLES}
    for outcome in summary.outcomes:
        for study in outcome.studies:
            found[section_of(study, outcome)].append(
                ReportFinding(
                    pmid=study.pmid,
                    outcome=outcome.name,
                    tier=study.tier,
                    effect=study.effect,
                    sentence=finding_sentence(study, outcome),
                )
            )
    return [
        ReportSection(key=key, title=SECTION_TITLES[key], findings=findings)
        for key, findings in found.items()
        if findings or key in ALWAYS_SHOWN
    ]


def _outcome(outcome: OutcomeSummary) -> ReportOutcome:
    v = outcome.verdict
    return ReportOutcome(
        name=outcome.name,
        kind=outcome.kind,
        better=outcome.better,
        verdict=v.label,
        rule_id=v.rule_id,
        strength=v.strength,
        deciding_tier=v.deciding_tier,
        reason=v.reason,
        statement=conclusion_statement(outcome),
        caveats=caveats(outcome),
        studies=len(outcome.studies),
        participants=outcome.participants,
        counts=outcome.counts,
        tiers=outcome.tiers,
        dose_span=outcome.dose_span,
        populations=outcome.populations,
        strongest_pmid=outcome.strongest_pmid,
        excluded_pmids=[e.pmid for e in outcome.excluded],
        points=[
            ChartPoint(pmid=s.pmid, title=s.title, tier=s.tier, effect=s.effect, participants=s.sample_size)
            for s in outcome.studies
        ],
    )


def _introduction(
    topic: Topic, studies: Sequence[StudyEvidence], summary: TopicSummary, screened: int
) -> Introduction:
    cited = {s.pmid for o in summary.outcomes for s in o.studies}
    retracted = {s.pmid for s in studies if s.retracted}
    paragraphs = [
        f"Question: {topic.question}",
        f"Searched: PubMed, query {topic.query}. {plural(screened, 'article')} screened for this topic, "
        f"{len(studies)} judged relevant, {len(cited)} with a finding on the topic's outcomes"
        f"{f' ({len(retracted)} retracted and excluded)' if retracted else ''}. "
        f"Summary as of {summary.created_at:%Y-%m-%d}.",
    ]
    if not studies:
        paragraphs.append(
            "No relevant studies are in the warehouse for this topic yet, so there is insufficient "
            "evidence on every outcome."
        )
    if not topic.outcomes:
        paragraphs.append("The topic defines no outcomes; add outcomes to its YAML file to get verdicts.")
    return Introduction(
        question=topic.question,
        query=topic.query,
        intervention=topic.intervention.all_terms,
        outcomes=[o.name for o in topic.outcomes],
        articles_screened=screened,
        relevant_studies=len(studies),
        studies_with_findings=len(cited),
        retracted_excluded=len(retracted),
        paragraphs=paragraphs,
    )


def _source(study: StudyEvidence) -> Source:
    notes = [
        {"retraction": "retracted: excluded from the summary", "erratum": "erratum published"}.get(
            n.kind, "expression of concern"
        )
        + (f" (PMID {n.notice_pmid})" if n.notice_pmid else "")
        for n in study.notices
    ]
    if study.retracted and not any(n.kind == "retraction" for n in study.notices):
        notes.insert(0, "retracted: excluded from the summary")
    return Source(
        pmid=study.pmid,
        title=study.title,
        journal=study.journal,
        year=study.year,
        design=study.design,
        design_label=DESIGN_LABELS[study.design],
        url=PUBMED_URL.format(pmid=study.pmid),
        notes=notes,
    )


def build_report(
    topic: Topic,
    studies: Sequence[StudyEvidence],
    summary: TopicSummary,
    *,
    articles_screened: int,
    generated_at: datetime,
) -> Report:
    """The report for one topic, from its relevant studies and the summary built from them."""
    # Retracted studies are listed among the sources (marked) even without a finding, never as "other".
    cited = {s.pmid for o in summary.outcomes for s in o.studies} | {s.pmid for s in studies if s.retracted}
    outcomes = [_outcome(o) for o in summary.outcomes]
    return Report(
        topic=topic.id,
        question=topic.question,
        generated_at=generated_at,
        introduction=_introduction(topic, studies, summary, articles_screened),
        sections=_sections(summary),
        outcomes=outcomes,
        conclusion=[o.statement for o in outcomes],
        other_relevant_pmids=sorted(s.pmid for s in studies if s.pmid not in cited),
        sources=[_source(s) for s in sorted(studies, key=lambda s: s.pmid) if s.pmid in cited],
    )


def report_json_schema() -> str:
    return json.dumps(Report.model_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(report_json_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
