"""Population component: sample size (totals, arms summed, pooled), age, sex, condition, setting."""

from __future__ import annotations

import pytest

from extractors.components.population import DATA, PopulationExtractor, PopulationLexicon
from extractors.models import PopulationAttrs
from tests.extract_support import labelled, run


def test_total_randomised_is_the_sample_size() -> None:
    doc = run("A total of 46 elderly subjects were randomized. 20 of the 46 completed the study.")
    assert doc._.sample_size == 46


def test_arms_are_summed_when_no_total_is_given() -> None:
    doc = run("Patients were assigned to magnesium (n = 30) or placebo (n = 32).")
    assert doc._.sample_size == 62


def test_arms_after_an_allocation_are_summed() -> None:
    doc = run("Overall 266 patients were randomly assigned to GT and 263 to paclitaxel.")
    assert doc._.sample_size == 529


def test_meta_analysis_reports_the_pooled_total() -> None:
    doc = run("Twelve trials involving 1,234 participants were included; the largest had 300 patients.")
    assert doc._.sample_size == 1234


def test_number_words_are_counts() -> None:
    doc = run("Seventy-three children were enrolled.")
    assert doc._.sample_size == 73


def test_years_are_not_counts() -> None:
    doc = run("Patients treated between 2012 and 2013 were enrolled.")
    assert doc._.sample_size is None


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # The pool a sentence divides is the total, not its first part.
        ("Of the 885 patients, 442 were assigned to high dose and 443 to conventional dose.", 885),
        # Thousands split by a plain space before a people noun.
        ("A total of 266 064 women had been randomly assigned to BSE or control.", 266064),
        # A sentence-initial number whose noun is an unknown abbreviation.
        ("Forty-six postmenopausal BCS (stage I-II, off treatment) were randomized to exercise.", 46),
        # Two groups listed in turn add up.
        ("Fifty patients were treated with docetaxel, and 51 patients were treated with paclitaxel.", 101),
        ("We randomly assigned 78 patients to drug A and 78 patients to drug A plus drug B.", 156),
        # A case-control study's cases and controls; several n = in one sentence are its arms.
        ("We recruited 756 incident breast cancer cases and 789 hospital controls.", 1545),
        ("Women were randomized to the intervention (N = 71) or usual care (N = 34).", 105),
        # Randomised beats completers, wherever the completers are named.
        ("Ninety-eight patients completed the 12-week study. Overall, 120 patients were randomized.", 120),
    ],
)
def test_sample_size_rules(abstract: str, expected: int) -> None:
    assert run(abstract)._.sample_size == expected


def test_age_range_and_group() -> None:
    doc = run("We studied children aged 5 to 12 years.")
    [age] = [s for s in doc.spans["population"] if s.label_ == "age"]
    assert age.text == "children aged 5 to 12 years"
    attrs: PopulationAttrs = age._.population
    assert (attrs.age_low, attrs.age_high, attrs.age_group) == (5, 12, "children")


@pytest.mark.parametrize(
    ("abstract", "span"),
    [
        (
            "The median age was 52.6 (SD = 10.1) years (range, 21-76).",
            "median age was 52.6 (SD = 10.1) years (range, 21-76)",
        ),
        ("Women > or = 60 years were eligible.", "> or = 60 years"),
        ("Women between 33 and 46 years were eligible.", "between 33 and 46 years"),
        ("Participants were 53.8 ± 8.2 years old.", "53.8 ± 8.2 years"),
    ],
)
def test_age_value_forms(abstract: str, span: str) -> None:
    assert span in labelled(run(abstract), "population", "age")[0]


def test_durations_are_not_ages() -> None:
    assert (
        labelled(run("Patients were followed for 10 to 15 years after surgery."), "population", "age") == []
    )


def test_mean_age() -> None:
    doc = run("Mean age was 65.2 ± 3.1 years.")
    [age] = [s._.population for s in doc.spans["population"] if s.label_ == "age"]
    assert age.age_mean == 65.2


def test_sex_mentions_are_normalised() -> None:
    doc = run("Postmenopausal women and men took part.")
    sexes = {s._.population.sex for s in doc.spans["population"] if s.label_ == "sex"}
    assert sexes == {"female", "male"}


def test_condition_after_patients_with() -> None:
    doc = run("Adults with primary insomnia were recruited from primary care.")
    assert "primary insomnia" in labelled(doc, "population", "condition")
    assert labelled(doc, "population", "setting") == ["primary care"]


def test_conditions_from_participant_entities() -> None:
    """With conditions_from='participants', a trained recogniser's PARTICIPANTS entity minus its age, sex
    and count parts becomes the condition (the entity is set by hand here)."""
    text = "Sixty adults aged 40-60 years with chronic primary insomnia were enrolled."
    doc = run(text)
    start = doc.text.index(text)  # the Doc text is title + "\n\n" + abstract
    entity = doc.char_span(start, start + text.index(" were"), label="PARTICIPANTS")
    assert entity is not None
    doc.ents = [entity]
    lexicon = PopulationLexicon.load(DATA / "population.yaml")
    PopulationExtractor(lexicon, "PARTICIPANTS", "participants")(doc)
    assert labelled(doc, "population", "condition") == ["chronic primary insomnia"]
