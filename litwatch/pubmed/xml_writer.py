"""Serialise PubmedRecord models back to PubMed efetch XML (PubmedArticleSet), as the local server sends it.

The output follows NCBI's pubmed_250101 DTD closely enough that the project's streaming parser reads
back every field it reads from real records: `parse(write(record)) == record` for parsed records.
Inline markup is not recreated (the model holds flattened text).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import groupby

from lxml import etree

from litwatch.pubmed.dates import SEASON_MONTHS, PartialDate, month_number, parse_int
from litwatch.pubmed.records import PubmedRecord

Element = etree._Element

DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)


def write_pubmed_xml(records: Iterable[PubmedRecord]) -> bytes:
    """A complete efetch document (declaration, DOCTYPE, PubmedArticleSet) for the records, in order."""
    return article_set(article_xml(record) for record in records)


def article_xml(record: PubmedRecord) -> bytes:
    """One record's PubmedArticle element as UTF-8 bytes, ready to be placed in an article set."""
    return etree.tostring(record_element(record), encoding="UTF-8", pretty_print=True)


def article_set(articles: Iterable[bytes]) -> bytes:
    """A PubmedArticleSet document around serialised articles (the server caches each record's bytes)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n<PubmedArticleSet>\n'.encode()
    return head + b"".join(articles) + b"</PubmedArticleSet>\n"


def record_element(record: PubmedRecord) -> Element:
    """One PubmedArticle (or PubmedBookArticle for a book record)."""
    if record.is_book:
        return _book_article(record)
    article = etree.Element("PubmedArticle")
    citation = _sub(article, "MedlineCitation")
    for name, value in (
        ("Status", record.status),
        ("IndexingMethod", record.indexing_method),
        ("Owner", record.owner),
    ):
        if value is not None:
            citation.set(name, value)
    _pmid(citation, record)
    _ymd(citation, "DateCompleted", record.date_completed)
    _ymd(citation, "DateRevised", record.date_revised)
    body = _sub(citation, "Article", PubModel="Print")
    journal = _sub(body, "Journal")
    issue = _sub(journal, "JournalIssue", CitedMedium="Internet")
    _text(issue, "Volume", record.volume)
    _text(issue, "Issue", record.issue)
    _pub_date(issue, record)
    _text(journal, "Title", record.journal)
    _text(journal, "ISOAbbreviation", record.journal_iso)
    _sub(body, "ArticleTitle").text = record.title
    if record.pages:
        _text(_sub(body, "Pagination"), "MedlinePgn", record.pages)
    _abstract(body, record)
    _authors(body, record)
    for language in record.languages:
        _text(body, "Language", language)
    _databanks(body, record)
    types = _sub(body, "PublicationTypeList")
    for kind in record.publication_types:
        _text(types, "PublicationType", kind)
    _text(body, "VernacularTitle", record.vernacular_title)
    _comments(citation, record)
    _mesh(citation, record)
    _other_abstracts(citation, record)
    _keywords(citation, record)
    _pubmed_data(_sub(article, "PubmedData"), record)
    return article


def _book_article(record: PubmedRecord) -> Element:
    article = etree.Element("PubmedBookArticle")
    document = _sub(article, "BookDocument")
    _pmid(document, record)
    book = _sub(document, "Book")
    _pub_date(book, record)
    _text(book, "BookTitle", record.journal)
    _sub(document, "ArticleTitle").text = record.title
    for language in record.languages:
        _text(document, "Language", language)
    _authors(document, record)
    for kind in record.publication_types:
        _text(document, "PublicationType", kind)
    _abstract(document, record)
    _keywords(document, record)
    _pubmed_data(_sub(article, "PubmedBookData"), record)
    return article


def _sub(parent: Element, tag: str, **attributes: str) -> Element:
    return etree.SubElement(parent, tag, attributes)


def _text(parent: Element, tag: str, value: str | None, **attributes: str) -> None:
    if value is not None:
        _sub(parent, tag, **attributes).text = value


def _pmid(parent: Element, record: PubmedRecord) -> None:
    _text(parent, "PMID", str(record.pmid), Version=str(record.pmid_version))


def _ymd(parent: Element, tag: str, value: date | None, **attributes: str) -> None:
    if value is None:
        return
    element = _sub(parent, tag, **attributes)
    _text(element, "Year", f"{value.year:04d}")
    _text(element, "Month", f"{value.month:02d}")
    _text(element, "Day", f"{value.day:02d}")


def _pub_date(parent: Element, record: PubmedRecord) -> None:
    """Year/Month/Day when they read back as the stored date, else MedlineDate exactly as written."""
    element = _sub(parent, "PubDate")
    text = record.pub_date_text
    if text is None:
        if record.pub_year is not None:
            _text(element, "Year", str(record.pub_year))
        return
    parts = text.split(" ")
    year, month, day = ([*parts, None, None])[:3]
    structured = PartialDate(parse_int(year), month_number(month), parse_int(day))
    if len(parts) > 3 or (structured.as_date(), structured.year) != (record.pub_date, record.pub_year):
        _text(element, "MedlineDate", text)
        return
    _text(element, "Year", year)
    is_month = month is not None and month.lower() not in SEASON_MONTHS and month_number(month) is not None
    _text(element, "Month" if is_month else "Season", month)
    _text(element, "Day", day)


def _abstract(parent: Element, record: PubmedRecord) -> None:
    sections = record.abstract_sections
    if not sections and not record.abstract and record.copyright is None:
        return
    abstract = _sub(parent, "Abstract")
    if sections:
        for section in sections:
            attributes = {
                name: value
                for name, value in (("Label", section.label), ("NlmCategory", section.nlm_category))
                if value is not None
            }
            _text(abstract, "AbstractText", section.text, **attributes)
    else:
        for line in filter(None, record.abstract.split("\n")):
            _text(abstract, "AbstractText", line)
    _text(abstract, "CopyrightInformation", record.copyright)


def _authors(parent: Element, record: PubmedRecord) -> None:
    if not record.authors:
        return
    authors = _sub(parent, "AuthorList", CompleteYN="Y")
    for author in record.authors:
        element = _sub(authors, "Author", ValidYN="Y")
        _text(element, "LastName", author.last_name)
        _text(element, "ForeName", author.fore_name)
        _text(element, "Initials", author.initials)
        _text(element, "CollectiveName", author.collective_name)


def _databanks(parent: Element, record: PubmedRecord) -> None:
    if not record.registry_ids:
        return
    banks = _sub(parent, "DataBankList", CompleteYN="Y")
    for name, entries in groupby(record.registry_ids, key=lambda registry: registry.databank):
        bank = _sub(banks, "DataBank")
        _text(bank, "DataBankName", name)
        numbers = _sub(bank, "AccessionNumberList")
        for entry in entries:
            _text(numbers, "AccessionNumber", entry.accession)


def _comments(parent: Element, record: PubmedRecord) -> None:
    if not record.comments_corrections:
        return
    comments = _sub(parent, "CommentsCorrectionsList")
    for link in record.comments_corrections:
        element = _sub(comments, "CommentsCorrections", RefType=link.ref_type)
        _text(element, "RefSource", link.ref_source)
        if link.pmid is not None:
            _text(element, "PMID", str(link.pmid), Version="1")


def _mesh(parent: Element, record: PubmedRecord) -> None:
    if not record.mesh_terms:
        return
    headings = _sub(parent, "MeshHeadingList")
    major = set(record.mesh_major)
    for term in record.mesh_terms:
        heading = _sub(headings, "MeshHeading")
        _text(heading, "DescriptorName", term, MajorTopicYN="Y" if term in major else "N")


def _other_abstracts(parent: Element, record: PubmedRecord) -> None:
    for other in record.other_abstracts:
        attributes = {
            name: value
            for name, value in (("Type", other.type), ("Language", other.language))
            if value is not None
        }
        element = _sub(parent, "OtherAbstract", **attributes)
        for line in filter(None, other.text.split("\n")):
            _text(element, "AbstractText", line)


def _keywords(parent: Element, record: PubmedRecord) -> None:
    if not record.keywords:
        return
    keywords = _sub(parent, "KeywordList", Owner="NOTNLM")
    for keyword in record.keywords:
        _text(keywords, "Keyword", keyword, MajorTopicYN="N")


def _pubmed_data(parent: Element, record: PubmedRecord) -> None:
    history = _sub(parent, "History")
    _ymd(history, "PubMedPubDate", record.entrez_date, PubStatus="entrez")
    _ymd(history, "PubMedPubDate", record.entrez_date, PubStatus="pubmed")
    _text(parent, "PublicationStatus", "ppublish")
    ids = _sub(parent, "ArticleIdList")
    _text(ids, "ArticleId", str(record.pmid), IdType="pubmed")
    _text(ids, "ArticleId", record.doi, IdType="doi")
    _text(ids, "ArticleId", record.pmc, IdType="pmc")
