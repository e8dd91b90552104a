"""Compare a topic's new summary with its last snapshot and flag every study that changes it.

One `Flag` per study, reason and outcome (study-level reasons have no outcome). A study is *changed*
for an outcome when it is new there, its finding there changed, or it left (retracted, revised away).
Only changed studies are flagged; the reasons are machine-readable and described in words by
`describe_flag`.
"""

from __future__ import annotations

import json
from typing import Literal, get_args

from pydantic import ConfigDict, Field
from rapidfuzz import fuzz

from extractors.models import Effect
from litwatch.evidence.models import (
    Finding,
    Frozen,
    OutcomeStudy,
    OutcomeSummary,
    TopicSummary,
    VerdictLabel,
    dose_bounds,
)
from litwatch.evidence.tiers import TIER_LABELS, is_human

FlagReason = Literal[
    "retraction",
    "expression_of_concern",
    "revised_extraction",
    "first_evidence",
    "higher_tier",
    "verdict_change",
    "contradicts",
    "largest_sample",
    "new_population",
    "new_dose_range",
]
REASON_ORDER: tuple[FlagReason, ...] = get_args(FlagReason)  # most consequential first
POPULATION_SIMILARITY = 90  # rapidfuzz ratio at which two population labels are the same group


class FindingChange(Frozen):
    """How a revision changed one outcome's finding; None where the study had no finding on it."""

    outcome: str
    before: Effect | None
    after: Effect | None
    # What else the revision changed about the study's finding ("sample size 11 -> 12", "numbers", "design").
    changed: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        """'sleep quality none -> benefit'; 'sleep duration: sample size 11 -> 12' when the effect stayed."""
        if self.before != self.after or not self.changed:
            return f"{self.outcome} {self.before or 'none'} -> {self.after or 'none'}"
        return f"{self.outcome}: {', '.join(self.changed)}"


class FlagDetail(Frozen):
    """Reason-specific facts; only the fields a reason uses are set (the JSON omits the rest)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    outcome: str | None = None
    from_verdict: VerdictLabel | None = Field(default=None, alias="from")
    to_verdict: VerdictLabel | None = Field(default=None, alias="to")
    verdict: VerdictLabel | None = None
    effect: Effect | None = None
    tier: int | None = None
    previous_tier: int | None = None
    sample_size: int | None = None
    previous_largest: int | None = None
    populations: list[str] | None = None
    dose_low_mg: float | None = None
    dose_high_mg: float | None = None
    previous_low_mg: float | None = None
    previous_high_mg: float | None = None
    notice_pmid: int | None = None
    previously_included: bool | None = None
    from_version: int | None = None
    to_version: int | None = None
    changes: list[FindingChange] | None = None

    def to_json(self) -> str:
        """Set fields only (nested values kept whole, so a change `before: null` stays explicit)."""
        fields = self.model_dump(mode="json", by_alias=True)
        return json.dumps({name: value for name, value in fields.items() if value is not None})


class Flag(Frozen):
    """One reason why one study deserves a curator's attention in one run."""

    topic: str
    pmid: int
    run_id: str
    reason: FlagReason
    outcome: str | None = None
    detail: FlagDetail = Field(default_factory=FlagDetail)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.pmid, REASON_ORDER.index(self.reason), self.outcome or "")


def _numbers(study: OutcomeStudy) -> Finding:
    """The study's finding without the sentence's wording."""
    return study.finding.model_copy(update={"sentence": None})


def _finding_key(study: OutcomeStudy) -> tuple[object, ...]:
    """What counts as the same finding: effect, numbers, tier and size; not the sentence's wording."""
    return (study.effect, _numbers(study), study.tier, study.sample_size)


def _opposes(effect: Effect, verdict: VerdictLabel) -> bool:
    if verdict == "supported":
        return effect in ("null", "harm")
    if verdict == "not supported":
        return effect == "benefit"
    return False


def _initials(words: str) -> str:
    return "".join(word[0] for word in words.replace("-", " ").split())


def same_population(a: str, b: str) -> bool:
    """Labels that name the same group: near-identical spelling ("autism spectrum disorders" /
    "... disorder") or one the acronym of the other ("asd" / "autism spectrum disorder")."""
    if fuzz.ratio(a, b) >= POPULATION_SIMILARITY:
        return True
    return a.replace(" ", "") == _initials(b) or b.replace(" ", "") == _initials(a)


