"""Typed inputs and outputs of the evidence summary: one study's evidence in, one topic's summary out.

`StudyEvidence` is what the warehouse query builds from the extraction views; `TopicSummary` is what
`summarise` computes and what a run stores as its snapshot (one `OutcomeSummary` per row of
`summaries`), so two runs can be compared without re-reading the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractors.models import Design, Effect, FindingStatistics
from litwatch.evidence.tiers import tier_of

VerdictLabel = Literal["supported", "mixed", "not supported", "insufficient"]
Strength = Literal["high", "moderate", "low", "very low"]
NoticeKind = Literal["retraction", "expression_of_concern", "erratum"]
ExclusionReason = Literal["retracted"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Finding(Frozen, FindingStatistics):
    """One extracted finding of a study about one of the topic's canonical outcomes."""

    concept: str
    effect: Effect = "unclear"


class Population(Frozen):
    """Who was studied, as far as the abstract says; every field may be unknown."""

    age_group: Literal["children", "adolescents", "adults", "older_adults"] | None = None
    sex: Literal["female", "male", "mixed"] | None = None
    condition: str | None = None
    setting: str | None = None

    def descriptors(self) -> list[str]:
        """Short comparable labels ("children", "women", "autism spectrum disorder") for diffing."""
        labels = []
        if self.age_group:
            labels.append(self.age_group.replace("_", " "))
        if self.sex in ("female", "male"):
            labels.append("women" if self.sex == "female" else "men")
        if self.condition:
            labels.append(self.condition.strip().lower())
        return labels

    def describe(self) -> str:
        """Words for a sentence: "children with autism spectrum disorder", "women", "" when unknown."""
        group = self.age_group.replace("_", " ") if self.age_group else None
        if self.sex in ("female", "male"):
            female = self.sex == "female"
            group = f"{'female' if female else 'male'} {group}" if group else ("women" if female else "men")
        if self.condition:
            return f"{group or 'people'} with {self.condition.strip()}"
        return group or ""


class Dose(Frozen):
    """A daily dose range in mg where the text allows it, else the amount as stated and the words used."""

    text: str
    mg_per_day_low: float | None = None
    mg_per_day_high: float | None = None
    form: str | None = None
    amount_low: float | None = None
    amount_high: float | None = None
    unit: str | None = None
    per: str | None = None


def dose_bounds(doses: Sequence[Dose]) -> tuple[float, float] | None:
    """Lowest and highest mg/day over the doses, or None when none is normalised to mg/day."""
    values = [v for d in doses for v in (d.mg_per_day_low, d.mg_per_day_high) if v is not None]
    return (min(values), max(values)) if values else None


class Notice(Frozen):
    """A CommentsCorrections notice attached to the study (retraction, expression of concern, erratum)."""

    kind: NoticeKind
    notice_pmid: int | None = None


class StudyEvidence(Frozen):
    """Everything the summary needs about one relevant study, as the warehouse knows it now."""

    pmid: int
    article_version: int = 1
    title: str
    year: int | None = None
    journal: str | None = None
    design: Design = "other"
    sample_size: int | None = None
    populations: list[Population] = Field(default_factory=list)
    doses: list[Dose] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    retracted: bool = False
    notices: list[Notice] = Field(default_factory=list)

    @property
    def tier(self) -> int:
        return tier_of(self.design)

    @property
    def concern(self) -> bool:
        return any(n.kind == "expression_of_concern" for n in self.notices)


class OutcomeStudy(Frozen):
    """One study's contribution to one outcome: its tier and its single resolved finding."""

    pmid: int
    article_version: int
    title: str
    year: int | None = None
    journal: str | None = None
    design: Design
    tier: int
    sample_size: int | None = None
    effect: Effect
    finding: Finding
    populations: list[Population] = Field(default_factory=list)
    doses: list[Dose] = Field(default_factory=list)
    concern: bool = False


class TierCount(Frozen):
    tier: int
    label: str
    studies: int
    participants: int


class EffectCounts(Frozen):
    benefit: int = 0
    null: int = 0
    harm: int = 0
    unclear: int = 0


class DoseSpan(Frozen):
    low_mg: float
    high_mg: float


class Verdict(Frozen):
    """The answer for one outcome, the rule that gave it, and how much weight the evidence bears."""

    label: VerdictLabel
    rule_id: str
    reason: str
    strength: Strength
    deciding_tier: int | None = None


class ExcludedStudy(Frozen):
    pmid: int
    article_version: int
    title: str
    reason: ExclusionReason
    notice_pmid: int | None = None


class OutcomeSummary(Frozen):
    """The state of the evidence on one canonical outcome; stored as one `summaries` row per run."""

    name: str
    kind: Literal["clinical", "mechanistic"] = "clinical"
    better: Literal["lower", "higher"] = "higher"
    studies: list[OutcomeStudy] = Field(default_factory=list)
    excluded: list[ExcludedStudy] = Field(default_factory=list)
    tiers: list[TierCount] = Field(default_factory=list)
    participants: int = 0
    studies_without_sample_size: int = 0
    counts: EffectCounts = Field(default_factory=EffectCounts)
    strongest_pmid: int | None = None
    dose_span: DoseSpan | None = None
    populations: list[str] = Field(default_factory=list)
    verdict: Verdict

    def study(self, pmid: int) -> OutcomeStudy | None:
        return next((s for s in self.studies if s.pmid == pmid), None)


class TopicSummary(Frozen):
    """One topic's summary at one moment: a verdict per canonical outcome."""

    topic: str
    created_at: datetime
    outcomes: list[OutcomeSummary] = Field(default_factory=list)

    def outcome(self, name: str) -> OutcomeSummary | None:
        return next((o for o in self.outcomes if o.name == name), None)
