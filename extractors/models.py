"""Typed results of extraction: what the pipeline hands to the warehouse and the evidence summary."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Design = Literal[
    "meta_analysis",
    "systematic_review",
    "rct",
    "non_randomised_trial",
    "cohort",
    "cross_sectional",
    "case_control",
    "case_report",
    "animal",
    "in_vitro",
    "narrative_review",
    "other",
]
Section = Literal["title", "abstract"]
Direction = Literal["increase", "decrease", "no_change", "unclear"]
Effect = Literal["benefit", "harm", "null", "unclear"]


class DoseAttrs(BaseModel):
    """Normalised dose fields; amounts are kept as a range (low == high for a single value)."""

    amount_low: float | None = None
    amount_high: float | None = None
    unit: str | None = None
    per: Literal["dose", "day", "kg", "kg_day", "week", "hour"] | None = None
    frequency_per_day: float | None = None
    duration_days: float | None = None
    compound: str | None = None
    form: str | None = None
    elemental: bool | None = None
    mg_per_day_low: float | None = None
    mg_per_day_high: float | None = None


class PopulationAttrs(BaseModel):
    """Normalised population fields; which are set depends on the mention's label."""

    sample_size: int | None = None
    age_low: float | None = None
    age_high: float | None = None
    age_mean: float | None = None
    age_group: Literal["children", "adolescents", "adults", "older_adults"] | None = None
    sex: Literal["female", "male", "mixed"] | None = None
    condition: str | None = None
    # On condition mentions: a people noun ties the phrase to the participants ("patients with X").
    participants_condition: bool | None = None
    setting: str | None = None


class FindingStatistics(BaseModel):
    """What a sentence reports about an outcome: direction, significance and the numbers behind them.

    Shared by the extracted `OutcomeAttrs` and the evidence summary's `Finding`: the same reading."""

    direction: Direction = "unclear"
    significant: bool | None = None
    effect_size: float | None = None
    effect_kind: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    # How the p-value was stated: "P < .05" is p_value 0.05 with p_relation "<" ("≤" reads as "<").
    p_relation: Literal["<", "=", ">"] | None = None
    sentence: str | None = None


class OutcomeAttrs(FindingStatistics):
    """A finding about one outcome mention; topic-independent (concept mapping happens per topic)."""

    # "improved"/"worsened" where the text judges the change itself (then the topic's `better` is not needed).
    polarity: Literal["improved", "worsened"] | None = None


class Mention(BaseModel):
    """One extracted span; offsets index `articles.title` or `articles.abstract` exactly."""

    kind: Literal["dose", "population", "outcome"]
    label: str
    section: Section
    start_char: int
    end_char: int
    text: str
    dose: DoseAttrs | None = None
    population: PopulationAttrs | None = None
    outcome: OutcomeAttrs | None = None


class TopicRelevance(BaseModel):
    topic: str
    relevant: bool
    reason: str


class TopicOutcome(BaseModel):
    """One outcome mention read for one topic: the canonical outcome it names (None if none) and
    whether its finding is good news for that topic."""

    topic: str
    section: Section
    start_char: int
    end_char: int
    concept: str | None = None
    # Set where reading the finding with the topic's intervention as an arm gives the direction the
    # topic-free reading left unclear (extractors/topic_direction.py); the view prefers it.
    direction: Direction | None = None
    effect: Effect = "unclear"


class ArticleExtraction(BaseModel):
    """Everything the pipeline found in one stored version of one article."""

    pmid: int
    article_version: int
    extractor_version: str
    design: Design = "other"
    design_source: Literal["publication_type", "mesh", "text", "default"] = "default"
    sample_size: int | None = None
    mentions: list[Mention] = Field(default_factory=list)
    skipped_reason: str | None = None
    relevance: list[TopicRelevance] = Field(default_factory=list)
    topic_outcomes: list[TopicOutcome] = Field(default_factory=list)


class Abbreviation(BaseModel):
    """A short form defined in the text and its long form, as Doc char offsets (Schwartz & Hearst)."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int
