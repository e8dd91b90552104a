"""Decoding outcome spans from per-token B/I/O probabilities, on hand-made docs and probabilities."""

from __future__ import annotations

from functools import cache

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.components import register_all
from extractors.components.outcomes import OutcomeSpans, outcome_ranges, softmax
from extractors.extensions import register_extensions
from extractors.pipeline import load_pipeline
from extractors.text import ArticleInput, make_article_doc

LABELS = ("B", "I", "O")


@cache
def _nlp() -> Language:
    register_all()
    register_extensions()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}})
    nlp.add_pipe("litwatch_sentences")
    return nlp


def article(title: str, abstract: str) -> Doc:
    nlp = _nlp()
    doc = make_article_doc(nlp, ArticleInput(title=title, abstract=abstract))
    return nlp.get_pipe("litwatch_sentences")(doc)


def probabilities(doc: Doc, tags: dict[str, str]) -> np.ndarray:
    """One row per token: the tag given for its text (every occurrence), else O."""
    rows = {"B": [0.9, 0.05, 0.05], "I": [0.05, 0.9, 0.05], "O": [0.05, 0.05, 0.9]}
    return np.array([rows[tags.get(token.text, "O")] for token in doc], dtype="f")


def texts(doc: Doc, ranges: list[tuple[int, int]]) -> list[str]:
    return [doc[start:end].text for start, end in ranges]


def test_only_the_results_part_of_a_structured_abstract_is_decoded() -> None:
    doc = article("Pain after surgery", "METHODS: We measured pain.\nRESULTS: Pain fell.")
    ranges = outcome_ranges(doc, probabilities(doc, {"pain": "B", "Pain": "B"}), LABELS, 0.5)
    assert texts(doc, ranges) == ["Pain"]
    assert doc[ranges[0][0]].idx > doc.text.index("RESULTS")


def test_an_unstructured_abstract_is_decoded_whole_but_not_its_title() -> None:
    doc = article("Pain after surgery", "We measured pain. It fell.")
    ranges = outcome_ranges(doc, probabilities(doc, {"Pain": "B", "pain": "B"}), LABELS, 0.5)
    assert texts(doc, ranges) == ["pain"]


def test_edge_punctuation_is_trimmed_and_a_begin_tag_opens_a_new_span() -> None:
    doc = article("T", "RESULTS: Sleep quality, anxiety improved.")
    tags = {"Sleep": "B", "quality": "I", ",": "I", "anxiety": "B"}
    ranges = outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)
    assert texts(doc, ranges) == ["Sleep quality", "anxiety"]


def test_a_lower_cut_takes_less_certain_tokens() -> None:
    doc = article("T", "RESULTS: Fatigue fell.")
    uncertain = probabilities(doc, {})
    fatigue = next(token.i for token in doc if token.text == "Fatigue")
    uncertain[fatigue] = [0.2, 0.2, 0.6]
    assert texts(doc, outcome_ranges(doc, uncertain, LABELS, 0.5)) == []
    assert texts(doc, outcome_ranges(doc, uncertain, LABELS, 0.35)) == ["Fatigue"]


def test_a_span_cutting_into_a_word_takes_the_whole_word() -> None:
    doc = article("T", "RESULTS: XR-NTX improved progression-free survival (PFS).")
    tags = {"NTX": "B", "free": "B", "survival": "I", "PFS": "B"}
    ranges = outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)
    assert texts(doc, ranges) == ["XR-NTX", "progression-free survival", "PFS"]


def test_pieces_of_one_word_become_one_span() -> None:
    doc = article("T", "RESULTS: HbA1c-related events fell.")
    tags = {"HbA1c": "B", "related": "B"}
    assert texts(doc, outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)) == ["HbA1c-related"]


def test_a_number_or_symbol_alone_is_no_outcome() -> None:
    doc = article("T", "RESULTS: Pain fell at 12 weeks (< 0.05).")
    tags = {"12": "B", "<": "B", "Pain": "B"}
    assert texts(doc, outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)) == ["Pain"]


def test_link_words_at_the_edges_and_an_unclosed_bracket_are_trimmed() -> None:
    doc = article("T", "RESULTS: Quality of life at 12 weeks and heart failure (HF rates improved.")
    tags = {"Quality": "B", "of": "I", "life": "I", "at": "I", "heart": "B", "failure": "I", "(": "I"}
    tags["HF"] = "I"
    assert texts(doc, outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)) == [
        "Quality of life",
        "heart failure",
    ]


def test_a_link_word_alone_is_no_outcome_and_a_glued_one_stays() -> None:
    doc = article("T", "RESULTS: Pain fell at 8 weeks, and on-treatment hemoglobin rose.")
    tags = {"Pain": "B", "at": "B", "on": "B", "-": "I", "treatment": "I", "hemoglobin": "I"}
    assert texts(doc, outcome_ranges(doc, probabilities(doc, tags), LABELS, 0.5)) == [
        "Pain",
        "on-treatment hemoglobin",
    ]


STRUCTURED = (
    "BACKGROUND: Poor sleep is common in older adults and magnesium may help.\n"
    "METHODS: We randomised 46 adults to magnesium 500 mg daily or placebo for 8 weeks.\n"
    "RESULTS: Sleep onset latency fell more with magnesium than with placebo (P = 0.02), and sleep "
    "efficiency rose; serum renin did not differ.\n"
    "CONCLUSIONS: Magnesium improved insomnia severity index scores."
)


def test_the_tagger_reads_the_results_tail_and_tags_it_as_it_tags_the_whole_doc() -> None:
    nlp = load_pipeline()
    title = "Magnesium and sleep in older adults"
    doc = make_article_doc(nlp, ArticleInput(title=title, abstract=STRUCTURED))
    for name, component in nlp.pipeline:
        if name == "litwatch_outcomes":
            break
        doc = component(doc)
    outcomes = nlp.get_pipe("litwatch_outcomes")
    assert isinstance(outcomes, OutcomeSpans)
    tail = outcomes.tagged_tail(doc)
    results = next(token.i for token in doc if token.text == "RESULTS")
    # Title, background and methods are skipped, all but the tokens the first results tags look at.
    assert 0 < tail.start == results - outcomes.receptive_field and tail.end == len(doc)
    whole = softmax(np.asarray(outcomes.tagger.model.predict([doc])[0]))
    read = softmax(np.asarray(outcomes.tagger.model.predict([tail])[0]))
    np.testing.assert_allclose(read[results - tail.start :], whole[results:], atol=1e-5)
    tagged = outcomes(doc)
    assert [(span.start, span.end) for span in tagged.spans["outcome"]] == outcome_ranges(
        doc, whole, outcomes.labels, outcomes.min_probability
    )
    assert tagged.spans["outcome"], "the fixture names outcomes the tagger finds"
