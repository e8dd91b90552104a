"""Build a topic's summary from its studies: per canonical outcome, the included studies, their tiers,
participants, effect counts, the strongest evidence, doses, populations and the verdict.

Plain functions over typed inputs; the warehouse query that produces `StudyEvidence` lives in
`warehouse/evidence.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from extractors.models import Effect
from litwatch.evidence.models import (
    DoseSpan,
    EffectCounts,
    ExcludedStudy,
    Finding,
    OutcomeStudy,
    OutcomeSummary,
    StudyEvidence,
    TierCount,
    TopicSummary,
    dose_bounds,
)
from litwatch.evidence.tiers import TIER_LABELS, is_human
from litwatch.evidence.verdict import decide_verdict
from litwatch.topics import Outcome, Topic


def resolve_effect(findings: Sequence[Finding]) -> Effect:
    """One study's effect on one outcome from all its findings on it.

    Benefit beside harm in the same study is `unclear` (the abstract contradicts itself or reports
    subgroups); otherwise a benefit or harm outweighs a null finding, which outweighs `unclear`.
    """
    effects = {f.effect for f in findings}
    if {"benefit", "harm"} <= effects:
        return "unclear"
    for effect in ("benefit", "harm", "null"):
        if effect in effects:
            return effect
    return "unclear"


def _representative(findings: Sequence[Finding], effect: Effect) -> Finding:
    """The finding a sentence quotes: same effect, with the most numbers, earliest first."""
    candidates = [f for f in findings if f.effect == effect] or list(findings)
    return max(
        candidates,
        key=lambda f: (f.effect_size is not None, f.p_value is not None, -candidates.index(f)),
    )


def outcome_study(study: StudyEvidence, findings: Sequence[Finding]) -> OutcomeStudy:
    effect = resolve_effect(findings)
    return OutcomeStudy(
        pmid=study.pmid,
        article_version=study.article_version,
        title=study.title,
        year=study.year,
        journal=study.journal,
        design=study.design,
        tier=study.tier,
        sample_size=study.sample_size,
        effect=effect,
        finding=_representative(findings, effect),
        populations=study.populations,
        doses=study.doses,
        concern=study.concern,
    )


def _order(study: OutcomeStudy) -> tuple[int, int, int]:
    return (study.tier, -(study.sample_size or 0), study.pmid)


def _tiers(studies: Sequence[OutcomeStudy]) -> list[TierCount]:
    return [
        TierCount(
            tier=tier,
            label=TIER_LABELS[tier],
            studies=sum(1 for s in studies if s.tier == tier),
            participants=sum(s.sample_size or 0 for s in studies if s.tier == tier and is_human(tier)),
        )
        for tier in sorted({s.tier for s in studies})
    ]


def _counts(studies: Sequence[OutcomeStudy]) -> EffectCounts:
    human = [s.effect for s in studies if is_human(s.tier)]
    return EffectCounts(
        benefit=human.count("benefit"),
        null=human.count("null"),
        harm=human.count("harm"),
        unclear=human.count("unclear"),
    )


def _dose_span(studies: Sequence[OutcomeStudy]) -> DoseSpan | None:
    bounds = dose_bounds([d for s in studies for d in s.doses])
    return DoseSpan(low_mg=bounds[0], high_mg=bounds[1]) if bounds else None


def summarise_outcome(outcome: Outcome, studies: Sequence[StudyEvidence]) -> OutcomeSummary:
    """The evidence on one outcome: retracted studies are listed as excluded and count for nothing."""
    included: list[OutcomeStudy] = []
    excluded: list[ExcludedStudy] = []
    for study in studies:
        findings = [f for f in study.findings if f.concept == outcome.name]
        if not findings:
            continue
        if study.retracted:
            notice = next((n.notice_pmid for n in study.notices if n.kind == "retraction"), None)
            excluded.append(
                ExcludedStudy(
                    pmid=study.pmid,
                    article_version=study.article_version,
                    title=study.title,
                    reason="retracted",
                    notice_pmid=notice,
                )
            )
        else:
            included.append(outcome_study(study, findings))
    included.sort(key=_order)
    excluded.sort(key=lambda e: e.pmid)
    verdict = decide_verdict(included)
    deciding = [s for s in included if s.tier == verdict.deciding_tier and s.effect != "unclear"]
    human = [s for s in included if is_human(s.tier)]
    return OutcomeSummary(
        name=outcome.name,
        kind=outcome.kind,
        better=outcome.better,
        studies=included,
        excluded=excluded,
        tiers=_tiers(included),
        participants=sum(s.sample_size or 0 for s in human),
        studies_without_sample_size=sum(1 for s in human if s.sample_size is None),
        counts=_counts(included),
        strongest_pmid=min(deciding, key=_order).pmid if deciding else None,
        dose_span=_dose_span(included),
        populations=sorted({p.describe() for s in included for p in s.populations if p.describe()}),
        verdict=verdict,
    )


def build_topic_summary(topic: Topic, studies: Sequence[StudyEvidence], created_at: datetime) -> TopicSummary:
    """Summarise every canonical outcome of the topic over its relevant studies."""
    return TopicSummary(
        topic=topic.id,
        created_at=created_at,
        outcomes=[summarise_outcome(outcome, studies) for outcome in topic.outcomes],
    )
