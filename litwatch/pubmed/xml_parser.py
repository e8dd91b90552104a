"""Streaming parser for PubMed XML: efetch output, baseline and update files, old MedlineCitationSet.

One `lxml.etree.iterparse` pass, without DTD, network or entity loading. Each record element is turned
into `RecordFields` (or one `DeletedRecord` per PMID of a DeleteCitation) when it ends, then cleared
and unlinked together with its finished siblings, so memory stays constant however large the file.
`iter_pubmed_xml` validates each into a `PubmedRecord`; the bulk import takes the fields as they are
(`iter_pubmed_fields`).
Gzip input is recognised by its magic bytes, whatever the file is called.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from litwatch.errors import InputError
from litwatch.pubmed.dates import PartialDate, first_month, parse_free_date, parse_int, ymd_date
from litwatch.pubmed.records import (
    AbstractSectionFields,
    AuthorFields,
    CommentCorrectionFields,
    DeletedRecord,
    OtherAbstractFields,
    ParsedFields,
    ParsedItem,
    PubmedRecord,
    RecordFields,
    RegistryIdFields,
)
from litwatch.pubmed.xml_text import element_text

GZIP_MAGIC = b"\x1f\x8b"
PUBMED_ROOTS = frozenset({"PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet"})
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_PMC_ID = re.compile(r"PMC\d+")
_LXML_POSITION = re.compile(r",? line \d+, column \d+$")

Element = etree._Element


def iter_pubmed_xml(source: Path | BinaryIO, name: str | None = None) -> Iterator[ParsedItem]:
    """Yield every record of a PubMed XML file or stream, in document order, as validated models.

    Raises InputError naming the file, the line and the last good PMID when the XML is malformed,
    truncated or not PubMed XML; callers load a file whole or not at all.
    """
    for item in iter_pubmed_fields(source, name):
        yield item if isinstance(item, DeletedRecord) else PubmedRecord.model_validate(item)


def iter_pubmed_fields(source: Path | BinaryIO, name: str | None = None) -> Iterator[ParsedFields]:
    """`iter_pubmed_xml` without building the models: each record as its `RecordFields` dict."""
    label = name or (str(source) if isinstance(source, Path) else str(getattr(source, "name", "<stream>")))
    last_pmid: int | None = None
    with _open_stream(source, label) as stream:
        context = etree.iterparse(
            stream,
            events=("end",),
            tag=_RECORD_TAGS,
            load_dtd=False,
            no_network=True,
            resolve_entities=False,
            huge_tree=True,
        )
        try:
            for _, elem in context:
                parent = elem.getparent()
                if elem.tag == "MedlineCitation" and parent is not None and parent.tag == "PubmedArticle":
                    continue  # read with its PubmedArticle, which ends later
                items = _parse_record(elem, label, last_pmid)
                elem.clear(keep_tail=False)
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
                for item in items:
                    last_pmid = item["pmid"] if isinstance(item, dict) else item.pmid
                    yield item
            root_tag = context.root.tag if context.root is not None else None
        except etree.XMLSyntaxError as exc:
            raise InputError(_syntax_error_sentence(label, exc, last_pmid)) from exc
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"File {label} could not be read as gzip-compressed XML ({exc}){_after(last_pmid)}."
            ) from exc
    if root_tag not in PUBMED_ROOTS:
        raise InputError(f"File {label} is XML but not PubMed XML (root element <{root_tag}>).")


@contextmanager
def _open_stream(source: Path | BinaryIO, label: str) -> Iterator[BinaryIO]:
    """The decompressed byte stream of a path or open binary file (gzip detected by magic bytes)."""
    if isinstance(source, Path):
        try:
            raw: BinaryIO = source.open("rb")
        except FileNotFoundError as exc:
            raise InputError(f"File {label} does not exist.") from exc
        except OSError as exc:
            raise InputError(f"File {label} cannot be opened: {exc.strerror}.") from exc
        with raw:
            yield _maybe_gunzip(raw)
    else:
        yield _maybe_gunzip(source)


def _maybe_gunzip(raw: BinaryIO) -> BinaryIO:
    if not raw.seekable():
        # A pipe or HTTP body: buffer it so the magic bytes can be looked at without consuming them.
        raw = io.BufferedReader(raw)  # type: ignore[type-var]
    if isinstance(raw, io.BufferedReader):
        magic = raw.peek(2)[:2]
    else:
        magic = raw.read(2)
        raw.seek(-len(magic), 1)
    return gzip.GzipFile(fileobj=raw, mode="rb") if magic == GZIP_MAGIC else raw  # type: ignore[return-value]


def _syntax_error_sentence(label: str, exc: etree.XMLSyntaxError, last_pmid: int | None) -> str:
    reason = _LXML_POSITION.sub("", (exc.msg or "unreadable XML").strip())
    line, column = exc.position if exc.position else (exc.lineno, 0)
    after = f", after PMID {last_pmid}" if last_pmid is not None else ", before any complete record"
    return f"File {label} is not well-formed PubMed XML at line {line}, column {column} ({reason}){after}."


def _parse_record(elem: Element, label: str, last_pmid: int | None) -> list[ParsedFields]:
    if elem.tag == "DeleteCitation":
        return [DeletedRecord(pmid=_pmid(pmid, label, last_pmid)) for pmid in elem if pmid.tag == "PMID"]
    fields = _RecordFields(is_book=elem.tag == "PubmedBookArticle")
    if elem.tag == "MedlineCitation":
        _collect_citation(elem, fields)
    else:
        _collect(elem, fields)
    return [fields.to_fields(_pmid(fields.pmid_elem, label, last_pmid))]


def _after(last_pmid: int | None) -> str:
    return f" after PMID {last_pmid}" if last_pmid is not None else " before any complete record"


def _pmid(elem: Element | None, label: str, last_pmid: int | None) -> int:
    value = parse_int(elem.text) if elem is not None else None
    if value is None:
        raise InputError(f"File {label} has a record without a numeric PMID{_after(last_pmid)}.")
    return value


@dataclass
class _RecordFields:
    """What one record's elements say, gathered in a single pass over its children."""

    is_book: bool
    pmid_elem: Element | None = None
    title: str | None = None
    book_title: str | None = None
    vernacular_title: str | None = None
    sections: list[AbstractSectionFields] = field(default_factory=list)
    copyright: str | None = None
    other_abstracts: list[OtherAbstractFields] = field(default_factory=list)
    journal: str | None = None
    journal_iso: str | None = None
    medline_ta: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pub_date: PartialDate = field(default_factory=PartialDate)
    pub_date_text: str | None = None
    languages: list[str] = field(default_factory=list)
    authors: list[AuthorFields] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    mesh_terms: list[str] = field(default_factory=list)
    mesh_major: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    article_ids: dict[str, str] = field(default_factory=dict)
    elocation_doi: str | None = None
    other_id_pmc: str | None = None
    registry_ids: list[RegistryIdFields] = field(default_factory=list)
    comments_corrections: list[CommentCorrectionFields] = field(default_factory=list)
    status: str | None = None
    indexing_method: str | None = None
    owner: str | None = None
    date_completed: date | None = None
    date_revised: date | None = None
    history: dict[str, Element] = field(default_factory=dict)

    def to_fields(self, pmid: int) -> RecordFields:
        version = parse_int(self.pmid_elem.get("Version")) if self.pmid_elem is not None else None
        entrez = self.history.get("entrez")
        return RecordFields(
            pmid=pmid,
            pmid_version=version or 1,
            title=self.title or self.book_title or "",
            vernacular_title=self.vernacular_title,
            abstract=_joined(self.sections),
            abstract_sections=self.sections,
            other_abstracts=self.other_abstracts,
            copyright=self.copyright,
            # A book chapter's source is its book, as a journal article's is its journal.
            journal=self.journal or (self.book_title if self.title else None),
            journal_iso=self.journal_iso or self.medline_ta,
            volume=self.volume,
            issue=self.issue,
            pages=self.pages,
            pub_date=self.pub_date.as_date(),
            pub_year=self.pub_date.year,
            pub_date_text=self.pub_date_text,
            languages=self.languages,
            authors=self.authors,
            publication_types=self.publication_types,
            mesh_terms=self.mesh_terms,
            mesh_major=self.mesh_major,
            keywords=list(dict.fromkeys(self.keywords)),
            doi=self.article_ids.get("doi") or self.elocation_doi,
            pmc=self.article_ids.get("pmc") or self.other_id_pmc,
            registry_ids=self.registry_ids,
            comments_corrections=self.comments_corrections,
            status=self.status,
            indexing_method=self.indexing_method,
            owner=self.owner,
            date_completed=self.date_completed,
            date_revised=self.date_revised,
            entrez_date=_ymd(entrez if entrez is not None else self.history.get("pubmed")),
            is_book=self.is_book,
        )


