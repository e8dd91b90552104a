"""MEDLINE text ("PubMed format" export, .txt/.nbib) read with `Bio.Medline` into `PubmedRecord`s."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from Bio import Medline

from litwatch.errors import InputError
from litwatch.pubmed.dates import parse_free_date, parse_int
from litwatch.pubmed.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    OtherAbstract,
    PubmedRecord,
    RegistryId,
)
from litwatch.pubmed.xml_parser import GZIP_MAGIC

# Comment/correction tags of the MEDLINE format and the XML RefType each one stands for.
COMMENT_TAGS = {
    "CON": "CommentOn",
    "CIN": "CommentIn",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "PRIN": "PartialRetractionIn",
    "PROF": "PartialRetractionOf",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
}

_FIRST_LINE = re.compile(rb"^\s*PMID- ?\d+\s*$", re.MULTILINE)
_COMMENT_PMID = re.compile(r"\s*PMID:\s*(\d+)\s*$")
_ID_WITH_TYPE = re.compile(r"^(.*\S)\s*\[(\w+)\]$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})")


def looks_like_medline(head: bytes) -> bool:
    """True when the text's first non-blank line is a MEDLINE `PMID-` line."""
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return _FIRST_LINE.match(first) is not None


def iter_medline_text(path: Path) -> Iterator[PubmedRecord]:
    """Yield the records of a MEDLINE text file; InputError names the file and the record at fault."""
    try:
        with _open_text(path) as handle:
            head = handle.read(4096)
            if not looks_like_medline(head.encode("utf-8")):
                raise InputError(f"File {path} is not MEDLINE text (it does not start with a PMID- line).")
            handle.seek(0)
            last_pmid: int | None = None
            for number, entry in enumerate(Medline.parse(handle), start=1):
                pmid = parse_int(_first(entry, "PMID"))
                if pmid is None:
                    after = f" after PMID {last_pmid}" if last_pmid is not None else ""
                    raise InputError(
                        f"File {path} has a MEDLINE record (number {number}) with no PMID{after}."
                    )
                yield _record(pmid, entry)
                last_pmid = pmid
    except (EOFError, OSError) as exc:
        raise InputError(f"File {path} cannot be read as MEDLINE text ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"File {path} is not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc


def _open_text(path: Path) -> TextIO:
    """The file as UTF-8 text, gunzipped when its first bytes are the gzip magic number."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def _record(pmid: int, entry: dict[str, str | list[str]]) -> PubmedRecord:
    abstract = _first(entry, "AB")
    pub_date_text = _first(entry, "DP")
    pub_date = parse_free_date(pub_date_text or "")
    mesh_terms, mesh_major = _mesh(_values(entry, "MH"))
    other_languages = _values(entry, "OABL")
    other_abstracts = [
        OtherAbstract(language=other_languages[index] if index < len(other_languages) else None, text=text)
        for index, text in enumerate(_values(entry, "OAB"))
    ]
    book_title = _first(entry, "BTI")
    return PubmedRecord(
        pmid=pmid,
        title=_first(entry, "TI") or book_title or "",
        vernacular_title=_first(entry, "TT"),
        abstract=abstract or "",
        abstract_sections=[AbstractSection(text=abstract)] if abstract else [],
        other_abstracts=other_abstracts,
        copyright=_first(entry, "CI"),
        journal=_first(entry, "JT") or (book_title if _first(entry, "TI") else None),
        journal_iso=_first(entry, "TA"),
        volume=_first(entry, "VI"),
        issue=_first(entry, "IP"),
        pages=_first(entry, "PG"),
        pub_date=pub_date.as_date(),
        pub_year=pub_date.year,
        pub_date_text=pub_date_text,
        languages=_values(entry, "LA"),
        authors=_authors(entry),
        publication_types=_values(entry, "PT"),
        mesh_terms=mesh_terms,
        mesh_major=mesh_major,
        keywords=list(dict.fromkeys(_values(entry, "OT"))),
        doi=_typed_id(entry, "doi"),
        pmc=_first(entry, "PMC"),
        registry_ids=[_registry_id(value) for value in _values(entry, "SI")],
        comments_corrections=_comments(entry),
        status=_first(entry, "STAT"),
        owner=_first(entry, "OWN"),
        date_completed=_compact_date(_first(entry, "DCOM")),
        date_revised=_compact_date(_first(entry, "LR")),
        entrez_date=_slash_date(_first(entry, "EDAT")) or _slash_date(_first(entry, "CRDT")),
        is_book=book_title is not None,
    )


def _values(entry: dict[str, str | list[str]], tag: str) -> list[str]:
    """A tag's values as a list (Bio.Medline gives a string for some tags and a list for others)."""
    value = entry.get(tag)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    return [" ".join(v.split()) for v in values if v and v.strip()]


def _first(entry: dict[str, str | list[str]], tag: str) -> str | None:
    values = _values(entry, tag)
    return values[0] if values else None


def _authors(entry: dict[str, str | list[str]]) -> list[Author]:
    """Full names (FAU "Last, Fore") paired with short names (AU "Last FI") for initials."""
    authors = []
    short_names = _values(entry, "AU")
    for index, full_name in enumerate(_values(entry, "FAU")):
        last_name, _, fore_name = full_name.partition(", ")
        short = short_names[index] if index < len(short_names) else ""
        initials = short.rsplit(" ", 1)[1] if " " in short else None
        authors.append(Author(last_name=last_name, fore_name=fore_name or None, initials=initials))
    authors.extend(Author(collective_name=name) for name in _values(entry, "CN"))
    return authors


def _mesh(headings: list[str]) -> tuple[list[str], list[str]]:
    """Descriptors without qualifiers ("Sleep/*drug effects" is Sleep); a `*` anywhere marks it major."""
    terms, major = [], []
    for heading in headings:
        descriptor = heading.split("/", 1)[0].lstrip("*").strip()
        terms.append(descriptor)
        if "*" in heading:
            major.append(descriptor)
    return terms, major


def _typed_id(entry: dict[str, str | list[str]], id_type: str) -> str | None:
    """An id of the given type from AID or LID values such as "10.1186/1471-2105-7-10 [doi]"."""
    for value in (*_values(entry, "AID"), *_values(entry, "LID")):
        match = _ID_WITH_TYPE.match(value)
        if match and match.group(2) == id_type:
            return match.group(1)
    return None


def _registry_id(value: str) -> RegistryId:
    """An SI value such as "ClinicalTrials.gov/NCT00000000"; one without a databank keeps an empty one."""
    databank, _, accession = value.partition("/")
    if not accession:
        databank, accession = "", value
    return RegistryId(databank=databank, accession=accession)


def _comments(entry: dict[str, str | list[str]]) -> list[CommentCorrection]:
    links = []
    for tag, ref_type in COMMENT_TAGS.items():
        for value in _values(entry, tag):
            match = _COMMENT_PMID.search(value)
            source = value[: match.start()] if match else value
            links.append(
                CommentCorrection(
                    ref_type=ref_type, pmid=int(match.group(1)) if match else None, ref_source=source or None
                )
            )
    return links


def _compact_date(value: str | None) -> date | None:
    """A date written as YYYYMMDD (DCOM, LR)."""
    match = _COMPACT_DATE.match(value or "")
    return _checked_date(*match.groups()) if match else None


def _slash_date(value: str | None) -> date | None:
    """A date written as YYYY/MM/DD HH:MM (EDAT, CRDT)."""
    match = _SLASH_DATE.match(value or "")
    return _checked_date(*match.groups()) if match else None


def _checked_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
