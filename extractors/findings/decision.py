"""Combine rules and the classifier into one finding: significance, then direction.

A change reported within every arm and no comparison of the arms is no difference between them;
otherwise numbers decide significance where they can (p-values, CIs), words next ("did not differ"), and
the classifier only where both are silent or disagree. Which way a significant change went: the direction
word, else the arms' own numbers, else the sign of a stated estimate, else the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.findings.arms import compare_arms
from extractors.findings.classifier import DECREASED, INCREASED, NO_DIFFERENCE, FindingPrediction
from extractors.findings.direction import RuleDirection, read_direction, read_significance_words
from extractors.findings.features import FindingContext
from extractors.models import Direction


@dataclass(frozen=True)
class Finding:
    significant: bool | None
    direction: Direction

    @property
    def label(self) -> str:
        """The Evidence Inference class this finding amounts to."""
        if not self.significant:
            return NO_DIFFERENCE
        return DECREASED if self.direction == "decrease" else INCREASED


def numbers_significance(context: FindingContext) -> bool | None:
    """What the numbers say; when the clause's p-values disagree ("A (p = 0.03) and B (p = 0.41)") the
    p-value reported nearest after the outcome speaks for it."""
    stats = context.stats
    verdicts = {p.significant for p in stats.p_values if p.significant is not None}
    if len(verdicts) > 1 and context.outcome is not None:
        nearest = stats.p_value_near(context.outcome.end)
        if nearest is not None and nearest.significant is not None:
            return nearest.significant
    return stats.significant


# "HbA1c was reduced significantly in both groups (P < 0.01)", "All treatments significantly reduced ER
# expression from baseline": a change within each arm, which says nothing about a difference between
# them, unless the clause also compares them ("with a greater increase in the A group", "compared with
# placebo", "between-group difference").
_WITHIN_EACH_ARM = re.compile(
    r"\b(?:in|within|for)\s+(?:both|all|each\s+of\s+the)\s+(?:the\s+)?(?:\w+\s+)?(?:groups|arms|cohorts)\b"
    r"|\bboth\s+(?:groups|arms)\s+(?:had|showed|experienced|demonstrated|improved|increased|decreased|reduced)\b"
    r"|\b(?:all|both)\s+(?:treatments|regimens|interventions)\b|\bfrom\s+baseline\b",
    re.IGNORECASE,
)
_BETWEEN_ARMS = re.compile(
    r"\b(?:than|compared|comparison|versus|vs|relative\s+to|between|greater|more|less|larger|smaller|higher"
    r"|lower|superior|inferior|favou?r\w*|only)\b",
    re.IGNORECASE,
)


def within_each_arm(clause: str) -> bool:
    """Whether the clause reports a change inside every arm without comparing the arms."""
    return _WITHIN_EACH_ARM.search(clause) is not None and _BETWEEN_ARMS.search(clause) is None


def rule_significance(context: FindingContext) -> bool | None:
    """Numbers when they decide and no "no significant ..." phrase contradicts them, else words, else None;
    a change reported within each arm is no difference between them."""
    if within_each_arm(context.clause):
        return False
    by_numbers = numbers_significance(context)
    by_words = read_significance_words(context.clause)
    if by_numbers is not None and not (by_numbers and by_words is False):
        return by_numbers
    if by_numbers is None:
        return by_words
    return None


# Estimates whose sign says which way the outcome moved for the intervention; a hazard ratio does not
# (below 1 is a longer survival but a shorter time to recovery).
SIGNED_ESTIMATES = frozenset({"odds_ratio", "risk_ratio", "mean_difference", "smd", "percentage"})


def estimate_direction(context: FindingContext) -> RuleDirection | None:
    """The side of the null the clause's first stated estimate lies on ("OR 0.54" -> decrease)."""
    effect = context.stats.main_effect
    if effect is None or effect.kind not in SIGNED_ESTIMATES or effect.value == effect.null_value:
        return None
    return "increase" if effect.value > effect.null_value else "decrease"


def rule_direction(context: FindingContext) -> RuleDirection | None:
    """The direction word, else the arms' numbers compared, else the sign of the estimate."""
    return (
        read_direction(context.clause, context.outcome, context.arms)
        or compare_arms(context.clause, context.stats, context.arms)
        or estimate_direction(context)
    )


def needs_classifier(context: FindingContext) -> bool:
    """Whether the rules leave significance or the direction of a significant change open."""
    significant = rule_significance(context)
    if significant is None:
        return True
    return significant and rule_direction(context) is None


def decide(
    context: FindingContext, prediction: FindingPrediction | None, guess_direction: bool = True
) -> Finding:
    """The finding; `prediction` may be None when `needs_classifier(context)` is false.

    With `guess_direction` false, a significant change whose clause names no direction (no direction
    word, arm numbers or signed estimate: "X had a significant effect on sleep quality", "sleep latency
    improved") gets direction "unclear" rather than the classifier's guess, which mostly restates the
    prior that interventions work. Prompt answering keeps the guess, since it must name a class."""
    significant = rule_significance(context)
    if significant is None:
        if prediction is None:
            return Finding(None, "unclear")
        significant = prediction.label != NO_DIFFERENCE
    if not significant:
        return Finding(False, "no_change")
    rule = rule_direction(context)
    if rule is not None:
        return Finding(True, rule)
    if prediction is None or not guess_direction:
        return Finding(True, "unclear")
    up, down = prediction.scores.get(INCREASED, 0.0), prediction.scores.get(DECREASED, 0.0)
    return Finding(True, "increase" if up >= down else "decrease")