def _collect(elem: Element, fields: _RecordFields) -> None:
    """Dispatch each child to the handler of its tag; containers recurse into `_collect`."""
    for child in elem:
        handler = _HANDLERS.get(child.tag)
        if handler is not None:
            handler(child, fields)


def _collect_citation(citation: Element, fields: _RecordFields) -> None:
    fields.status = citation.get("Status")
    fields.indexing_method = citation.get("IndexingMethod")
    fields.owner = citation.get("Owner")
    _collect(citation, fields)


def _set_pmid(elem: Element, fields: _RecordFields) -> None:
    fields.pmid_elem = elem


def _set_title(elem: Element, fields: _RecordFields) -> None:
    fields.title = element_text(elem) or None


def _set_vernacular_title(elem: Element, fields: _RecordFields) -> None:
    fields.vernacular_title = element_text(elem) or None


def _set_abstract(elem: Element, fields: _RecordFields) -> None:
    fields.sections, fields.copyright = _abstract(elem)


def _add_other_abstract(elem: Element, fields: _RecordFields) -> None:
    sections, _ = _abstract(elem)
    fields.other_abstracts.append(
        {"type": elem.get("Type"), "language": elem.get("Language"), "text": _joined(sections)}
    )


def _set_journal(journal: Element, fields: _RecordFields) -> None:
    for child in journal:
        tag = child.tag
        if tag == "Title":
            fields.journal = element_text(child) or None
        elif tag == "ISOAbbreviation":
            fields.journal_iso = child.text
        elif tag == "JournalIssue":
            for part in child:
                if part.tag == "Volume":
                    fields.volume = part.text
                elif part.tag == "Issue":
                    fields.issue = part.text
                elif part.tag == "PubDate":
                    fields.pub_date, fields.pub_date_text = _pub_date(part)


