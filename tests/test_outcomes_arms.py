"""Arm-level numbers compared (`extractors.findings.arms`) on tiny hand-made clauses, one form each."""

from __future__ import annotations

from extractors.findings.arms import compare_arms
from extractors.findings.features import CharSpan
from extractors.findings.statistics import parse_statistics


def _span(text: str, phrase: str) -> CharSpan:
    start = text.index(phrase)
    return CharSpan(start, start + len(phrase))


def _compare(text: str, intervention: str, comparator: str) -> str | None:
    arms = {"intervention": _span(text, intervention), "comparator": _span(text, comparator)}
    return compare_arms(text, parse_statistics(text), arms)


def test_number_before_in_the_arm_belongs_to_that_arm() -> None:
    text = "Length was 3.6 cm (range, 2-6) in the drug A arm versus 2.1 cm (range, 1-4) in the control arm."
    assert _compare(text, "drug A", "control") == "increase"


def test_number_after_the_arm_belongs_to_it() -> None:
    text = "Preparation time for method A was 4.7 min and method B was 17.96 min (P < 0.001)."
    assert _compare(text, "method B", "method A") == "increase"


def test_respectively_pairs_numbers_before_the_arms_in_naming_order() -> None:
    text = "It occurred in 17 (27.4%) and 31 (50.0%) patients in the drug A and placebo groups, respectively."
    assert _compare(text, "drug A", "placebo") == "decrease"


def test_versus_pairs_the_numbers_either_side_of_it() -> None:
    text = "Response was higher with drug A than with placebo at week 14 (23.5% versus 1.0%; P < 0.0001)."
    assert _compare(text, "drug A", "placebo") == "increase"


def test_a_p_value_just_after_a_number_does_not_hide_it() -> None:
    text = "Drug A gave shorter infections than control (mean 11.7 days vs 14.37; p=0.037)."
    assert _compare(text, "Drug A", "control") == "decrease"


def test_both_arms_never_take_the_same_number() -> None:
    text = "Scores fell by 3.9 points in the drug A arm, and by 2.9 in the placebo arm."
    assert _compare(text, "drug A", "placebo") == "increase"


def test_without_numbers_there_is_no_answer() -> None:
    assert _compare("Drug A was better than placebo.", "Drug A", "placebo") is None


def test_versus_pair_before_two_arms_named_together() -> None:
    text = "The incision length was 12.9 cm versus 8.9 (p < 0.05) in the SaphLITE and Clearglide groups."
    assert _compare(text, "SaphLITE", "Clearglide") == "increase"
    assert _compare(text, "Clearglide", "SaphLITE") == "decrease"


def test_a_range_in_brackets_after_the_unit_is_not_the_next_arms_result() -> None:
    # Read as results, "84" and "11.6" (the ranges' lower ends) went to the wrong arms and turned the answer.
    text = "Times were 92 hours (84-114 hours) for drug A users and 138 hours (105-164 hours) for drug B."
    assert _compare(text, "drug A", "drug B") == "decrease"
    text = "Times were 9.8 min (IQR 8 to 12.3) for drug A, and 14.3 min (11.6 to 17.0) for drug B."
    assert _compare(text, "drug A", "drug B") == "decrease"
