"""Evidence tiers: where each study design ranks, and which tiers are human evidence that decides verdicts.

Tier 1 is the strongest. Case reports sit with narrative reviews at the bottom: one patient and no
comparator tell a curator that something can happen, not whether it usually does.
"""

from __future__ import annotations

from extractors.models import Design

TIER_LABELS: dict[int, str] = {
    1: "meta-analysis / systematic review",
    2: "randomised controlled trial",
    3: "non-randomised trial",
    4: "cohort",
    5: "cross-sectional / case-control",
    6: "animal / in vitro",
    7: "case report / narrative review / other",
}

DESIGN_TIERS: dict[Design, int] = {
    "meta_analysis": 1,
    "systematic_review": 1,
    "rct": 2,
    "non_randomised_trial": 3,
    "cohort": 4,
    "cross_sectional": 5,
    "case_control": 5,
    "animal": 6,
    "in_vitro": 6,
    "case_report": 7,
    "narrative_review": 7,
    "other": 7,
}

DESIGN_LABELS: dict[Design, str] = {
    "meta_analysis": "meta-analysis",
    "systematic_review": "systematic review",
    "rct": "randomised controlled trial",
    "non_randomised_trial": "non-randomised trial",
    "cohort": "cohort study",
    "cross_sectional": "cross-sectional study",
    "case_control": "case-control study",
    "case_report": "case report",
    "animal": "animal study",
    "in_vitro": "in vitro study",
    "narrative_review": "narrative review",
    "other": "study",
}

# Tiers 1-5 are studies in people; only they decide verdicts and count participants.
HUMAN_TIERS = frozenset({1, 2, 3, 4, 5})
TRIAL_TIERS = frozenset({1, 2})


def tier_of(design: Design) -> int:
    return DESIGN_TIERS[design]


def is_human(tier: int) -> bool:
    return tier in HUMAN_TIERS
