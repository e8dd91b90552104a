"""Shared helpers for the extraction tests: one pipeline per session and an article-to-Doc shortcut."""

from __future__ import annotations

from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.pipeline import build_pipeline, read_spec
from extractors.text import ArticleInput, make_article_doc

# The components these tests cover (extraction II's outcome components have their own tests).
COMPONENTS = {
    "litwatch_sentences",
    "litwatch_abbreviations",
    "litwatch_dose",
    "litwatch_population",
    "litwatch_design",
}


@cache
def nlp() -> Language:
    spec = read_spec()
    spec.components = [c for c in spec.components if (c.name or c.factory) in COMPONENTS]
    return build_pipeline(spec)


def run(abstract: str, title: str = "", **metadata: object) -> Doc:
    """Process one article through the full pipeline."""
    pipeline = nlp()
    article = ArticleInput(title=title, abstract=abstract, **metadata)  # type: ignore[arg-type]
    return pipeline(make_article_doc(pipeline, article))


def labelled(doc: Doc, group: str, label: str) -> list[str]:
    return [span.text for span in doc.spans[group] if span.label_ == label]
