"""Helpers the dataset scorers share: run the pipeline on a corpus text, read brat files, align tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from extractors.text import ArticleInput, abstract_offset, make_article_doc

WHITESPACE_TOKEN = re.compile(r"\S+")
T = TypeVar("T")


@dataclass(frozen=True)
class CorpusDoc:
    """A corpus text as the pipeline sees it: Doc offsets minus `offset` index the corpus text."""

    doc: Doc
    offset: int


def split_title(text: str) -> tuple[str, str]:
    """Corpus texts that start with a title line: (title, rest); else ("", text)."""
    title, sep, rest = text.partition("\n\n")
    if sep and "\n" not in title and len(title) < 400:
        return title, rest
    return "", text


def process_texts(
    nlp: Language, texts: Iterable[str], mesh: Iterable[list[str]] | None = None
) -> Iterator[CorpusDoc]:
    """Run the pipeline; the Doc text is `title + "\\n\\n" + rest`, i.e. the corpus text when it
    already has a title line, else the corpus text shifted by the separator."""
    inputs = []
    offsets = []
    mesh_lists = list(mesh) if mesh is not None else None
    for i, text in enumerate(texts):
        title, rest = split_title(text)
        inputs.append(
            ArticleInput(title=title, abstract=rest, mesh_terms=mesh_lists[i] if mesh_lists else [])
        )
        offsets.append(0 if title else abstract_offset(0))
    docs = nlp.pipe(make_article_doc(nlp, article) for article in inputs)
    for doc, offset in zip(docs, offsets, strict=True):
        yield CorpusDoc(doc, offset)


def spans_of(corpus_doc: CorpusDoc, group: str, label: str) -> list[tuple[int, int]]:
    """Predicted (start, end) in corpus-text offsets for one label of a doc.spans group."""
    return [
        (span.start_char - corpus_doc.offset, span.end_char - corpus_doc.offset)
        for span in corpus_doc.doc.spans.get(group, [])
        if span.label_ == label
    ]


@dataclass(frozen=True)
class BratEntity:
    label: str
    start: int
    end: int
    text: str


def read_brat(path: Path) -> list[BratEntity]:
    """T-lines of a brat .ann file (discontinuous spans keep their outer bounds)."""
    entities = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        label, *ranges = re.split(r"[ ;]", parts[1])
        bounds = [int(x) for x in ranges]
        entities.append(BratEntity(label, min(bounds), max(bounds), parts[2]))
    return entities


def whitespace_tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WHITESPACE_TOKEN.finditer(text)]


def align_tokens(text: str, tokens: list[str]) -> list[tuple[int, int] | None]:
    """Char range of each pre-tokenised token in `text`, searched in order; None when not found nearby
    (e.g. PTB quote conversions)."""
    aligned: list[tuple[int, int] | None] = []
    position = 0
    for token in tokens:
        found = text.find(token, position, position + len(token) + 40)
        if found < 0:
            aligned.append(None)
            continue
        aligned.append((found, found + len(token)))
        position = found + len(token)
    return aligned


def limited(items: list[T], limit: int | None) -> list[T]:
    """The first `limit` items (all of them when `limit` is None or 0)."""
    return items[:limit] if limit else items
