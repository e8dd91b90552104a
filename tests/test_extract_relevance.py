"""Relevance per topic: intervention and outcome both studied; near misses marked with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.relevance import assess_relevance, compiled_near_misses
from extractors.terms import term_pattern
from litwatch.topics import Topic, get_topic
from tests.conftest import REPO
from tests.extract_support import run


@pytest.fixture(scope="module")
def topic() -> Topic:
    return get_topic(Path(REPO / "topics"), "magnesium-sleep")


def test_supplementation_trial_on_sleep_quality_is_relevant(topic: Topic) -> None:
    doc = run("We gave 500 mg magnesium daily.", title="Magnesium improves sleep quality in older adults")
    result = assess_relevance(doc, topic)
    assert result.relevant
    assert "sleep quality" in result.reason


@pytest.mark.parametrize(
    ("title", "abstract", "rule"),
    [
        (
            "Intraoperative magnesium sulfate and postoperative pain",
            "Sleep quality was also assessed.",
            "anaesthesia",
        ),
        ("Magnesium sulphate for severe pre-eclampsia", "Maternal insomnia was recorded.", "obstetric"),
        (
            "Serum magnesium in obstructive sleep apnoea",
            "Serum magnesium levels and sleep quality.",
            "biomarker",
        ),
        ("Magnesium for nocturnal leg cramps", "Insomnia was a secondary outcome.", "cramps"),
        ("Magnesium for premenstrual syndrome", "Mood and insomnia improved.", "premenstrual"),
    ],
)
def test_near_misses_are_not_relevant_and_say_why(topic: Topic, title: str, abstract: str, rule: str) -> None:
    result = assess_relevance(run(abstract, title=title), topic)
    assert not result.relevant
    assert result.reason.startswith(f"near miss ({rule})")


def test_sleep_outcome_in_the_title_overrides_a_near_miss_word(topic: Topic) -> None:
    doc = run("Women took 250 mg magnesium nightly.", title="Magnesium for insomnia in premenstrual syndrome")
    assert assess_relevance(doc, topic).relevant


def test_missing_intervention_or_outcome(topic: Topic) -> None:
    no_magnesium = assess_relevance(run("Insomnia improved.", title="Melatonin and sleep quality"), topic)
    no_outcome = assess_relevance(run("Blood pressure fell.", title="Magnesium and hypertension"), topic)
    assert not no_magnesium.relevant and "not mentioned" in no_magnesium.reason
    assert not no_outcome.relevant and "none of the outcomes" in no_outcome.reason


def test_abbreviation_counts_only_when_defined(topic: Topic) -> None:
    defined = run("Sleep onset latency (SOL) fell after magnesium.", title="Magnesium trial")
    undefined = run("The SOL fell after magnesium.", title="Magnesium trial")
    assert assess_relevance(defined, topic).relevant
    assert not assess_relevance(undefined, topic).relevant


@pytest.mark.parametrize(
    ("publication_types", "notice"),
    [
        (["Retraction of Publication"], "retraction notice"),
        (["Published Erratum"], "erratum"),
        (["Editorial"], "editorial"),
    ],
)
def test_notices_are_not_relevant(topic: Topic, publication_types: list[str], notice: str) -> None:
    doc = run(
        "We gave 500 mg magnesium daily.",
        title="Magnesium improves sleep quality in older adults",
        publication_types=publication_types,
    )
    result = assess_relevance(doc, topic)
    assert not result.relevant
    assert result.reason == f"{notice}, not a study"


def test_patterns_are_compiled_once_per_topic(topic: Topic) -> None:
    compiled_near_misses.cache_clear()
    term_pattern.cache_clear()
    results = [
        assess_relevance(run("Sleep quality was assessed.", title=title), topic)
        for title in ("Magnesium and sleep", "Intraoperative magnesium sulfate and postoperative pain")
    ]
    assert [r.relevant for r in results] == [True, False]
    assert compiled_near_misses.cache_info().misses == 1
    assert term_pattern.cache_info().misses == 2  # the intervention's terms and the outcomes'


@pytest.mark.parametrize(
    ("title", "abstract", "rule"),
    [
        (
            "Cognitive behavioral therapy for insomnia in heart failure",
            "We randomized 51 patients to cognitive behavioral therapy or attention control. We measured "
            "urinary free cortisol, melatonin sulfate and norepinephrine at baseline. Sleep quality "
            "improved.",
            "measured",
        ),
        (
            "Bright light therapy in Parkinson's disease",
            "Melatonin antagonism may benefit Parkinson's disease. Bright light therapy suppresses melatonin "
            "release. We randomized 36 patients to bright light or dim light; sleep quality improved.",
            "mechanism",
        ),
    ],
)
def test_intervention_named_only_as_a_marker_or_mechanism_is_a_near_miss(
    title: str, abstract: str, rule: str
) -> None:
    melatonin = get_topic(Path(REPO / "topics"), "melatonin-sleep")
    result = assess_relevance(run(abstract, title=title), melatonin)
    assert not result.relevant
    assert result.reason.startswith(f"near miss ({rule})")


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        # Named in the title: the study is about it, whatever its sentences say.
        (
            "Melatonin and sleep in shift workers",
            "Melatonin concentrations were measured. Sleep quality rose.",
        ),
        # Measured, but also given: an administration cue vetoes the rule.
        (
            "Sleep in shift workers",
            "Melatonin 3 mg was given nightly. Salivary melatonin levels were measured. Sleep quality rose.",
        ),
        # One sentence names it outside a measurement context.
        (
            "Sleep in shift workers",
            "Melatonin shortened sleep latency. Melatonin concentrations were measured.",
        ),
        # Named as a mechanism, but also given: the administration vetoes the mechanism rule.
        (
            "Sleep in children with autism",
            "Melatonin suppresses alertness at night. Children received melatonin 3 mg or placebo; sleep "
            "onset latency fell.",
        ),
    ],
)
def test_marker_and_mechanism_rules_need_every_mention_to_be_one(title: str, abstract: str) -> None:
    melatonin = get_topic(Path(REPO / "topics"), "melatonin-sleep")
    assert assess_relevance(run(abstract, title=title), melatonin).relevant
