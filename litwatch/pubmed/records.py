"""Typed model of one PubMed record, shared by the XML parser, MEDLINE import, harvest and warehouse."""

from __future__ import annotations

import hashlib
from datetime import date

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
        pmid_head = b'{"pmid":%d,' % self.pmid
        digest = hashlib.sha256(b"{")
        digest.update(memoryview(payload)[len(pmid_head) :])
        return payload, digest.hexdigest()

    def links(self, *ref_types: str) -> list[CommentCorrection]:
        return [c for c in self.comments_corrections if c.ref_type in ref_types]

    @property
    def is_retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or bool(self.links("RetractionIn"))


# pydantic's Rust serializer, returning bytes (model_dump_json would decode them to str only to re-encode).
_SERIALIZE_JSON = PubmedRecord.__pydantic_serializer__.to_json


class DeletedRecord(BaseModel):
    """A DeleteCitation entry: PubMed withdrew this PMID."""

    pmid: int


ParsedItem = PubmedRecord | DeletedRecord
