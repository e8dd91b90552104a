"""Shared helpers for the extraction tests: one pipeline per session and an article-to-Doc shortcut."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.pipeline import load_pipeline
from extractors.text import ArticleInput, make_article_doc


def nlp() -> Language:
    return load_pipeline()


def run(abstract: str, title: str = "", **metadata: object) -> Doc:
    """Process one article through the full pipeline."""
    pipeline = nlp()
    article = ArticleInput(title=title, abstract=abstract, **metadata)  # type: ignore[arg-type]
    return pipeline(make_article_doc(pipeline, article))


def labelled(doc: Doc, group: str, label: str) -> list[str]:
    return [span.text for span in doc.spans[group] if span.label_ == label]
