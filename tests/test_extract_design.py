"""Design component: publication types first (curated over automated indexing), then MeSH, then text."""

from __future__ import annotations

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
