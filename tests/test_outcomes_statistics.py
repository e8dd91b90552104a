"""P-values, confidence intervals and effect estimates read from result clauses."""

from __future__ import annotations

import pytest

from extractors.findings.statistics import parse_p_values, parse_statistics


@pytest.mark.parametrize(
    ("text", "relation", "value"),
    [
        ("P < .05", "<", 0.05),
        ("p=0.03", "=", 0.03),
        ("p = 0·03", "=", 0.03),
        ("P<0.001", "<", 0.001),
        ("p-value 0.02", "=", 0.02),
        ("(P > 0.05)", ">", 0.05),
        ("p = 2 x 10-5", "=", 2e-5),
        ("P<.001", "<", 0.001),
        ("p = 0,03", "=", 0.03),
        ("p-value of 0.03", "=", 0.03),
        ("P value was 0.21", "=", 0.21),
        ("P < 10−4", "<", 1e-4),
        ("p≤0.05", "<", 0.05),
    ],
)
def test_p_value_forms_are_parsed(text: str, relation: str, value: float) -> None:
    [p_value] = parse_p_values(text)
    assert (p_value.relation, p_value.value) == (relation, pytest.approx(value))


def test_p_below_alpha_is_significant_and_above_is_not() -> None:
    assert parse_statistics("differed (p = 0.03)").significant is True
    assert parse_statistics("differed (p = 0.41)").significant is False


def test_p_equal_to_alpha_decides_nothing_so_the_words_do() -> None:
    assert parse_statistics("differed (P = .05)").significant is None
    assert parse_statistics("differed (P < .05)").significant is True


def test_ns_mark_means_not_significant() -> None:
    assert parse_statistics("no change in cortisol (NS)").significant is False


def test_p_below_ten_percent_decides_nothing() -> None:
    assert parse_statistics("a trend (p < 0.10)").significant is None


def test_difference_ci_excluding_zero_is_significant() -> None:
    stats = parse_statistics("mean difference -0.5 min (95% CI -0.9 to -0.1)")
    assert stats.significant is True
    effect = stats.effects[0]
    assert (effect.kind, effect.value, effect.interval and effect.interval.high) == (
        "mean_difference",
        -0.5,
        -0.1,
    )


def test_difference_ci_including_zero_is_not_significant() -> None:
    assert parse_statistics("MD -7.0 (95% CI -20.7 to 6.7)").significant is False


def test_ratio_ci_excluding_one_is_significant() -> None:
    stats = parse_statistics("aOR 0·80, 95% CI 0·66 to 0·98")
    assert stats.significant is True and stats.effects[0].kind == "odds_ratio"


def test_ratio_ci_including_one_is_not_significant() -> None:
    stats = parse_statistics("RR, 0.85; 95% CI, 0.65 to 1.12")
    assert stats.significant is False and stats.effects[0].kind == "risk_ratio"


def test_hazard_ratio_with_bare_bracketed_interval() -> None:
    effect = parse_statistics("HR 0.7 (0.5-0.9)").effects[0]
    assert effect.kind == "hazard_ratio" and effect.interval is not None and effect.interval.low == 0.5


def test_percentage_reduction_is_negative() -> None:
    effect = parse_statistics("awakenings were reduced by 25%").effects[0]
    assert (effect.kind, effect.value) == ("percentage", -25.0)


def test_decimal_comma_p_value_is_not_read_as_zero() -> None:
    assert parse_statistics("did not differ (p = 0,30)").significant is False


def test_bare_ci_spanning_zero_is_not_significant() -> None:
    assert parse_statistics("a difference of 0.6 points (95% CI -0.2 to 1.4)").significant is False


def test_bare_all_negative_ci_is_significant_and_all_positive_decides_nothing() -> None:
    assert parse_statistics("lower by 2.1 (95% CI −3.0 to −1.2)").significant is True
    assert parse_statistics("(95% CI 0.8 to 1.3)").significant is None


def test_ratio_ci_crossing_one_with_unicode_hyphen_is_not_significant() -> None:
    stats = parse_statistics("aOR: 1.54 (95% CI: 0.91‐2.60)")
    assert stats.significant is False and stats.effects[0].interval is not None


def test_ci_after_from_and_bracketed_abbreviation() -> None:
    assert parse_statistics("odds ratio [OR] = 0.5, 95% CI from 0.3 to 0.8").significant is True
    assert parse_statistics("OR 1.6 (95% confidence interval [CI], 1.1 to 2.3)").significant is True


def test_bracketed_signed_percentage_is_a_percentage_change() -> None:
    effect = parse_statistics("Significant improvements in Tension (−11%) with TA").effects[0]
    assert (effect.kind, effect.value) == ("percentage", -11.0)
