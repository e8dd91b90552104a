"""Doc and Span extensions shared by several components and by the code that reads their results."""

from __future__ import annotations

from spacy.tokens import Doc, Span

DOC_EXTENSIONS: dict[str, object] = {
    # Record metadata set before the pipe by extractors.text.make_article_doc.
    "publication_types": None,
    "mesh_terms": None,
    "indexing_method": None,
    "title_length": 0,
    # Results.
    "abbreviations": None,
    "design": None,
    "design_source": None,
    "notice": None,  # "retraction notice", "erratum", ...: the record is a notice, not a study
    "sample_size": None,
}
SPAN_EXTENSIONS: dict[str, object] = {
    "dose": None,
    "population": None,
    "long_form": None,
    "outcome": None,
}


def register_extensions() -> None:
    """Register every shared extension once (idempotent, so any component may call it)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