class _FlagMaker:
    """Builds flags for one topic, run and (optionally) outcome, so call sites state only the facts."""

    def __init__(self, topic: str, run_id: str, outcome: str | None) -> None:
        self.topic, self.run_id, self.outcome = topic, run_id, outcome

    def __call__(self, pmid: int, reason: FlagReason, **facts: object) -> Flag:
        detail = FlagDetail.model_validate({"outcome": self.outcome, **facts})
        return Flag(
            topic=self.topic,
            pmid=pmid,
            run_id=self.run_id,
            reason=reason,
            outcome=self.outcome,
            detail=detail,
        )


def _novelty_flags(previous: OutcomeSummary, study: OutcomeStudy, make: _FlagMaker) -> list[Flag]:
    """higher_tier, contradicts, largest_sample, new_population, new_dose_range for one changed study."""
    flags = []
    previous_tier = min(s.tier for s in previous.studies)
    if study.tier < previous_tier:
        flags.append(make(study.pmid, "higher_tier", tier=study.tier, previous_tier=previous_tier))
    prior = previous.verdict
    if (
        is_human(study.tier)
        and prior.deciding_tier is not None
        and study.tier <= prior.deciding_tier
        and _opposes(study.effect, prior.label)
    ):
        flags.append(
            make(study.pmid, "contradicts", verdict=prior.label, effect=study.effect, tier=study.tier)
        )
    largest = max((s.sample_size or 0 for s in previous.studies if is_human(s.tier)), default=0)
    if is_human(study.tier) and study.sample_size and study.sample_size > largest:
        flags.append(
            make(
                study.pmid, "largest_sample", sample_size=study.sample_size, previous_largest=largest or None
            )
        )
    seen = {label for s in previous.studies for p in s.populations for label in p.descriptors()}
    new_labels = sorted(
        label
        for label in {label for p in study.populations for label in p.descriptors()}
        if not any(same_population(label, old) for old in seen)
    )
    if new_labels:
        flags.append(make(study.pmid, "new_population", populations=new_labels))
    bounds = dose_bounds(study.doses)
    span = previous.dose_span
    if bounds and (span is None or bounds[0] < span.low_mg or bounds[1] > span.high_mg):
        flags.append(
            make(
                study.pmid,
                "new_dose_range",
                dose_low_mg=bounds[0],
                dose_high_mg=bounds[1],
                previous_low_mg=span.low_mg if span else None,
                previous_high_mg=span.high_mg if span else None,
            )
        )
    return flags


def diff_outcome(previous: OutcomeSummary | None, current: OutcomeSummary, make: _FlagMaker) -> list[Flag]:
    """Flags for one outcome; `previous` is None when the last snapshot did not have this outcome."""
    before = {s.pmid: s for s in previous.studies} if previous else {}
    changed = [
        s for s in current.studies if s.pmid not in before or _finding_key(s) != _finding_key(before[s.pmid])
    ]
    left = sorted(set(before) - {s.pmid for s in current.studies})
    flags: list[Flag] = []
    if previous is None or not previous.studies:
        flags.extend(make(s.pmid, "first_evidence", tier=s.tier, effect=s.effect) for s in current.studies)
    else:
        for study in changed:
            flags.extend(_novelty_flags(previous, study, make))
    if previous and previous.verdict.label != current.verdict.label:
        for pmid in sorted({s.pmid for s in changed} | set(left)):
            flags.append(
                make(
                    pmid,
                    "verdict_change",
                    from_verdict=previous.verdict.label,
                    to_verdict=current.verdict.label,
                )
            )
    return flags


def _included(summary: TopicSummary | None) -> dict[int, list[OutcomeStudy]]:
    found: dict[int, list[OutcomeStudy]] = {}
    for outcome in summary.outcomes if summary else []:
        for study in outcome.studies:
            found.setdefault(study.pmid, []).append(study)
    return found


def _effects_by_outcome(summary: TopicSummary, pmid: int) -> dict[str, OutcomeStudy]:
    return {o.name: s for o in summary.outcomes for s in o.studies if s.pmid == pmid}


