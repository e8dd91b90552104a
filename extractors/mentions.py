"""Turn a processed Doc into `ArticleExtraction`: every span of the groups in MENTION_GROUPS becomes a
Mention whose offsets index `articles.title` or `articles.abstract` (see extractors.text.locate)."""

from __future__ import annotations

from spacy.tokens import Doc

from extractors.models import ArticleExtraction, Mention
from extractors.text import ArticleInput, doc_text, locate

# doc.spans group -> (mention kind, Span extension holding its attrs, Mention field for them)
MENTION_GROUPS: dict[str, tuple[str, str, str]] = {
    "dose": ("dose", "dose", "dose"),
    "population": ("population", "population", "population"),
    "outcome": ("outcome", "outcome", "outcome"),
}


def doc_mentions(doc: Doc, title: str, abstract: str) -> list[Mention]:
    title_length = len(title)
    text = doc_text(doc)  # `span.text` rebuilds the string token by token
    mentions: list[Mention] = []
    seen: set[tuple[str, str, int, int]] = set()
    for group, (kind, extension, field) in MENTION_GROUPS.items():
        for span in doc.spans.get(group, []):
            span_start, span_end = span.start_char, span.end_char
            located = _trimmed(text, span_start, span_end, title_length)
            if located is None:
                continue
            section, start, end = located
            key = (kind, span.label_, span_start, span_end)
            if key in seen:
                continue
            seen.add(key)
            source = title if section == "title" else abstract
            mentions.append(
                Mention.model_validate(
                    {
                        "kind": kind,
                        "label": span.label_,
                        "section": section,
                        "start_char": start,
                        "end_char": end,
                        "text": source[start:end],
                        field: getattr(span._, extension),
                    }
                )
            )
    return mentions


def _trimmed(text: str, start: int, end: int, title_length: int) -> tuple[str, int, int] | None:
    """The span `text[start:end]` without surrounding whitespace (token alignment may include a trailing
    newline), located in its field."""
    span = text[start:end]
    start += len(span) - len(span.lstrip())
    end -= len(span) - len(span.rstrip())
    return locate(start, end, title_length) if start < end else None


def to_extraction(doc: Doc, article: ArticleInput, extractor_version: str) -> ArticleExtraction:
    return ArticleExtraction(
        pmid=article.pmid,
        article_version=article.article_version,
        extractor_version=extractor_version,
        design=doc._.design or "other",
        design_source=doc._.design_source or "default",
        sample_size=doc._.sample_size,
        mentions=doc_mentions(doc, article.title, article.abstract),
    )
