"""Each verdict rule, one by one, with the smallest evidence that triggers it, plus strength."""

from __future__ import annotations

from litwatch.evidence.summary import resolve_effect
from litwatch.evidence.verdict import RULES, decide_verdict
from tests.evidence_support import LATENCY, finding, on_latency, study


def test_rule_table_ids_are_ordered_and_unique() -> None:
    assert [r.rule_id for r in RULES] == ["V1", "V2", "V3", "V4", "V5", "V6"]


def test_v1_no_studies_is_insufficient() -> None:
    verdict = decide_verdict([])
    assert (verdict.label, verdict.rule_id, verdict.deciding_tier) == ("insufficient", "V1", None)


def test_v1_animal_and_unclear_findings_do_not_count() -> None:
    studies = on_latency(study(1, "animal", 40), study(2, "rct", 200, {LATENCY: "unclear"}))
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id) == ("insufficient", "V1")


def test_v2_single_small_study_is_insufficient() -> None:
    verdict = decide_verdict(on_latency(study(1, "rct", 49)))
    assert (verdict.label, verdict.rule_id) == ("insufficient", "V2")


def test_v2_single_study_without_sample_size_is_insufficient() -> None:
    assert decide_verdict(on_latency(study(1, "rct", None))).rule_id == "V2"


def test_v2_does_not_apply_to_a_meta_analysis_or_a_study_of_50() -> None:
    assert decide_verdict(on_latency(study(1, "meta_analysis", None))).rule_id == "V4"
    assert decide_verdict(on_latency(study(1, "rct", 50))).rule_id == "V4"


def test_v3_lone_small_top_study_outweighed_by_lower_tiers_is_mixed() -> None:
    studies = on_latency(
        study(1, "rct", 60, {LATENCY: "null"}),
        study(2, "cohort", 900, {LATENCY: "benefit"}),
        study(3, "cross_sectional", 400, {LATENCY: "benefit"}),
    )
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id, verdict.deciding_tier) == ("mixed", "V3", 2)


def test_v3_does_not_apply_when_the_top_study_is_large() -> None:
    studies = on_latency(study(1, "rct", 100, {LATENCY: "null"}), study(2, "cohort", 900))
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id) == ("not supported", "V5")


def test_v3_does_not_apply_when_lower_tiers_agree() -> None:
    studies = on_latency(
        study(1, "rct", 60), study(2, "cohort", 900), study(3, "cohort", 300, {LATENCY: "null"})
    )
    assert decide_verdict(studies).rule_id == "V4"


def test_v4_top_tier_mostly_benefit_is_supported_and_lower_tiers_do_not_matter() -> None:
    studies = on_latency(
        study(1, "rct", 120),
        study(2, "rct", 80),
        study(3, "rct", 60, {LATENCY: "null"}),
        study(4, "cohort", 5000, {LATENCY: "null"}),
    )
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id, verdict.strength) == ("supported", "V4", "moderate")


def test_v4_is_blocked_by_any_harm_at_the_top_tier() -> None:
    studies = on_latency(
        study(1, "rct"), study(2, "rct"), study(3, "rct"), study(4, "rct", 120, {LATENCY: "harm"})
    )
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id) == ("mixed", "V6")


def test_v5_top_tier_mostly_null_or_harm_is_not_supported() -> None:
    studies = on_latency(
        study(1, "meta_analysis", 900, {LATENCY: "null"}),
        study(2, "rct", 300),
        study(3, "rct", 300),
    )
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id, verdict.deciding_tier, verdict.strength) == (
        "not supported",
        "V5",
        1,
        "high",
    )


def test_v6_split_top_tier_is_mixed() -> None:
    studies = on_latency(study(1, "rct"), study(2, "rct", 120, {LATENCY: "null"}))
    verdict = decide_verdict(studies)
    assert (verdict.label, verdict.rule_id) == ("mixed", "V6")


def test_strength_follows_the_deciding_tier() -> None:
    many_rcts = on_latency(study(1, "rct", 100), study(2, "rct", 100), study(3, "rct", 100))
    assert decide_verdict(many_rcts).strength == "high"
    assert decide_verdict(on_latency(study(1, "non_randomised_trial", 80))).strength == "low"
    assert decide_verdict(on_latency(study(1, "cohort", 80), study(2, "cohort", 80))).strength == "low"
    assert decide_verdict(
        on_latency(study(1, "case_control", 80), study(2, "cross_sectional", 80))
    ).strength == ("very low")
    assert decide_verdict(on_latency(study(1, "rct", 10))).strength == "very low"


def test_reason_names_the_rule_and_the_counts() -> None:
    reason = decide_verdict(on_latency(study(1, "rct"), study(2, "rct"))).reason
    assert reason.startswith("V4: ")
    assert reason.endswith(
        "; deciding tier randomised controlled trial, 2 studies: 2 benefit, 0 null, 0 harm."
    )


def test_resolve_effect_within_one_study() -> None:
    assert resolve_effect([finding(effect="null"), finding(effect="benefit")]) == "benefit"
    assert resolve_effect([finding(effect="benefit"), finding(effect="harm")]) == "unclear"
    assert resolve_effect([finding(effect="unclear"), finding(effect="null")]) == "null"
    assert resolve_effect([finding(effect="unclear")]) == "unclear"
