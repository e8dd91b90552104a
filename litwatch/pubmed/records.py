"""Typed model of one PubMed record, shared by the XML parser, MEDLINE import, harvest and warehouse.

`PubmedRecord` is the validated model every caller gets; `RecordFields` is the same record as the plain
typed dict the XML parser builds, which the bulk import stores without building the model (the model
costs more CPU than the rest of the load's Python work): both give the same JSON bytes and hash.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TypedDict

import orjson
from pydantic import BaseModel, Field


class AbstractSection(BaseModel):
    """One AbstractText element: optional label and NLM category, text with inline markup flattened."""

    label: str | None = None
    nlm_category: str | None = None
    text: str


class OtherAbstract(BaseModel):
    """An OtherAbstract block (e.g. a publisher or translated abstract), kept apart from the main one."""

    type: str | None = None
    language: str | None = None
    text: str


class CommentCorrection(BaseModel):
    """One CommentsCorrections link, e.g. RetractionIn pointing at the retraction notice."""

    ref_type: str
    pmid: int | None = None
    ref_source: str | None = None


class RegistryId(BaseModel):
    """A DataBankList accession, e.g. ClinicalTrials.gov NCT01234567."""

    databank: str
    accession: str


class Author(BaseModel):
    last_name: str | None = None
    fore_name: str | None = None
    initials: str | None = None
    collective_name: str | None = None

    @property
    def display(self) -> str:
        if self.collective_name:
            return self.collective_name
        return " ".join(p for p in (self.last_name, self.initials) if p)


class PubmedRecord(BaseModel):
    """A PubMed citation as litwatch stores it; `abstract` is the text every mention offset indexes.

    `abstract` joins the sections in order, one per line, a labelled one as ``Label: text``.
    """

    pmid: int
    pmid_version: int = 1
    title: str = ""
    vernacular_title: str | None = None
    abstract: str = ""
    abstract_sections: list[AbstractSection] = Field(default_factory=list)
    other_abstracts: list[OtherAbstract] = Field(default_factory=list)
    copyright: str | None = None
    journal: str | None = None
    journal_iso: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pub_date: date | None = None
    pub_year: int | None = None
    pub_date_text: str | None = None
    languages: list[str] = Field(default_factory=list)
    authors: list[Author] = Field(default_factory=list)
    publication_types: list[str] = Field(default_factory=list)
    mesh_terms: list[str] = Field(default_factory=list)
    mesh_major: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    doi: str | None = None
    pmc: str | None = None
    registry_ids: list[RegistryId] = Field(default_factory=list)
    comments_corrections: list[CommentCorrection] = Field(default_factory=list)
    status: str | None = None
    indexing_method: str | None = None
    owner: str | None = None
    date_completed: date | None = None
    date_revised: date | None = None
    entrez_date: date | None = None
    is_book: bool = False

    def content_hash(self) -> str:
        """Hash of everything a revision can change; equal hashes mean the same stored version."""
        return self.json_and_hash()[1]

    def json_and_hash(self) -> tuple[bytes, str]:
        """The record's JSON (what `article_versions.record` stores) and its content hash, serialised once.

        The hash is SHA-256 of the JSON without the PMID, i.e. of `model_dump_json(exclude={"pmid"})`:
        `pmid` is the first field, so that is the JSON with its leading `"pmid":N,` cut out.
        """
        payload = _SERIALIZE_JSON(self)
        return payload, _hash_without_pmid(payload, self.pmid)

    def links(self, *ref_types: str) -> list[CommentCorrection]:
        return [c for c in self.comments_corrections if c.ref_type in ref_types]

    @property
    def is_retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or bool(self.links("RetractionIn"))


# pydantic's Rust serializer, returning bytes (model_dump_json would decode them to str only to re-encode).
_SERIALIZE_JSON = PubmedRecord.__pydantic_serializer__.to_json


class AbstractSectionFields(TypedDict):
    label: str | None
    nlm_category: str | None
    text: str


class OtherAbstractFields(TypedDict):
    type: str | None
    language: str | None
    text: str


class AuthorFields(TypedDict):
    last_name: str | None
    fore_name: str | None
    initials: str | None
    collective_name: str | None


class RegistryIdFields(TypedDict):
    databank: str
    accession: str


class CommentCorrectionFields(TypedDict):
    ref_type: str
    pmid: int | None
    ref_source: str | None


class RecordFields(TypedDict):
    """Every field of `PubmedRecord`, in its order, nested values as dicts with all their keys in order."""

    pmid: int
    pmid_version: int
    title: str
    vernacular_title: str | None
    abstract: str
    abstract_sections: list[AbstractSectionFields]
    other_abstracts: list[OtherAbstractFields]
    copyright: str | None
    journal: str | None
    journal_iso: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    pub_date: date | None
    pub_year: int | None
    pub_date_text: str | None
    languages: list[str]
    authors: list[AuthorFields]
    publication_types: list[str]
    mesh_terms: list[str]
    mesh_major: list[str]
    keywords: list[str]
    doi: str | None
    pmc: str | None
    registry_ids: list[RegistryIdFields]
    comments_corrections: list[CommentCorrectionFields]
    status: str | None
    indexing_method: str | None
    owner: str | None
    date_completed: date | None
    date_revised: date | None
    entrez_date: date | None
    is_book: bool


def fields_json_and_hash(fields: RecordFields) -> tuple[bytes, str]:
    """`PubmedRecord.json_and_hash` of the record these fields validate to, without building it.

    orjson writes the same bytes as pydantic's serializer for these types (str, int, bool, None,
    date, lists and dicts in field order); tests compare both on every sample record.
    """
    payload = orjson.dumps(fields)
    return payload, _hash_without_pmid(payload, fields["pmid"])


def _hash_without_pmid(payload: bytes, pmid: int) -> str:
    """SHA-256 of the JSON without its leading `"pmid":N,` (pmid is the first field)."""
    pmid_head = b'{"pmid":%d,' % pmid
    digest = hashlib.sha256(b"{")
    digest.update(memoryview(payload)[len(pmid_head) :])
    return digest.hexdigest()


class DeletedRecord(BaseModel):
    """A DeleteCitation entry: PubMed withdrew this PMID."""

    pmid: int


ParsedItem = PubmedRecord | DeletedRecord
ParsedFields = RecordFields | DeletedRecord
