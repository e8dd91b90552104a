"""One Doc per article: `title + "\\n\\n" + abstract`, and the map from Doc offsets back to each field.

Offsets the warehouse stores index `articles.title` or `articles.abstract` exactly; `locate` does that
mapping, so `text == field[start:end]` holds for every mention.
"""

from __future__ import annotations

from itertools import pairwise

import numpy
from pydantic import BaseModel, Field
from spacy.language import Language
from spacy.tokens import Doc

from extractors.models import Section

SEPARATOR = "\n\n"
TEXT_KEY = "litwatch_text"


class ArticleInput(BaseModel):
    """What the pipeline reads from one stored article version."""

    pmid: int = 0
    article_version: int = 1
    title: str = ""
    abstract: str = ""
    publication_types: list[str] = Field(default_factory=list)
    mesh_terms: list[str] = Field(default_factory=list)
    indexing_method: str | None = None
    languages: list[str] = Field(default_factory=list)


def article_text(title: str, abstract: str) -> str:
    return f"{title}{SEPARATOR}{abstract}"


def abstract_offset(title_length: int) -> int:
    return title_length + len(SEPARATOR)


def locate(start: int, end: int, title_length: int) -> tuple[Section, int, int] | None:
    """Map a Doc char span to (section, start, end) in that field; None if it crosses the separator."""
    if end <= title_length:
        return "title", start, end
    offset = abstract_offset(title_length)
    if start >= offset:
        return "abstract", start - offset, end - offset
    return None


def make_article_doc(nlp: Language, article: ArticleInput) -> Doc:
    """Tokenise an article and attach the record metadata components may use (design, sections)."""
    text = article_text(article.title, article.abstract)
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    doc._.title_length = len(article.title)
    doc._.publication_types = list(article.publication_types)
    doc._.mesh_terms = list(article.mesh_terms)
    doc._.indexing_method = article.indexing_method
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc: spaCy rebuilds it token by token on every access."""
    cached = doc.user_data.get(TEXT_KEY)
    if not isinstance(cached, str):
        cached = doc.text
        doc.user_data[TEXT_KEY] = cached
    return cached


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of every sentence, read from SENT_START without iterating `doc.sents`
    (a per-token Python loop); the whole text is one sentence when no boundaries are set."""
    if len(doc) == 0:
        return []
    flags = doc.to_array("SENT_START").astype("int64")
    starts = [int(i) for i in numpy.flatnonzero(flags == 1)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    chars = [doc[i].idx for i in starts] + [len(doc_text(doc))]
    return list(pairwise(chars))
