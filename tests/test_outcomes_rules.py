"""Direction, significance words and evidence-sentence choice on tiny hand-made sentences, one each."""

from __future__ import annotations

from extractors.findings.decision import rule_direction, rule_significance
from extractors.findings.direction import read_direction, read_polarity, read_significance_words
from extractors.findings.features import CharSpan, arm_keys, finding_context
from extractors.findings.retrieval import best_evidence_sentence, outcome_similarity


def _span(text: str, phrase: str) -> CharSpan:
    start = text.index(phrase)
    return CharSpan(start, start + len(phrase))


def _arms(text: str, intervention: str, comparator: str) -> dict[str, CharSpan]:
    return {
        name: _span(text, arm)
        for name, arm in (("intervention", intervention), ("comparator", comparator))
        if arm
    }


def _direction(text: str, outcome: str, intervention: str = "", comparator: str = "") -> str | None:
    return read_direction(text, _span(text, outcome), _arms(text, intervention, comparator))


def test_greater_reduction_is_a_decrease() -> None:
    assert _direction("Pain scores showed a greater reduction with drug A.", "Pain scores") == "decrease"


def test_more_than_after_a_change_verb_is_how_much_it_changed() -> None:
    text = "Both drug A doses reduced 24-h SBP more than drug B (-26.4 versus -20.7 mmHg)."
    assert _direction(text, "SBP", "drug A", "drug B") == "decrease"
    assert _direction("Drug A raised HDL more than drug B.", "HDL", "Drug A", "drug B") == "increase"
    # Past punctuation "more" is no longer the earlier word's degree: it is the direction of its own outcome.
    text = "Drug A decreased LDL, but HDL was more than with drug B."
    assert _direction(text, "HDL", "Drug A", "drug B") == "increase"


def test_smaller_increase_is_a_decrease() -> None:
    assert _direction("Drug A gave a smaller increase in weight.", "weight") == "decrease"


def test_less_decline_is_an_increase() -> None:
    assert _direction("Drug A showed less decline in memory.", "memory") == "increase"


def test_greater_improvement_names_no_direction() -> None:
    assert _direction("Drug A gave greater improvement in sleep latency.", "sleep latency") is None


def test_change_word_inside_the_outcome_names_it_not_its_direction() -> None:
    text = "Both doses produced significantly greater pain reductions versus placebo."
    assert _direction(text, "pain reductions", "", "placebo") == "increase"


def test_more_than_a_number_is_not_a_direction_word() -> None:
    text = "Opioid use in the drug A group was more than 20% less than in the placebo group."
    assert _direction(text, "Opioid use", "drug A", "placebo") == "decrease"


def test_lower_than_that_of_the_comparator_is_a_decrease() -> None:
    text = "Survival in the drug A arm was lower than that of the surgery arm."
    assert _direction(text, "Survival", "drug A", "surgery") == "decrease"


def test_lower_than_did_the_comparator_is_a_decrease() -> None:
    text = "The drug A group had lower pain than did the placebo group."
    assert _direction(text, "pain", "drug A", "placebo") == "decrease"


def test_higher_compared_to_participants_in_comparator_is_an_increase() -> None:
    text = "Participants in the drug A arm had higher dropout compared to participants in the placebo arm."
    assert _direction(text, "dropout", "drug A", "placebo") == "increase"


def test_the_comparator_as_the_clause_subject_describes_every_change_word() -> None:
    text = (
        "The combination group had a lower propofol dose (378 mg vs 466 mg, p<0.012), "
        "a longer mean recovery time (10.5 minutes vs 7.9 minutes, p=0.027)."
    )
    assert _direction(text, "mean recovery time", "", "combination group") == "decrease"
    # As the intervention, the subject leaves the word's direction as it stands.
    assert _direction(text, "mean recovery time", "combination group", "") == "increase"


def test_non_significantly_reduced_is_not_significant() -> None:
    assert read_significance_words("Deaths were non-significantly reduced in the drug A group.") is False


def test_no_significantly_different_is_not_significant() -> None:
    assert read_significance_words("Blood pressure was no significantly different between groups.") is False


def test_outcome_words_match_when_the_phrase_does_not_align() -> None:
    outcome = "the mean change in the score of traditional perceptions of women"
    sentence = "Perceptions scores changed more in women given drug A (traditional scale)."
    assert outcome_similarity(outcome, sentence) > 80


def test_result_sentence_beats_the_sentence_saying_what_was_measured() -> None:
    sentences = [
        "Pain scores were assessed in the drug A and placebo groups.",
        "Pain scores fell by half with drug A.",
    ]
    chosen = best_evidence_sentence(sentences, "pain scores", "drug A", "placebo")
    assert chosen is not None and chosen.text == sentences[1]


def test_did_not_show_any_significant_difference_is_not_significant() -> None:
    assert read_significance_words("Drug A didn't show any significant difference in safety.") is False


def test_neither_nor_significant_effect_is_not_significant() -> None:
    assert (
        read_significance_words("Neither placebo nor drug A exerted significant effect on weight.") is False
    )


def test_not_only_significantly_stays_significant() -> None:
    assert read_significance_words("Drug A not only significantly lowered weight but also pain.") is True


