"""Significant findings the topic-free reading left without direction, read with the topic's intervention."""

from __future__ import annotations

from extractors.models import Direction, Mention, OutcomeAttrs
from extractors.outcome_mapping import map_mentions
from extractors.topic_direction import direction_for_topic
from litwatch.topics import Intervention, Outcome, Topic

TOPIC = Topic(
    id="melatonin-sleep",
    question="Does melatonin help people sleep?",
    query="melatonin AND sleep",
    intervention=Intervention(terms=["melatonin"]),
    outcomes=[
        Outcome(name="sleep duration", synonyms=["total sleep duration"], better="higher"),
        Outcome(name="sleep onset latency", synonyms=["sleep latency"], better="lower"),
    ],
)
ARMS = (
    "Total sleep duration was 8.05 h (95% CI 7.65-8.44) baseline, 8.75 h (95% CI 8.56-8.98) with placebo "
    "and 9.84 h (95% CI 9.68-9.99) with melatonin."
)


def _mention(
    sentence: str, outcome: str, direction: Direction = "unclear", significant: bool = True
) -> Mention:
    start = sentence.index(outcome)
    return Mention(
        kind="outcome",
        label="outcome",
        section="abstract",
        start_char=start,
        end_char=start + len(outcome),
        text=outcome,
        outcome=OutcomeAttrs(direction=direction, significant=significant, sentence=sentence),
    )


def test_arm_numbers_decide_once_the_topic_names_the_intervention_arm() -> None:
    mention = _mention(ARMS, "Total sleep duration")
    assert direction_for_topic(mention, TOPIC) == "increase"
    [reading] = map_mentions([mention], [], TOPIC)
    assert (reading.concept, reading.direction, reading.effect) == ("sleep duration", "increase", "benefit")


def test_a_lower_number_with_the_intervention_is_a_decrease() -> None:
    sentence = "Sleep latency was 1.91 h with placebo and 1.06 h with melatonin."
    [reading] = map_mentions([_mention(sentence, "Sleep latency")], [], TOPIC)
    assert (reading.direction, reading.effect) == ("decrease", "benefit")


def test_readings_the_pipeline_settled_are_left_alone() -> None:
    assert direction_for_topic(_mention(ARMS, "Total sleep duration", direction="decrease"), TOPIC) is None
    assert direction_for_topic(_mention(ARMS, "Total sleep duration", significant=False), TOPIC) is None


def test_a_sentence_without_the_intervention_stays_unclear() -> None:
    sentence = "Total sleep duration was 8.75 h with placebo and 9.84 h with exercise."
    [reading] = map_mentions([_mention(sentence, "Total sleep duration")], [], TOPIC)
    assert (reading.direction, reading.effect) == (None, "unclear")
