"""`extract_articles` against a real DuckDB warehouse loaded with PubmedRecords: storage, offsets,
views, bad input, and what a re-run, a new extractor version or a revised article re-extracts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from litwatch.config import Settings
from litwatch.errors import TopicError
from litwatch.extraction import extract_articles
from litwatch.pubmed.records import PubmedRecord
from tests.conftest import REPO
from tests.extract_support import nlp
from warehouse.articles import load_records
from warehouse.connection import connect, transaction
from warehouse.runs import start_run

TOPIC = "magnesium-sleep"
RCT = PubmedRecord(
    pmid=1001,
    title="Magnesium supplementation and sleep quality in older adults: a randomized trial",
    abstract="METHODS: A total of 46 elderly subjects with primary insomnia were randomized to 500 mg "
    "magnesium or placebo daily for 8 weeks.\nRESULTS: Sleep quality improved (P < .05).",
    publication_types=["Randomized Controlled Trial"],
    languages=["eng"],
)
NEAR_MISS = PubmedRecord(
    pmid=1002,
    title="Intraoperative magnesium sulfate reduces postoperative pain",
    abstract="Sixty patients received magnesium sulfate 50 mg/kg. Sleep quality after surgery was recorded.",
    languages=["eng"],
)
EMPTY = PubmedRecord(pmid=1003, title="", abstract="", languages=["eng"])
HUGE = PubmedRecord(pmid=1004, title="Magnesium and sleep", abstract="Magnesium 300 mg daily. " * 850)
ODD = PubmedRecord(
    pmid=1005,
    title="[Magnesium et sommeil]",
    abstract="Ｍａｇｎｅｓｉｕｍ\u200b 250\u2009mg 😴 nightly; café naïve 1.73 m² \u00a0 insomnia ×2 ≥ 3",
    languages=["fre"],
)
RECORDS = [RCT, NEAR_MISS, EMPTY, HUGE, ODD]


def load(db_path: Path, records: list[PubmedRecord], topic: str = TOPIC) -> None:
    with connect(db_path) as con, transaction(con):
        load_records(con, records, source="test.xml", run_id=start_run(con, "import"), topic=topic)


def settings(db_path: Path) -> Settings:
    """The shipped magnesium-sleep topic plus a second, tiny one, in a folder beside the warehouse."""
    topics = db_path.parent / "topics"
    if not topics.is_dir():
        topics.mkdir()
        (topics / f"{TOPIC}.yaml").write_text((REPO / "topics" / f"{TOPIC}.yaml").read_text())
        (topics / "zinc-sleep.yaml").write_text(
            "id: zinc-sleep\nquestion: Does zinc help sleep?\nquery: zinc AND sleep\n"
            "intervention: {terms: [zinc]}\noutcomes: [{name: sleep quality}]\n"
        )
    return Settings.from_env({"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(topics)})


def query(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def extracted(db_path: Path) -> Path:
    load(db_path, RECORDS)
    summary = extract_articles(settings(db_path), nlp=nlp())
    assert (summary.articles, summary.extracted, summary.skipped, summary.failed) == (5, 4, 1, 0)
    return db_path


def test_mentions_text_equals_the_field_slice(extracted: Path) -> None:
    rows = query(
        extracted,
        "SELECT m.section, m.start_char, m.end_char, m.text, a.title, a.abstract "
        "FROM mentions m JOIN articles a USING (pmid)",
    )
    assert len(rows) > 10
    for section, start, end, text, title, abstract in rows:
        field = title if section == "title" else abstract
        assert field[start:end] == text  # type: ignore[index]


def test_studies_view_has_design_size_and_relevance(extracted: Path) -> None:
    studies = {
        row[0]: row[1:]
        for row in query(
            extracted, "SELECT pmid, design, sample_size, relevant, relevance_reason FROM studies"
        )
    }
    assert studies[1001][:3] == ("rct", 46, True)
    assert studies[1002][2] is False and "anaesthesia" in str(studies[1002][3])
    assert studies[1003][2] is False and "no title or abstract" in str(studies[1003][3])


def test_typed_views(extracted: Path) -> None:
    [dose] = query(
        extracted,
        "SELECT amount_low, unit, mg_per_day_low, duration_days FROM doses "
        "WHERE pmid = 1001 AND label = 'amount'",
    )
    assert dose == (500.0, "mg", 500.0, 56.0)
    sizes = query(
        extracted, "SELECT sample_size FROM populations WHERE pmid = 1001 AND label = 'sample_size'"
    )
    assert sizes == [(46,)]


def test_bad_input_is_recorded_not_fatal(extracted: Path) -> None:
    rows = {pmid: reason for pmid, reason in query(extracted, "SELECT pmid, skipped_reason FROM extractions")}
    assert rows[1003] == "no title or abstract"
    assert rows[1004] is None and rows[1005] is None
    odd = query(extracted, "SELECT label, text FROM mentions WHERE pmid = 1005 AND label = 'amount'")
    assert odd == [("amount", "250\u2009mg")]


def test_rerun_extracts_nothing(extracted: Path) -> None:
    summary = extract_articles(settings(extracted), nlp=nlp())
    assert summary.articles == 0
    assert query(extracted, "SELECT count(*) FROM extractions") == [(5,)]


def test_new_extractor_version_reruns_only_stale_articles(extracted: Path) -> None:
    with connect(extracted) as con:
        for table in ("extractions", "mentions", "topic_relevance"):
            con.execute(f"UPDATE {table} SET extractor_version = 'old' WHERE pmid IN (1001, 1002)")
    summary = extract_articles(settings(extracted), nlp=nlp())
    assert summary.articles == 2
    current = query(
        extracted, "SELECT pmid FROM current_extractions WHERE extractor_version <> 'old' ORDER BY pmid"
    )
    assert [row[0] for row in current] == [1001, 1002, 1003, 1004, 1005]
    assert query(extracted, "SELECT count(*) FROM studies WHERE extractor_version = 'old'") == [(0,)]


def test_revised_article_is_reextracted(extracted: Path) -> None:
    revised = RCT.model_copy(update={"abstract": RCT.abstract.replace("A total of 46", "A total of 48")})
    load(extracted, [revised])
    summary = extract_articles(settings(extracted), nlp=nlp())
    assert summary.articles == 1
    assert query(extracted, "SELECT article_version, sample_size FROM studies WHERE pmid = 1001") == [(2, 48)]


def test_a_topic_adopting_an_article_gets_its_relevance(extracted: Path) -> None:
    load(extracted, [RCT], topic="zinc-sleep")
    summary = extract_articles(settings(extracted), topic_ids=["zinc-sleep"], nlp=nlp())
    assert summary.articles == 1
    rows = query(extracted, "SELECT relevant FROM studies WHERE topic = 'zinc-sleep' AND pmid = 1001")
    assert rows == [(False,)]


def test_unknown_topic_is_one_sentence(db_path: Path) -> None:
    with pytest.raises(TopicError, match="Unknown topic 'nope'"):
        extract_articles(settings(db_path), topic_ids=["nope"], nlp=nlp())
