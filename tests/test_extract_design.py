"""Design component: publication types first (curated over automated indexing), then MeSH, then text."""

from __future__ import annotations

import pytest

from tests.extract_support import run

RCT_TEXT = "Sixty adults were randomly assigned to magnesium or placebo."


def test_publication_type_decides() -> None:
    doc = run("We pooled results.", title="Magnesium and sleep", publication_types=["Meta-Analysis"])
    assert (doc._.design, doc._.design_source) == ("meta_analysis", "publication_type")


def test_text_decides_without_publication_types() -> None:
    doc = run(RCT_TEXT, title="Magnesium and sleep")
    assert (doc._.design, doc._.design_source) == ("rct", "text")


def test_clinical_trial_type_is_randomised_only_if_the_text_says_so() -> None:
    randomised = run(RCT_TEXT, publication_types=["Clinical Trial"])
    open_label = run(
        "Twenty adults took magnesium in an open-label study.", publication_types=["Clinical Trial"]
    )
    assert randomised._.design == "rct"
    assert open_label._.design == "non_randomised_trial"


def test_automated_indexing_yields_to_an_explicit_title() -> None:
    title = "Magnesium for insomnia: a meta-analysis"
    automated = run(
        "Five trials were pooled.", title, publication_types=["Review"], indexing_method="Automated"
    )
    curated = run("Five trials were pooled.", title, publication_types=["Review"], indexing_method="Curated")
    assert (automated._.design, automated._.design_source) == ("meta_analysis", "text")
    assert (curated._.design, curated._.design_source) == ("narrative_review", "publication_type")


def test_mesh_animals_without_humans_is_animal() -> None:
    doc = run("Magnesium deficiency altered sleep.", mesh_terms=["Animals", "Rats", "*Magnesium/deficiency"])
    assert (doc._.design, doc._.design_source) == ("animal", "mesh")


def test_animal_study_from_text() -> None:
    doc = run("Rats were randomized to a magnesium-deficient diet; mice served as controls.")
    assert doc._.design == "animal"


def test_nothing_known_is_other_by_default() -> None:
    doc = run("Sleep matters.")
    assert (doc._.design, doc._.design_source) == ("other", "default")


def test_retraction_notice_is_not_a_study() -> None:
    doc = run(
        "This article has been retracted: sixty adults were randomly assigned to magnesium or placebo.",
        title="Retraction: Magnesium for insomnia, a randomized controlled trial",
        publication_types=["Retraction of Publication", "Randomized Controlled Trial"],
    )
    assert (doc._.design, doc._.design_source, doc._.notice) == (
        "other",
        "publication_type",
        "retraction notice",
    )


def test_letter_is_a_notice_only_without_a_study_type() -> None:
    letter = run(RCT_TEXT, publication_types=["Letter", "Comment"])
    trial_letter = run(RCT_TEXT, publication_types=["Letter", "Randomized Controlled Trial"])
    assert (letter._.design, letter._.notice) == ("other", "letter")
    assert (trial_letter._.design, trial_letter._.notice) == ("rct", None)


def test_notice_title_decides_without_publication_types() -> None:
    erratum = run(RCT_TEXT, title="Erratum: Magnesium and sleep in older adults")
    retracted_study = run(RCT_TEXT, title="RETRACTED: Magnesium and sleep in older adults")
    assert (erratum._.design, erratum._.notice) == ("other", "erratum")
    assert (retracted_study._.design, retracted_study._.notice) == ("rct", None)


def test_a_title_word_that_is_not_a_heading_is_no_notice() -> None:
    doc = run(RCT_TEXT, title="Correction of hypomagnesaemia with oral magnesium: a randomized trial")
    assert (doc._.design, doc._.notice) == ("rct", None)


@pytest.mark.parametrize(
    "abstract",
    [
        "Forty patients were divided randomly into two groups.",
        "Patients were assigned to 2 groups at random.",
        "Each subject ingested the three test meals in random order.",
        "Participants were allocated by random assignment to yoga or waiting list.",
    ],
)
def test_allocation_phrasings_are_randomised(abstract: str) -> None:
    assert run(abstract, title="Sleep after exercise")._.design == "rct"


def test_a_trial_citing_a_meta_analysis_is_still_a_trial() -> None:
    doc = run(
        "A published meta-analysis suggested a benefit. 120 adults were randomised to magnesium or placebo.",
        title="Magnesium and sleep",
    )
    assert doc._.design == "rct"


def test_non_randomised_is_not_randomised() -> None:
    doc = run("In this non-randomized controlled study, 40 adults took melatonin.", title="Melatonin")
    assert doc._.design == "non_randomised_trial"


def test_a_text_that_summarises_without_study_numbers_is_a_review() -> None:
    doc = run(
        "This article summarizes recent advances in the treatment of insomnia and their mechanisms.",
        title="Treating insomnia",
    )
    assert doc._.design == "narrative_review"


def test_a_study_that_discusses_its_results_is_no_review() -> None:
    doc = run(
        "We recruited 46 women. This article summarizes what the trial found: sleep improved (p = 0.03).",
        title="Sleep in women",
    )
    assert doc._.design != "narrative_review"
