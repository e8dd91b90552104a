"""Builders for evidence tests: typed studies and findings in one line each, and a fixed clock."""

from __future__ import annotations

from datetime import datetime

from extractors.models import Design, Direction, Effect
from litwatch.evidence.models import Dose, Finding, Notice, OutcomeStudy, Population, StudyEvidence
from litwatch.evidence.summary import outcome_study
from litwatch.topics import Outcome, Topic

NIGHT_1 = datetime(2026, 11, 24, 2, 0)
NIGHT_2 = datetime(2026, 11, 25, 2, 0)
LATENCY = "sleep onset latency"
QUALITY = "sleep quality"

DIRECTIONS: dict[Effect, Direction] = {
    "benefit": "decrease",
    "harm": "increase",
    "null": "no_change",
    "unclear": "unclear",
}


def finding(
    concept: str = LATENCY,
    effect: Effect = "benefit",
    effect_size: float | None = None,
    p: float | None = None,
) -> Finding:
    """A finding on a lower-is-better outcome; significance follows the effect."""
    return Finding(
        concept=concept,
        effect=effect,
        direction=DIRECTIONS[effect],
        significant={"benefit": True, "harm": True, "null": False}.get(effect),
        effect_size=effect_size,
        p_value=p,
    )


def study(
    pmid: int,
    design: Design = "rct",
    n: int | None = 120,
    effects: dict[str, Effect] | None = None,
    *,
    version: int = 1,
    population: Population | None = None,
    mg: tuple[float, float] | None = None,
    notices: list[Notice] | None = None,
    retracted: bool = False,
    title: str | None = None,
) -> StudyEvidence:
    effects = {LATENCY: "benefit"} if effects is None else effects
    return StudyEvidence(
        pmid=pmid,
        article_version=version,
        title=title or f"Study {pmid}",
        year=2020,
        journal="Journal of Sleep Tests",
        design=design,
        sample_size=n,
        populations=[population] if population else [],
        doses=[Dose(text=f"{mg[0]}-{mg[1]} mg", mg_per_day_low=mg[0], mg_per_day_high=mg[1])] if mg else [],
        findings=[finding(concept, effect) for concept, effect in effects.items()],
        retracted=retracted,
        notices=notices or [],
    )


def on_latency(*studies: StudyEvidence) -> list[OutcomeStudy]:
    """The studies as the latency outcome sees them."""
    return [outcome_study(s, [f for f in s.findings if f.concept == LATENCY]) for s in studies]


def sleep_topic(*outcomes: Outcome) -> Topic:
    return Topic(
        id="test-sleep",
        question="Does the test compound help you sleep?",
        query="test[tiab] AND sleep[tiab]",
        outcomes=list(outcomes)
        or [Outcome(name=LATENCY, better="lower"), Outcome(name=QUALITY, better="lower")],
    )