def test_equally_effective_is_not_significant() -> None:
    assert read_significance_words("Drug A and drug B were equally effective for pain.") is False


def test_tended_to_is_not_significant() -> None:
    assert read_significance_words("Drug A tended to lower weight.") is False


def test_p_value_nearest_after_the_outcome_decides_when_p_values_disagree() -> None:
    text = "Drug A improved pain (p = 0.01) and sleep quality (p = 0.40)."
    assert rule_significance(finding_context(text, _span(text, "sleep quality"))) is False


def test_in_comparison_with_the_comparator_does_not_flip() -> None:
    text = "Children given drug A had shorter infections in comparison with the placebo group."
    assert _direction(text, "infections", "drug A", "placebo") == "decrease"


def test_than_with_words_before_the_comparator_does_not_flip() -> None:
    text = "Drug A patients had lower glucose (80 mg/dL) than the 42 hungry placebo subjects."
    assert _direction(text, "glucose", "Drug A", "placebo") == "decrease"


def test_odds_ratio_below_one_is_a_decrease_without_a_direction_word() -> None:
    text = "Mortality was 12% against 20% (OR 0.54, 95% CI 0.36 to 0.82)."
    assert rule_direction(finding_context(text, _span(text, "Mortality"))) == "decrease"


def test_hazard_ratio_names_no_direction() -> None:
    text = "Time to recovery had a hazard ratio of 2.17 (95% CI 1.5 to 3.1)."
    assert rule_direction(finding_context(text, _span(text, "Time to recovery"))) is None


def test_arm_numbers_give_the_direction_without_a_direction_word() -> None:
    text = "Cure was achieved in 85.9% with drug B compared to 98.4% with drug A (p = 0.03)."
    context = finding_context(text, _span(text, "Cure"), _span(text, "drug A"), _span(text, "drug B"))
    assert rule_direction(context) == "increase"


def test_initials_name_an_arm() -> None:
    assert "CMF" in arm_keys("Cyclophosphamide Methotrexate Fluorouracil", "low dose Epirubicin")


def _polarity(text: str, outcome: str, intervention: str = "", comparator: str = "") -> str | None:
    return read_polarity(text, _span(text, outcome), _arms(text, intervention, comparator))


def test_inferior_intervention_is_worse() -> None:
    assert (
        _polarity("COMB was inferior to STAN for sleep quality.", "sleep quality", "COMB", "STAN")
        == "worsened"
    )


def test_comparator_inferior_to_intervention_is_better() -> None:
    assert (
        _polarity("STAN was inferior to COMB for sleep quality.", "sleep quality", "COMB", "STAN")
        == "improved"
    )


def test_better_than_the_comparator_is_better() -> None:
    text = "Sleep quality was better with COMB than with STAN."
    assert _polarity(text, "Sleep quality", "COMB", "STAN") == "improved"


def test_outperformed_names_the_loser_after_it() -> None:
    assert (
        _polarity("STAN outperformed COMB on sleep quality.", "sleep quality", "COMB", "STAN") == "worsened"
    )
    assert (
        _polarity("COMB outperformed STAN on sleep quality.", "sleep quality", "COMB", "STAN") == "improved"
    )


def test_favouring_names_the_winner_after_it() -> None:
    text = "Differences in sleep quality favoured STAN over COMB."
    assert _polarity(text, "sleep quality", "COMB", "STAN") == "worsened"


def test_more_effective_is_not_an_increase() -> None:
    assert _direction("COMB was more effective than STAN for pain.", "pain", "COMB", "STAN") is None


def test_group_label_of_a_description_is_an_arm_key() -> None:
    keys = arm_keys("bupivacaine with epinephrine in group I", "bupivacaine alone in group II")
    assert "group I" in keys and "I group" not in keys
    assert "group 2" in arm_keys("Arm 2: exercise", "Arm 1: usual care")


def test_generic_treated_arm_is_marked_when_its_name_is_missing() -> None:
    text = "Pain was lower in the treatment group than in the control group (p = 0.01)."
    context = finding_context(text, _span(text, "Pain"))
    assert set(context.arms) == {"intervention", "comparator"}
    assert rule_direction(context) == "decrease"


def test_higher_in_the_control_group_than_the_study_group_is_a_decrease() -> None:
    text = "Pain was higher in the control group than in the study group (p = 0.01)."
    assert rule_direction(finding_context(text, _span(text, "Pain"))) == "decrease"


def test_each_coordinated_clause_takes_its_own_direction_word() -> None:
    text = "Fatigue rose, while sleep latency with magnesium fell."
    assert _direction(text, "sleep latency") == "decrease"
    assert _direction(text, "Fatigue") == "increase"
    text = "Anxiety scores increased; sleep latency on magnesium decreased."
    assert _direction(text, "sleep latency") == "decrease"


def test_figures_between_a_contrast_and_the_comparator_keep_it_the_contrast() -> None:
    text = (
        "The median time to relief in the butoconazole group was significantly shorter at 12.9 h compared "
        "to 20.7 h for the fluconazole group (p = 0.048)."
    )
    assert _direction(text, "median time to relief", "butoconazole", "fluconazole") == "decrease"