def _set_book(book: Element, fields: _RecordFields) -> None:
    for child in book:
        if child.tag == "BookTitle":
            fields.book_title = element_text(child) or None
        elif child.tag == "PubDate":
            fields.pub_date, fields.pub_date_text = _pub_date(child)


def _set_medline_ta(info: Element, fields: _RecordFields) -> None:
    fields.medline_ta = _child_texts(info).get("MedlineTA")


def _set_pages(pagination: Element, fields: _RecordFields) -> None:
    parts = _child_texts(pagination)
    start, end = parts.get("StartPage"), parts.get("EndPage")
    fields.pages = parts.get("MedlinePgn") or (f"{start}-{end}" if start and end else start)


def _set_elocation(elem: Element, fields: _RecordFields) -> None:
    if elem.get("EIdType") == "doi" and elem.get("ValidYN") != "N" and elem.text and not fields.elocation_doi:
        fields.elocation_doi = elem.text.strip()


def _add_language(elem: Element, fields: _RecordFields) -> None:
    if elem.text:
        fields.languages.append(elem.text.strip())


def _set_authors(author_list: Element, fields: _RecordFields) -> None:
    # Book documents may also list editors; the record's authors are its authors.
    if author_list.get("Type") not in (None, "authors") or fields.authors:
        return
    for author in author_list:
        if author.tag != "Author" or author.get("ValidYN") == "N":
            continue
        last_name = fore_name = initials = collective = None
        for part in author:
            tag = part.tag
            if tag == "LastName":
                last_name = part.text
            elif tag == "ForeName":
                fore_name = part.text
            elif tag == "Initials":
                initials = part.text
            elif tag == "CollectiveName":
                collective = element_text(part) or None
        fields.authors.append(
            {
                "last_name": last_name,
                "fore_name": fore_name,
                "initials": initials,
                "collective_name": collective,
            }
        )


def _add_publication_types(type_list: Element, fields: _RecordFields) -> None:
    fields.publication_types.extend(_texts(type_list))


def _add_publication_type(elem: Element, fields: _RecordFields) -> None:
    if text := element_text(elem):
        fields.publication_types.append(text)


def _set_mesh(heading_list: Element, fields: _RecordFields) -> None:
    """Descriptor names, and those that are a major topic themselves or through a major qualifier."""
    for heading in heading_list:
        descriptor: str | None = None
        major = False
        for part in heading:
            if part.tag == "DescriptorName":
                descriptor = part.text
                major = major or part.get("MajorTopicYN") == "Y"
            elif part.tag == "QualifierName":
                major = major or part.get("MajorTopicYN") == "Y"
        if descriptor:
            fields.mesh_terms.append(descriptor)
            if major:
                fields.mesh_major.append(descriptor)


def _add_keywords(keyword_list: Element, fields: _RecordFields) -> None:
    fields.keywords.extend(_texts(keyword_list))


def _add_article_ids(id_list: Element, fields: _RecordFields) -> None:
    for article_id in id_list:
        id_type, value = article_id.get("IdType"), (article_id.text or "").strip()
        if id_type and value:
            fields.article_ids.setdefault(id_type, value)


def _set_other_id_pmc(other_id: Element, fields: _RecordFields) -> None:
    """Old MEDLINE files carry the PMC id as OtherID, e.g. "PMC4688250 [Available on 12/22/16]"."""
    match = _PMC_ID.match((other_id.text or "").strip())
    if match and fields.other_id_pmc is None:
        fields.other_id_pmc = match.group(0)


