"""Mapping outcome mentions to a topic's canonical outcomes, and the effect they have for it."""

from __future__ import annotations

from extractors.models import Abbreviation, Direction, Mention, OutcomeAttrs
from extractors.outcome_mapping import FUZZY_THRESHOLD, concept_for, effect_of, map_mentions
from litwatch.topics import Measure, Outcome, Topic

TOPIC = Topic(
    id="magnesium-sleep",
    question="Does magnesium help you sleep?",
    query="magnesium AND sleep",
    outcomes=[
        Outcome(
            name="sleep onset latency", synonyms=["sleep latency"], abbreviations=["SOL"], better="lower"
        ),
        Outcome(name="sleep duration", synonyms=["total sleep time"], abbreviations=["TST"], better="higher"),
        Outcome(name="sleep efficiency", abbreviations=["SE"], better="higher"),
        Outcome(
            name="sleep quality",
            better="higher",
            measures=[
                Measure(name="Pittsburgh Sleep Quality Index", abbreviations=["PSQI"], better="lower"),
                Measure(name="sleep disturbance", better="lower"),
            ],
        ),
    ],
)


def _abbreviation(short: str, long: str) -> Abbreviation:
    return Abbreviation(short=short, long=long, short_start=0, short_end=0, long_start=0, long_end=0)


def _concept(text: str, abbreviations: list[Abbreviation] | None = None) -> str | None:
    match = concept_for(text, abbreviations or [], TOPIC)
    return match.outcome.name if match else None


def _mapped(text: str, direction: Direction) -> tuple[str | None, str]:
    """(concept, effect) of a significant finding on the mention `text`."""
    mention = Mention(
        kind="outcome",
        label="outcome",
        section="abstract",
        start_char=0,
        end_char=len(text),
        text=text,
        outcome=OutcomeAttrs(direction=direction, significant=True),
    )
    [mapped] = map_mentions([mention], [], TOPIC)
    assert mapped.topic == TOPIC.id
    return mapped.concept, mapped.effect


def test_synonym_maps_to_canonical_name() -> None:
    assert _concept("total sleep time") == "sleep duration"


def test_abbreviation_defined_in_the_abstract_maps() -> None:
    assert _concept("change in SL", [_abbreviation("SL", "sleep latency")]) == "sleep onset latency"


def test_topic_abbreviation_maps_case_sensitively() -> None:
    assert _concept("SE") == "sleep efficiency"
    assert _concept("se") is None


def test_contained_phrase_maps() -> None:
    assert _concept("total sleep time at week 8") == "sleep duration"


def test_fuzzy_match_above_threshold_maps() -> None:
    assert FUZZY_THRESHOLD == 85
    assert _concept("sleep-onset latencies") == "sleep onset latency"


def test_fuzzy_match_below_threshold_stays_unmapped() -> None:
    assert _concept("sleep apnoea") is None


def test_unmapped_outcome_keeps_concept_none() -> None:
    assert _mapped("blood pressure", "decrease") == (None, "unclear")


def test_significant_decrease_of_a_lower_is_better_outcome_is_benefit() -> None:
    assert effect_of(OutcomeAttrs(direction="decrease", significant=True), "lower") == "benefit"


def test_significant_decrease_of_a_higher_is_better_outcome_is_harm() -> None:
    assert effect_of(OutcomeAttrs(direction="decrease", significant=True), "higher") == "harm"


def test_significant_increase_of_a_higher_is_better_outcome_is_benefit() -> None:
    assert effect_of(OutcomeAttrs(direction="increase", significant=True), "higher") == "benefit"


def test_non_significant_change_is_null() -> None:
    assert effect_of(OutcomeAttrs(direction="decrease", significant=False), "lower") == "null"


def test_unknown_significance_is_unclear() -> None:
    assert effect_of(OutcomeAttrs(direction="decrease", significant=None), "lower") == "unclear"


def test_improved_is_benefit_whatever_the_direction_of_the_scale() -> None:
    attrs = OutcomeAttrs(direction="unclear", significant=True, polarity="improved")
    assert effect_of(attrs, "lower") == "benefit"


def test_a_measure_names_its_outcome_and_judges_by_its_own_direction() -> None:
    assert _mapped("global PSQI score", "decrease") == ("sleep quality", "benefit")
    assert _mapped("PSQI", "increase") == ("sleep quality", "harm")
    assert _mapped("sleep disturbance", "decrease") == ("sleep quality", "benefit")


def test_the_outcome_itself_keeps_the_outcome_direction() -> None:
    assert _mapped("subjective sleep quality", "increase") == ("sleep quality", "benefit")
