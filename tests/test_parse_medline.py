"""MEDLINE text ("PubMed format") import: the real Biopython samples and a hand-made export."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from litwatch.errors import InputError
from litwatch.pubmed.medline import iter_medline_text
from litwatch.pubmed.reader import read_records
from litwatch.pubmed.records import PubmedRecord


def medline_records(path: Path) -> list[PubmedRecord]:
    items = list(read_records(path))
    assert all(isinstance(item, PubmedRecord) for item in items)
    return [item for item in items if isinstance(item, PubmedRecord)]


def test_pubmed_result1(xml_samples: Path) -> None:
    (record,) = medline_records(xml_samples / "biopython_1.88/pubmed_result1.txt")
    assert record.pmid == 12230038 and record.title == "The Bio* toolkits--a brief overview."
    assert record.abstract.startswith("Bioinformatics research is often difficult to do with commercial")
    assert "The Open Source BioPerl" in record.abstract and "\n" not in record.abstract
    assert (record.journal, record.journal_iso) == ("Briefings in bioinformatics", "Brief Bioinform")
    assert (record.volume, record.issue, record.pages) == ("3", "3", "296-302")
    assert (str(record.pub_date), record.pub_date_text) == ("2002-09-01", "2002 Sep")
    assert record.mesh_major == ["Computational Biology", "Programming Languages", "Software"]
    assert "Humans" in record.mesh_terms and "*Software" not in record.mesh_terms
    assert (str(record.date_revised), str(record.date_completed), str(record.entrez_date)) == (
        "2004-11-17",
        "2003-06-06",
        "2002-09-17",
    )
    assert record.status == "MEDLINE" and record.authors[0].last_name == "Mangalam"


def test_pubmed_result2_ids_and_qualified_mesh(xml_samples: Path) -> None:
    records = {r.pmid: r for r in medline_records(xml_samples / "biopython_1.88/pubmed_result2.txt")}
    assert list(records) == [16403221, 16377612, 14871861, 14630660]
    scop = records[16403221]
    assert scop.doi == "10.1186/1471-2105-7-10" and scop.pmc == "PMC1373603"
    assert scop.abstract.startswith("BACKGROUND: Benchmarking algorithms")
    assert "Sequence Alignment" in scop.mesh_major  # from "Sequence Alignment/*methods"
    assert [(a.last_name, a.fore_name, a.initials) for a in scop.authors] == [
        ("Casbon", "James A", "JA"),
        ("Crooks", "Gavin E", "GE"),
        ("Saqi", "Mansoor A S", "MA"),
    ]
    assert records[16377612].doi == "10.1093/bioinformatics/btk021"


def test_pubmed_result3_continued_mesh_line_and_crdt(xml_samples: Path) -> None:
    (record,) = medline_records(xml_samples / "biopython_1.88/pubmed_result3.txt")
    assert record.pmid == 23039619
    assert "High-Intensity Focused Ultrasound Ablation" in record.mesh_major
    assert record.doi == "10.1118/1.4748329" and record.pub_year == 2012
    assert record.publication_types == ["Journal Article", "Research Support, Non-U.S. Gov't"]


HANDMADE = """
PMID- 30000001
OWN - NLM
STAT- Publisher
LR  - 20240102
DP  - 2023 Winter
TI  - Magnesium and sleep: a retracted trial.
TT  - Magnésium et sommeil.
AB  - Objective: test. Results: 1.73 m2 body surface.
CI  - (c) 2023 The Authors.
FAU - Doe, Jane
AU  - Doe J
CN  - Sleep Study Group
LA  - eng
PT  - Journal Article
PT  - Retracted Publication
OT  - magnesium
OT  - insomnia
SI  - ClinicalTrials.gov/NCT01234567
RIN - J Sleep. 2024 Jan;1(1):1. PMID: 30000002
EIN - J Sleep. 2023;2:3.
ECI - J Sleep. 2024;4:5. PMID: 30000003
UOF - J Sleep. 2020;1:1. PMID: 29999999
TA  - J Sleep
JT  - Journal of sleep
AID - 10.1000/xyz [doi]
AID - PMC12345 [pmc]
CRDT- 2023/12/01 10:00

PMID- 30000002
TI  - Retraction notice.
ROF - J Sleep. 2023;1:1. PMID: 30000001
"""


def test_handmade_export_maps_every_tag(tmp_path: Path) -> None:
    path = tmp_path / "export.nbib"
    path.write_text(HANDMADE, encoding="utf-8")
    first, notice = medline_records(path)
    assert first.title == "Magnesium and sleep: a retracted trial."
    assert first.vernacular_title == "Magnésium et sommeil."
    assert first.abstract == "Objective: test. Results: 1.73 m2 body surface."
    assert first.copyright == "(c) 2023 The Authors."
    assert (first.pub_year, first.pub_date_text, str(first.pub_date)) == (2023, "2023 Winter", "2023-01-01")
    assert [a.display for a in first.authors] == ["Doe J", "Sleep Study Group"]
    assert first.keywords == ["magnesium", "insomnia"]
    assert [(r.databank, r.accession) for r in first.registry_ids] == [("ClinicalTrials.gov", "NCT01234567")]
    assert [(c.ref_type, c.pmid) for c in first.comments_corrections] == [
        ("ErratumIn", None),
        ("ExpressionOfConcernIn", 30000003),
        ("RetractionIn", 30000002),
        ("UpdateOf", 29999999),
    ]
    assert first.links("RetractionIn")[0].ref_source == "J Sleep. 2024 Jan;1(1):1."
    assert first.is_retracted and first.status == "Publisher"
    assert first.doi == "10.1000/xyz" and str(first.date_revised) == "2024-01-02"
    assert str(first.entrez_date) == "2023-12-01"
    assert [(c.ref_type, c.pmid) for c in notice.comments_corrections] == [("RetractionOf", 30000001)]


def test_gzipped_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.txt.gz"
    path.write_bytes(gzip.compress(HANDMADE.encode("utf-8")))
    assert [record.pmid for record in medline_records(path)] == [30000001, 30000002]


def test_text_that_is_not_medline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Some notes\nPMID- 1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.txt is not PubMed XML or MEDLINE text"):
        list(read_records(path))
    with pytest.raises(InputError, match=r"notes\.txt is not MEDLINE text"):
        list(iter_medline_text(path))


def test_medline_record_without_pmid_names_the_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text("PMID- 5\nTI  - One.\n\nTI  - No PMID here.\n", encoding="utf-8")
    expected = r"broken\.txt has a MEDLINE record \(number 2\) with no PMID after PMID 5"
    with pytest.raises(InputError, match=expected):
        list(read_records(path))
