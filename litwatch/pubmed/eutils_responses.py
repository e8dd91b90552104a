"""NCBI-shaped XML bodies for the local E-utilities server: eSearchResult, ePostResult and error bodies.

The DOCTYPEs are NCBI's own, so `Bio.Entrez.read` validates them against the DTDs Biopython ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

PUBMED_MAX_HITS = 10_000
"""PubMed lets E-utilities retrieve only the first 10,000 results of a search."""

ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)
EPOST_DOCTYPE = (
    '<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
EFETCH_ERROR_DOCTYPE = (
    '<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">'
)


@dataclass(frozen=True)
class SearchPage:
    """What one esearch answers: total count, one page of ids, and the history handle if asked."""

    count: int
    retstart: int
    ids: Sequence[int]
    translation: str
    query_key: int | None = None
    webenv: str | None = None
    warnings: list[str] = field(default_factory=list)


def _document(root: etree._Element, doctype: str) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=doctype)


def _sub(parent: etree._Element, tag: str, text: str | int | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def esearch_body(page: SearchPage) -> bytes:
    root = etree.Element("eSearchResult")
    _sub(root, "Count", page.count)
    _sub(root, "RetMax", len(page.ids))
    _sub(root, "RetStart", page.retstart)
    if page.query_key is not None and page.webenv is not None:
        _sub(root, "QueryKey", page.query_key)
        _sub(root, "WebEnv", page.webenv)
    id_list = _sub(root, "IdList")
    for pmid in page.ids:
        _sub(id_list, "Id", pmid)
    _sub(root, "TranslationSet")
    _sub(root, "QueryTranslation", page.translation)
    if page.warnings:
        warnings = _sub(root, "WarningList")
        for message in page.warnings:
            _sub(warnings, "OutputMessage", message)
    return _document(root, ESEARCH_DOCTYPE)


def esearch_error_body(message: str, *, field_not_found: str | None = None) -> bytes:
    """An eSearchResult carrying NCBI's ERROR element (and FieldNotFound for an unknown tag)."""
    root = etree.Element("eSearchResult")
    _sub(root, "ERROR", message)
    if field_not_found is not None:
        _sub(_sub(root, "ErrorList"), "FieldNotFound", field_not_found)
    return _document(root, ESEARCH_DOCTYPE)


def epost_body(query_key: int, webenv: str, invalid_ids: Sequence[str] = ()) -> bytes:
    root = etree.Element("ePostResult")
    if invalid_ids:
        invalid = _sub(root, "InvalidIdList")
        for value in invalid_ids:
            _sub(invalid, "Id", value)
    _sub(root, "QueryKey", query_key)
    _sub(root, "WebEnv", webenv)
    return _document(root, EPOST_DOCTYPE)


def error_body(utility: str, message: str) -> bytes:
    """The error document of a utility: eSearchResult, ePostResult or eFetchResult with ERROR."""
    if utility == "esearch":
        return esearch_error_body(message)
    root_tag, doctype = (
        ("ePostResult", EPOST_DOCTYPE) if utility == "epost" else ("eFetchResult", EFETCH_ERROR_DOCTYPE)
    )
    root = etree.Element(root_tag)
    _sub(root, "ERROR", message)
    return _document(root, doctype)
