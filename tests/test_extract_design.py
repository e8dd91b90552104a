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
