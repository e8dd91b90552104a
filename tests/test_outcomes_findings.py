"""The findings component on tiny hand-made docs: one outcome span, one behaviour per test."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from extractors.components import register_all
from extractors.extensions import register_extensions
from extractors.models import OutcomeAttrs
from extractors.pipeline import PACKAGE_DIR


@cache
def _nlp() -> Language:
    register_all()
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("litwatch_sentences")
    nlp.add_pipe("litwatch_findings", source=spacy.load(PACKAGE_DIR))
    return nlp


def finding(text: str, outcome: str) -> OutcomeAttrs:
    """Run the findings component on `text` with `outcome` (its first occurrence) as the outcome span."""
    nlp = _nlp()
    doc = nlp.get_pipe("litwatch_sentences")(nlp.make_doc(text))
    start = text.index(outcome)
    span = doc.char_span(start, start + len(outcome), label="outcome")
    assert span is not None
    doc.spans["outcome"] = [span]
    doc = nlp.get_pipe("litwatch_findings")(doc)
    attrs = doc.spans["outcome"][0]._.outcome
    assert isinstance(attrs, OutcomeAttrs)
    return attrs


def test_significant_reduction_is_a_significant_decrease() -> None:
    attrs = finding(
        "Magnesium significantly reduced sleep onset latency compared with placebo (P = 0.01).",
        "sleep onset latency",
    )
    assert (attrs.direction, attrs.significant, attrs.p_value) == ("decrease", True, 0.01)


def test_did_not_differ_is_no_change_and_not_significant() -> None:
    attrs = finding("Serum cortisol did not differ between the groups.", "Serum cortisol")
    assert (attrs.direction, attrs.significant) == ("no_change", False)


def test_no_significant_difference_wins_over_a_within_group_p_value() -> None:
    attrs = finding(
        "There was no significant difference in sleep efficiency between groups (p = 0.62).",
        "sleep efficiency",
    )
    assert attrs.significant is False


def test_a_change_within_both_groups_is_no_difference_between_them() -> None:
    attrs = finding("HbA1c was reduced significantly in both groups at 12 weeks (P < 0.01).", "HbA1c")
    assert (attrs.direction, attrs.significant) == ("no_change", False)


def test_a_change_from_baseline_under_every_treatment_is_no_difference_between_them() -> None:
    attrs = finding(
        "All treatments significantly reduced serum cortisol from baseline (P = 0.0001).", "serum cortisol"
    )
    assert (attrs.direction, attrs.significant) == ("no_change", False)


def test_a_change_within_both_groups_that_the_arms_compare_stays_significant() -> None:
    attrs = finding(
        "Sleep time increased in both groups (P < 0.001), with a greater increase in the magnesium group "
        "(P = 0.001).",
        "Sleep time",
    )
    assert (attrs.direction, attrs.significant) == ("increase", True)


def test_higher_with_placebo_is_a_decrease_for_the_intervention() -> None:
    attrs = finding(
        "Total sleep time was higher in the placebo group than in the treated group (p < 0.05).",
        "Total sleep time",
    )
    assert (attrs.direction, attrs.significant) == ("decrease", True)


def test_increase_word_gives_increase() -> None:
    attrs = finding(
        "Melatonin concentration increased significantly after supplementation (p=0.002).",
        "Melatonin concentration",
    )
    assert attrs.direction == "increase"


def test_effect_size_and_ci_are_attached() -> None:
    attrs = finding(
        "Insomnia severity fell (MD -2.1, 95% CI -3.4 to -0.8) with magnesium.", "Insomnia severity"
    )
    assert (attrs.effect_kind, attrs.effect_size, attrs.ci_low, attrs.ci_high) == (
        "mean_difference",
        -2.1,
        -3.4,
        -0.8,
    )
    assert attrs.significant is True


def test_p_value_keeps_how_it_was_stated() -> None:
    bound = finding("Fatigue was reduced in the yoga group (P < .05).", "Fatigue")
    exact = finding("Fatigue was reduced in the yoga group (p = 0.03).", "Fatigue")
    assert (bound.p_value, bound.p_relation, exact.p_value, exact.p_relation) == (0.05, "<", 0.03, "=")


def test_lone_bare_ci_is_the_changes_own() -> None:
    attrs = finding("Sleep latency fell by 21 min (95% CI 9 to 33) with melatonin.", "Sleep latency")
    assert (attrs.ci_low, attrs.ci_high) == (9.0, 33.0)


def test_per_arm_cis_are_not_reported_as_the_differences() -> None:
    attrs = finding(
        "Total sleep duration was 8.05 h (95% CI 7.65-8.44) baseline, 8.75 h (95% CI 8.56-8.98) with "
        "placebo and 9.84 h (95% CI 9.68-9.99) with melatonin.",
        "Total sleep duration",
    )
    assert (attrs.ci_low, attrs.ci_high) == (None, None)


def test_methods_sentence_without_result_is_unclear() -> None:
    attrs = finding("The primary outcome was sleep quality measured with the PSQI.", "sleep quality")
    assert (attrs.direction, attrs.significant) == ("unclear", None)


def test_sentence_is_recorded() -> None:
    text = "Background text. Sleep quality improved significantly (p < 0.01)."
    attrs = finding(text, "Sleep quality")
    assert attrs.sentence == "Sleep quality improved significantly (p < 0.01)."
    assert attrs.polarity == "improved"


def test_each_outcome_reads_its_own_clause() -> None:
    text = "Magnesium decreased sleep latency (P = 0.02), and increased sleep efficiency (p = 0.30)."
    attrs = finding(text, "sleep efficiency")
    assert (attrs.significant, attrs.p_value) == (False, 0.30)


def test_a_lists_last_item_reads_the_lists_clause() -> None:
    # ", and" before a list's last item joins it to the list; before a clause with its own verb it splits.
    text = "The exercise group had improved mobility (P=0.01), fatigue (P=0.02), and sleep quality (P=0.03)."
    assert finding(text, "sleep quality").polarity == "improved"
    text = "Sleep latency fell (P=0.01), fatigue eased, and sleep quality did not change (P=0.40)."
    attrs = finding(text, "sleep quality")
    assert (attrs.significant, attrs.polarity) == (False, None)


def test_p_on_the_boundary_leaves_significance_to_the_words() -> None:
    text = "The hyperosmolar group had a statistically significantly higher variability (P = .05)."
    assert finding(text, "variability").significant is True
    text = "Medium but non-significant effect sizes were noted for daytime somnolence (d = -0.63, p = .05)."
    assert finding(text, "daytime somnolence").significant is False


def test_verdict_in_the_next_clause_applies() -> None:
    attrs = finding(
        "Sleep efficiency was higher with magnesium, but the difference was not significant.",
        "Sleep efficiency",
    )
    assert (attrs.significant, attrs.direction) == (False, "no_change")


def test_significant_improvement_without_direction_word_has_unclear_direction() -> None:
    # "Improvement" of a latency is a decrease; only the topic's `better` can say which way it went.
    attrs = finding("Sleep latency showed significant improvement of about 30 min.", "Sleep latency")
    assert (attrs.direction, attrs.significant, attrs.polarity) == ("unclear", True, "improved")


def test_superior_to_the_comparator_is_an_improvement() -> None:
    attrs = finding(
        "COMB was significantly superior to placebo for sleep quality (p = 0.01).", "sleep quality"
    )
    assert (attrs.significant, attrs.polarity) == (True, "improved")


def test_placebo_superior_is_a_worsening_for_the_intervention() -> None:
    attrs = finding("Placebo was superior to magnesium for sleep quality (p = 0.01).", "sleep quality")
    assert attrs.polarity == "worsened"


def test_significant_effect_without_direction_word_is_unclear_but_significant() -> None:
    attrs = finding("Magnesium had a statistically significant effect on sleep quality.", "sleep quality")
    assert (attrs.direction, attrs.significant) == ("unclear", True)


def test_numbers_still_give_the_direction_of_a_significant_effect() -> None:
    attrs = finding(
        "Magnesium had a significant effect on sleep quality (MD -2.1, 95% CI -3.4 to -0.8).", "sleep quality"
    )
    assert (attrs.direction, attrs.significant) == ("decrease", True)
