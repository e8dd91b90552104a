"""Verdict rules: an ordered table, first match wins, each rule with an id the summary records.

GRADE-flavoured and deterministic. Only human studies (tiers 1-5) with a benefit, null or harm
finding count. The *deciding tier* is the best tier among them; lower tiers only matter when the
deciding tier rests on one small study (V3). The rules are written out in the README
(section "Evidence summary, report and diff").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from litwatch.evidence.models import OutcomeStudy, Strength, Verdict, VerdictLabel
from litwatch.evidence.tiers import TIER_LABELS, is_human

SMALL_SINGLE_STUDY = 50  # a lone study below this many participants cannot carry a verdict (V2)
SMALL_STUDY = 100  # a deciding tier of one study below this size is outweighed by lower tiers (V3)
CLEAR_MAJORITY = 2 / 3  # share of the deciding tier that must agree for supported / not supported
LARGE_EVIDENCE_BASE = 300  # RCT participants (with >= 3 RCTs) for high strength
INFORMATIVE = ("benefit", "null", "harm")


@dataclass(frozen=True)
class Evidence:
    """The human studies that can decide a verdict, split at the deciding tier."""

    informative: tuple[OutcomeStudy, ...]
    deciding_tier: int | None
    top: tuple[OutcomeStudy, ...]
    below: tuple[OutcomeStudy, ...]

    @classmethod
    def of(cls, studies: Sequence[OutcomeStudy]) -> Evidence:
        informative = tuple(s for s in studies if is_human(s.tier) and s.effect in INFORMATIVE)
        if not informative:
            return cls((), None, (), ())
        tier = min(s.tier for s in informative)
        return cls(
            informative,
            tier,
            tuple(s for s in informative if s.tier == tier),
            tuple(s for s in informative if s.tier > tier),
        )

    def top_count(self, *effects: str) -> int:
        return sum(1 for s in self.top if s.effect in effects)

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.deciding_tier] if self.deciding_tier else "none"


def _no_human_findings(ev: Evidence) -> bool:
    return not ev.informative


def _single_small_study(ev: Evidence) -> bool:
    if len(ev.informative) != 1:
        return False
    study = ev.informative[0]
    return study.tier != 1 and (study.sample_size or 0) < SMALL_SINGLE_STUDY


def _lone_small_top_outweighed(ev: Evidence) -> bool:
    if len(ev.top) != 1 or not ev.below:
        return False
    top = ev.top[0]
    if top.tier == 1 or (top.sample_size or 0) >= SMALL_STUDY:
        return False
    top_benefit = top.effect == "benefit"
    disagreeing = sum(1 for s in ev.below if (s.effect == "benefit") != top_benefit)
    return disagreeing * 2 > len(ev.below)


def _top_mostly_benefit(ev: Evidence) -> bool:
    return ev.top_count("harm") == 0 and ev.top_count("benefit") >= CLEAR_MAJORITY * len(ev.top)


def _top_mostly_no_benefit(ev: Evidence) -> bool:
    return ev.top_count("null", "harm") >= CLEAR_MAJORITY * len(ev.top)


def _always(ev: Evidence) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    rule_id: str
    verdict: VerdictLabel
    when: str
    applies: Callable[[Evidence], bool]


RULES: tuple[Rule, ...] = (
    Rule("V1", "insufficient", "no human study reports a benefit, null or harm finding", _no_human_findings),
    Rule(
        "V2",
        "insufficient",
        "only one human study reports a benefit, null or harm finding, and it is not a meta-analysis and "
        f"has fewer than {SMALL_SINGLE_STUDY} participants or no reported sample size",
        _single_small_study,
    ),
    Rule(
        "V3",
        "mixed",
        f"the deciding tier is one study (not a meta-analysis) of fewer than {SMALL_STUDY} participants "
        "and most human studies in lower tiers point the other way",
        _lone_small_top_outweighed,
    ),
    Rule(
        "V4",
        "supported",
        "at the deciding tier at least two thirds of studies found a benefit and none found harm",
        _top_mostly_benefit,
    ),
    Rule(
        "V5",
        "not supported",
        "at the deciding tier at least two thirds of studies found no effect or harm",
        _top_mostly_no_benefit,
    ),
    Rule(
        "V6", "mixed", "the deciding tier is split (no two-thirds majority, or benefit beside harm)", _always
    ),
)


def _strength(ev: Evidence, verdict: VerdictLabel) -> Strength:
    tier = ev.deciding_tier
    if verdict == "insufficient" or tier is None or tier == 5:
        return "very low"
    if tier == 1:
        return "high"
    if tier == 2:
        participants = sum(s.sample_size or 0 for s in ev.top)
        return "high" if len(ev.top) >= 3 and participants >= LARGE_EVIDENCE_BASE else "moderate"
    return "low"


def _reason(rule: Rule, ev: Evidence) -> str:
    if not ev.informative:
        return "No human study reports a benefit, null or harm finding."
    benefit, null, harm = (ev.top_count(e) for e in INFORMATIVE)
    studies = f"{len(ev.top)} stud{'y' if len(ev.top) == 1 else 'ies'}"
    counts = f"{benefit} benefit, {null} null, {harm} harm"
    return f"{rule.rule_id}: {rule.when}; deciding tier {ev.tier_label}, {studies}: {counts}."


def rule_text(rule_id: str) -> str:
    """The condition of a rule in words, e.g. for V2 "only one human study reports a benefit, ..."."""
    return next(r.when for r in RULES if r.rule_id == rule_id)


def decide_verdict(studies: Sequence[OutcomeStudy]) -> Verdict:
    """Apply the rule table to one outcome's included studies; the first rule that applies wins."""
    ev = Evidence.of(studies)
    rule = next(r for r in RULES if r.applies(ev))
    return Verdict(
        label=rule.verdict,
        rule_id=rule.rule_id,
        reason=_reason(rule, ev),
        strength=_strength(ev, rule.verdict),
        deciding_tier=ev.deciding_tier,
    )
