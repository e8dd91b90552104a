"""The PubMed query subset: parsing (precedence, tags, phrases, truncation, dates) and matching."""

from __future__ import annotations

import re
from datetime import date

import pytest

from litwatch.pubmed.query import (
    BoolOp,
    DateFilter,
    QueryError,
    SearchDocument,
    TextTerm,
    matches,
    parse_query,
    search,
    translate,
)
from litwatch.pubmed.records import AbstractSection, PubmedRecord

RECORD = PubmedRecord(
    pmid=101,
    title="Oral magnesium supplementation improves sleep quality in older adults",
    abstract_sections=[
        AbstractSection(label="RESULTS", text="Sleep onset latency fell; insomnia scores improved.")
    ],
    mesh_terms=["Magnesium", "Sleep Initiation and Maintenance Disorders"],
    mesh_major=["Magnesium"],
    keywords=["melatonin"],
    publication_types=["Randomized Controlled Trial"],
    languages=["eng"],
    pub_date=date(2012, 12, 1),
    pub_year=2012,
    entrez_date=date(2013, 1, 5),
    date_revised=date(2020, 2, 1),
)


def hit(query: str, record: PubmedRecord = RECORD) -> bool:
    return matches(parse_query(query), record)


def test_operators_are_read_left_to_right_with_equal_precedence() -> None:
    tree = parse_query("a OR b AND c")
    assert isinstance(tree, BoolOp) and tree.op == "AND"
    assert isinstance(tree.left, BoolOp) and tree.left.op == "OR"
    assert translate(parse_query("a b NOT c")) == "((a[All Fields] AND b[All Fields]) NOT c[All Fields])"


def test_parentheses_change_grouping() -> None:
    assert not hit("zebra OR magnesium AND giraffe")
    assert hit("zebra OR (magnesium AND sleep)")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("magnesium[ti]", True),
        ("insomnia[ti]", False),
        ("insomnia[ab]", True),
        ("insomnia[tiab]", True),
        ("melatonin[tiab]", True),  # author keywords count as title/abstract, as in PubMed
        ('"sleep quality"[tiab]', True),
        ('"quality sleep"[tiab]', False),
        ('"sleep initiation and maintenance disorders"[mh]', True),
        ("magnesium[majr]", True),
        ("sleep[majr]", False),
        ('"randomized controlled trial"[pt]', True),
        ("review[pt]", False),
        ("english[la]", True),
        ("insomni*[tiab]", True),
        ("supplement*", True),
        ("supplement", False),  # word boundaries: no match inside "supplementation"
        ("MAGNESIUM", True),
        ("onset latency", True),
        ("magnesium NOT melatonin", False),
    ],
)
def test_field_tags_phrases_and_truncation(query: str, expected: bool) -> None:
    assert hit(query) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2012[dp]", True),
        ("2012/12[dp]", True),
        ("2012/11[dp]", False),
        ("2010:2013[dp]", True),
        ('"2013/01/01"[edat] : "2013/01/31"[edat]', True),
        ('"2013/02/01"[edat] : "2013/12/31"[edat]', False),
        ('magnesium NOT ("2020/01/01"[mdat] : "2020/12/31"[mdat])', False),
    ],
)
def test_date_tags_and_ranges(query: str, expected: bool) -> None:
    assert hit(query) is expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(magnesium AND sleep", "Unmatched '('"),
        ("magnesium)", "Unmatched ')'"),
        ('"sleep quality', "Unmatched quotation mark"),
        ("magnesium AND", "Query ends where a term was expected"),
        ("", "Empty query"),
        ("2012/13[dp]", "Invalid date"),
    ],
)
def test_bad_queries_raise_a_located_query_error(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_query(query)


def test_unknown_field_names_the_field() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("magnesium[zz]")
    assert caught.value.field_not_found == "zz"


def test_search_filters_by_date_type_and_orders_newest_pmid_first() -> None:
    other = RECORD.model_copy(update={"pmid": 205, "entrez_date": date(2024, 3, 1), "date_revised": None})
    documents = [
        SearchDocument(r, r.entrez_date or date.min, r.date_revised or r.entrez_date or date.min)
        for r in (RECORD, other)
    ]
    assert search(documents, "magnesium") == [205, 101]
    assert search(documents, "magnesium", DateFilter.from_params("edat", "2024", "2024")) == [205]
    assert search(documents, "magnesium", DateFilter.from_params("mdat", "2020/02/01", "2020/02/01")) == [101]
    assert search(documents, "magnesium", DateFilter.from_params("pdat", "2012", "2012/12/31")) == [205, 101]


def test_truncated_phrase_word_matches_each_position() -> None:
    tree = parse_query('"sleep qual*"[tiab]')
    assert isinstance(tree, TextTerm) and tree.words[1].prefix
    assert hit('"sleep qual*"[tiab]')