def _what_changed(old: OutcomeStudy, new: OutcomeStudy) -> list[str]:
    """The parts of `_finding_key` other than the effect that differ, in words."""
    changed = []
    if old.sample_size != new.sample_size:
        changed.append(f"sample size {old.sample_size or 'none'} -> {new.sample_size or 'none'}")
    if old.tier != new.tier:
        changed.append("design")
    if _numbers(old) != _numbers(new):
        changed.append("numbers")
    return changed


def _revision_changes(previous: TopicSummary, current: TopicSummary, pmid: int) -> list[FindingChange]:
    old, new = _effects_by_outcome(previous, pmid), _effects_by_outcome(current, pmid)
    return [
        FindingChange(
            outcome=name,
            before=old[name].effect if name in old else None,
            after=new[name].effect if name in new else None,
            changed=_what_changed(old[name], new[name]) if name in old and name in new else [],
        )
        for name in sorted(set(old) | set(new))
        if name not in old or name not in new or _finding_key(old[name]) != _finding_key(new[name])
    ]


def _study_flags(previous: TopicSummary | None, current: TopicSummary, run_id: str) -> list[Flag]:
    """retraction, expression_of_concern and revised_extraction: facts about a study, not an outcome."""
    make = _FlagMaker(current.topic, run_id, None)
    was, now = _included(previous), _included(current)
    flagged_retracted = {e.pmid for o in (previous.outcomes if previous else []) for e in o.excluded}
    retracted = {e.pmid: e for o in current.outcomes for e in o.excluded}
    flags = [
        make(pmid, "retraction", notice_pmid=e.notice_pmid, previously_included=pmid in was)
        for pmid, e in retracted.items()
        if pmid not in flagged_retracted
    ]
    had_concern = {pmid for pmid, studies in was.items() if any(s.concern for s in studies)}
    flags.extend(
        make(pmid, "expression_of_concern")
        for pmid, studies in now.items()
        if any(s.concern for s in studies) and pmid not in had_concern
    )
    if previous:
        for pmid in sorted(set(was) & set(now)):
            old_version, new_version = was[pmid][0].article_version, now[pmid][0].article_version
            changes = _revision_changes(previous, current, pmid)
            if new_version != old_version and changes:
                flags.append(
                    make(
                        pmid,
                        "revised_extraction",
                        from_version=old_version,
                        to_version=new_version,
                        changes=changes,
                    )
                )
    return flags


def diff_summaries(previous: TopicSummary | None, current: TopicSummary, run_id: str) -> list[Flag]:
    """Every flag the new summary raises against the last snapshot (None on a topic's first run)."""
    flags = _study_flags(previous, current, run_id)
    for outcome in current.outcomes:
        before = previous.outcome(outcome.name) if previous else None
        flags.extend(diff_outcome(before, outcome, _FlagMaker(current.topic, run_id, outcome.name)))
    return sorted(flags, key=Flag.sort_key)


def _tier(tier: int | None) -> str:
    return TIER_LABELS.get(tier or 0, "unknown tier")


def describe_flag(flag: Flag) -> str:
    """The flag in words, for tables, reports and digests."""
    d = flag.detail
    on = f" on {flag.outcome}" if flag.outcome else ""
    words: dict[FlagReason, str] = {
        "first_evidence": f"first evidence{on} ({_tier(d.tier)}, {d.effect})",
        "higher_tier": f"first {_tier(d.tier)}{on} (best before: {_tier(d.previous_tier)})",
        "verdict_change": f"verdict{on} changed from {d.from_verdict} to {d.to_verdict}",
        "contradicts": f"{_tier(d.tier)} finding {d.effect}{on} contradicts the verdict '{d.verdict}'",
        "largest_sample": f"largest sample{on}: {d.sample_size} (before: {d.previous_largest or 'none'})",
        "new_population": f"new population{on}: {', '.join(d.populations or [])}",
        "new_dose_range": f"new dose range{on}: {d.dose_low_mg:g}-{d.dose_high_mg:g} mg/day"
        if d.dose_low_mg is not None and d.dose_high_mg is not None
        else f"new dose range{on}",
        "retraction": f"retracted (notice PMID {d.notice_pmid})" if d.notice_pmid else "retracted",
        "expression_of_concern": "expression of concern published",
        "revised_extraction": "revised abstract changed findings: "
        + "; ".join(c.describe() for c in d.changes or []),
    }
    return words[flag.reason]