def _add_registry_ids(databank_list: Element, fields: _RecordFields) -> None:
    for databank in databank_list:
        name = ""
        accessions: list[str] = []
        for part in databank:
            if part.tag == "DataBankName":
                name = (part.text or "").strip()
            elif part.tag == "AccessionNumberList":
                accessions = [number.text.strip() for number in part if number.text and number.text.strip()]
        fields.registry_ids.extend({"databank": name, "accession": number} for number in accessions)


def _add_comments(comment_list: Element, fields: _RecordFields) -> None:
    append = fields.comments_corrections.append
    for comment in comment_list:
        pmid = ref_source = None
        for part in comment:
            tag = part.tag
            if tag == "RefSource":
                ref_source = element_text(part) or None
            elif tag == "PMID":
                pmid = parse_int(part.text)
        append({"ref_type": comment.get("RefType") or "Other", "pmid": pmid, "ref_source": ref_source})


def _set_date_completed(elem: Element, fields: _RecordFields) -> None:
    fields.date_completed = _ymd(elem)


def _set_date_revised(elem: Element, fields: _RecordFields) -> None:
    fields.date_revised = _ymd(elem)


def _set_history(history: Element, fields: _RecordFields) -> None:
    for pub_date in history:
        status = pub_date.get("PubStatus")
        if status:
            fields.history.setdefault(status, pub_date)


_HANDLERS: dict[str, Callable[[Element, _RecordFields], None]] = {
    "MedlineCitation": _collect_citation,
    "PubmedData": _collect,
    "BookDocument": _collect,
    "PubmedBookData": _collect,
    "Article": _collect,
    "PMID": _set_pmid,
    "ArticleTitle": _set_title,
    "VernacularTitle": _set_vernacular_title,
    "Abstract": _set_abstract,
    "OtherAbstract": _add_other_abstract,
    "Journal": _set_journal,
    "Book": _set_book,
    "MedlineJournalInfo": _set_medline_ta,
    "Pagination": _set_pages,
    "ELocationID": _set_elocation,
    "Language": _add_language,
    "AuthorList": _set_authors,
    "PublicationTypeList": _add_publication_types,
    "PublicationType": _add_publication_type,
    "MeshHeadingList": _set_mesh,
    "KeywordList": _add_keywords,
    "ArticleIdList": _add_article_ids,
    "OtherID": _set_other_id_pmc,
    "DataBankList": _add_registry_ids,
    "CommentsCorrectionsList": _add_comments,
    "DateCompleted": _set_date_completed,
    "DateRevised": _set_date_revised,
    "History": _set_history,
}


def _child_texts(elem: Element) -> dict[str, str]:
    return {child.tag: child.text for child in elem if child.text}


def _texts(parent: Element) -> list[str]:
    return [text for text in (element_text(child) for child in parent if isinstance(child.tag, str)) if text]


def _abstract(abstract: Element) -> tuple[list[AbstractSectionFields], str | None]:
    """Sections in document order, and the CopyrightInformation kept out of the abstract text."""
    sections: list[AbstractSectionFields] = []
    copyright_text = None
    for part in abstract:
        if part.tag == "AbstractText":
            text = element_text(part)
            if text:
                sections.append(
                    {"label": part.get("Label"), "nlm_category": part.get("NlmCategory"), "text": text}
                )
        elif part.tag == "CopyrightInformation":
            copyright_text = element_text(part) or None
    return sections, copyright_text


def _joined(sections: list[AbstractSectionFields]) -> str:
    """The abstract as stored: one line per section, a labelled one as ``Label: text``."""
    return "\n".join(f"{s['label']}: {s['text']}" if s["label"] else s["text"] for s in sections)


def _pub_date(pub_date: Element) -> tuple[PartialDate, str | None]:
    """PubDate from Year/Month/Day, Season or MedlineDate, with the date as the source wrote it."""
    parts = _child_texts(pub_date)
    medline_date = parts.get("MedlineDate")
    if medline_date:
        return parse_free_date(medline_date), medline_date.strip()
    year, month, day, season = (parts.get(tag) for tag in ("Year", "Month", "Day", "Season"))
    parsed = PartialDate(parse_int(year), first_month(month) or first_month(season), parse_int(day))
    text = " ".join(part.strip() for part in (year, month or season, day) if part and part.strip())
    return parsed, text or None


def _ymd(elem: Element | None) -> date | None:
    if elem is None:
        return None
    parts = _child_texts(elem)
    return ymd_date(parts.get("Year"), parts.get("Month"), parts.get("Day"))
