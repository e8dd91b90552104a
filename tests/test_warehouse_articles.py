"""warehouse.articles: versioning, deletions, topic membership and round trips on a real DuckDB file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from litwatch.pubmed.reader import read_records
from litwatch.pubmed.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    DeletedRecord,
    PubmedRecord,
    RegistryId,
)
from warehouse.articles import DEFAULT_BATCH_SIZE, EUTILS_SOURCE, LoadResult, get_article, load_records
from warehouse.connection import connect, transaction
from warehouse.imports import load_file


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(db_path) as connection:
        yield connection


def record(pmid: int, title: str = "Magnesium and sleep", **fields: object) -> PubmedRecord:
    return PubmedRecord.model_validate({"pmid": pmid, "title": title, **fields})


def load(
    con: duckdb.DuckDBPyConnection,
    items: Iterable[PubmedRecord | DeletedRecord],
    *,
    topic: str | None = "magnesium-sleep",
    source: str = "test.xml",
    run_id: str = "run-1",
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    with transaction(con):
        return load_records(
            con, items, source=source, run_id=run_id, topic=topic, batch_size=batch_size, on_batch=on_batch
        )


def table_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions), "
        "(SELECT count(*) FROM topic_articles)"
    ).fetchone()
    assert row is not None
    return row


def test_new_records_store_every_column(con: duckdb.DuckDBPyConnection) -> None:
    full = record(
        101,
        abstract="BACKGROUND: Poor sleep.\nRESULTS: 1.73 m² improved.",
        abstract_sections=[AbstractSection(label="BACKGROUND", text="Poor sleep.")],
        journal="Sleep Med",
        pub_date=date(2021, 3, 4),
        pub_year=2021,
        languages=["eng"],
        authors=[Author(last_name="Abbasi", initials="B"), Author(collective_name="Sleep Group")],
        publication_types=["Randomized Controlled Trial"],
        mesh_terms=["Magnesium", "Sleep"],
        keywords=["insomnia"],
        doi="10.1/xyz",
        pmc="PMC123",
        registry_ids=[RegistryId(databank="ClinicalTrials.gov", accession="NCT01234567")],
        status="MEDLINE",
        date_revised=date(2022, 1, 2),
    )
    result = load(con, [full, record(102)])
    assert (result.new, result.revised, result.unchanged, result.records) == (2, 0, 0, 2)
    assert sorted(result.pmids_new) == [101, 102]
    row = con.execute(
        "SELECT version, title, abstract, journal, pub_date, pub_year, languages, authors, "
        "publication_types, mesh_terms, keywords, doi, pmc, registry_ids, status, date_revised, retracted, "
        "deleted "
        "FROM articles WHERE pmid = 101"
    ).fetchone()
    assert row == (
        1,
        "Magnesium and sleep",
        "BACKGROUND: Poor sleep.\nRESULTS: 1.73 m² improved.",
        "Sleep Med",
        date(2021, 3, 4),
        2021,
        ["eng"],
        ["Abbasi B", "Sleep Group"],
        ["Randomized Controlled Trial"],
        ["Magnesium", "Sleep"],
        ["insomnia"],
        "10.1/xyz",
        "PMC123",
        ["ClinicalTrials.gov:NCT01234567"],
        "MEDLINE",
        date(2022, 1, 2),
        False,
        False,
    )
    assert con.execute("SELECT topic, source, run_id FROM topic_articles WHERE pmid = 101").fetchall() == [
        ("magnesium-sleep", "import", "run-1")
    ]
    assert get_article(con, 101) == full


def test_stored_json_and_content_hash_come_from_one_serialisation(con: duckdb.DuckDBPyConnection) -> None:
    fields: dict[str, object] = {
        "abstract": "RESULTS: 1.73 m² “improved”.",
        "authors": [Author(last_name="Ødegaard")],
    }
    stored = record(27797938, "Magnesium and sleep", **fields)
    # The hash is defined on the record's JSON without its PMID, so the same content under another PMID
    # hashes the same and the definition does not depend on how the loader computes it.
    expected = hashlib.sha256(stored.model_dump_json(exclude={"pmid"}).encode("utf-8")).hexdigest()
    assert stored.content_hash() == expected == record(5, "Magnesium and sleep", **fields).content_hash()
    assert stored.content_hash() != record(27797938, "Other", **fields).content_hash()
    load(con, [stored])
    row = con.execute(
        "SELECT a.content_hash, v.content_hash, v.record::VARCHAR FROM articles a JOIN article_versions v "
        "USING (pmid, version) WHERE pmid = 27797938"
    ).fetchone()
    assert row == (expected, expected, stored.model_dump_json())


def test_reloading_identical_records_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(1), record(2)])
    before = con.execute("SELECT * FROM articles ORDER BY pmid").fetchall()
    result = load(con, [record(1), record(2)], run_id="run-2")
    assert (result.new, result.revised, result.unchanged) == (0, 0, 2)
    assert con.execute("SELECT * FROM articles ORDER BY pmid").fetchall() == before
    assert table_counts(con) == (2, 2, 2)


def test_changed_record_adds_a_version_and_keeps_the_old_one(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(7, "Old title")])
    result = load(con, [record(7, "New title")], run_id="run-2")
    assert result.pmids_revised == [7]
    assert con.execute("SELECT version, title FROM articles WHERE pmid = 7").fetchone() == (2, "New title")
    versions = con.execute(
        "SELECT version, record->>'title', run_id FROM article_versions WHERE pmid = 7 ORDER BY version"
    ).fetchall()
    assert versions == [(1, "Old title", "run-1"), (2, "New title", "run-2")]
    current = get_article(con, 7)
    assert current is not None and current.title == "New title"


def test_an_older_version_arriving_again_is_unchanged(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(7, "Old title")])
    load(con, [record(7, "New title")])
    result = load(con, [record(7, "Old title")])
    assert result.unchanged == 1 and result.revised == 0
    assert con.execute("SELECT version, title FROM articles WHERE pmid = 7").fetchone() == (2, "New title")


def test_deletion_marks_deleted_and_keeps_history(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(5, "v1")])
    load(con, [record(5, "v2")])
    result = load(con, [DeletedRecord(pmid=5), DeletedRecord(pmid=999)])
    assert result.pmids_deleted == [5]
    assert (result.deletions, result.deletions_unknown) == (2, 1)
    current = con.execute("SELECT deleted, version, title FROM articles WHERE pmid = 5").fetchone()
    assert current == (True, 2, "v2")
    assert con.execute("SELECT count(*) FROM article_versions WHERE pmid = 5").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM articles WHERE pmid = 999").fetchone() == (0,)
    again = load(con, [DeletedRecord(pmid=5)])
    assert (again.deleted, again.unchanged) == (0, 1)


def test_deleted_article_stays_deleted_when_its_old_content_is_reimported(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load(con, [record(5)])
    load(con, [DeletedRecord(pmid=5)])
    assert load(con, [record(5)]).unchanged == 1
    assert con.execute("SELECT deleted FROM articles WHERE pmid = 5").fetchone() == (True,)
    reissued = load(con, [record(5, "Corrected title")])
    assert reissued.pmids_revised == [5]
    assert con.execute("SELECT deleted, version FROM articles WHERE pmid = 5").fetchone() == (False, 2)


def test_last_occurrence_in_a_batch_wins(con: duckdb.DuckDBPyConnection) -> None:
    result = load(con, [record(3, "first"), record(4), record(3, "last"), DeletedRecord(pmid=4)])
    assert result.records == 3 and result.deletions == 1
    assert result.pmids_new == [3] and result.deletions_unknown == 1
    assert con.execute("SELECT title FROM articles WHERE pmid = 3").fetchone() == ("last",)
    assert con.execute("SELECT count(*) FROM article_versions").fetchone() == (1,)


def test_last_occurrence_wins_across_batches_too(con: duckdb.DuckDBPyConnection) -> None:
    result = load(con, [record(3, "first"), record(4), record(3, "last")], batch_size=1)
    assert sorted(result.pmids_new) == [3, 4] and result.revised == 0
    assert con.execute("SELECT version, title FROM articles WHERE pmid = 3").fetchone() == (1, "last")
    assert con.execute("SELECT count(*) FROM article_versions WHERE pmid = 3").fetchone() == (1,)


def test_retraction_sets_retracted(con: duckdb.DuckDBPyConnection) -> None:
    retracted = record(8, comments_corrections=[CommentCorrection(ref_type="RetractionIn", pmid=9)])
    flagged = record(10, publication_types=["Retracted Publication"])
    load(con, [retracted, flagged, record(11)])
    rows = con.execute("SELECT pmid, retracted FROM articles ORDER BY pmid").fetchall()
    assert rows == [(8, True), (10, True), (11, False)]


def test_topic_membership_is_added_once_per_topic(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(1)], topic="magnesium-sleep")
    load(con, [record(1)], topic="magnesium-sleep", run_id="run-2")
    load(con, [record(1)], topic="other-topic", source=EUTILS_SOURCE, run_id="run-3")
    load(con, [record(2)], topic=None)
    rows = con.execute("SELECT topic, pmid, source, run_id FROM topic_articles ORDER BY topic").fetchall()
    assert rows == [("magnesium-sleep", 1, "import", "run-1"), ("other-topic", 1, "harvest", "run-3")]


def test_batches_split_the_input_and_report_progress(con: duckdb.DuckDBPyConnection) -> None:
    seen: list[int] = []
    result = load(con, [record(n) for n in range(1, 26)], batch_size=10, on_batch=seen.append)
    assert seen == [10, 10, 5]
    assert result.new == 25
    assert table_counts(con) == (25, 25, 25)


def test_failure_inside_a_transaction_leaves_nothing(con: duckdb.DuckDBPyConnection) -> None:
    load(con, [record(1)])

    def items() -> Iterator[PubmedRecord]:
        yield record(2)
        raise RuntimeError("parser broke")

    with pytest.raises(RuntimeError):
        load(con, items(), batch_size=1)
    assert table_counts(con) == (1, 1, 1)


def test_get_article_of_unknown_pmid_is_none(con: duckdb.DuckDBPyConnection) -> None:
    assert get_article(con, 123456) is None


def _sample_files(xml_samples: Path) -> list[Path]:
    return sorted(p for p in xml_samples.rglob("*") if p.is_file() and p.name != "SOURCE.md")


def _stored_rows(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    articles = con.execute("SELECT * EXCLUDE (updated_at) FROM articles ORDER BY pmid").fetchall()
    versions = con.execute(
        "SELECT pmid, version, content_hash, record::VARCHAR FROM article_versions ORDER BY pmid, version"
    ).fetchall()
    return articles, versions


def test_bulk_fields_and_validated_models_store_identical_rows(xml_samples: Path, tmp_path: Path) -> None:
    """`load_file` (parser fields, orjson) and `load_records` of PubmedRecords (pydantic): the same rows."""
    files = _sample_files(xml_samples)
    with connect(tmp_path / "bulk.duckdb") as bulk, connect(tmp_path / "models.duckdb") as models:
        for path in files:
            load_file(bulk, path, topic="magnesium-sleep", run_id="run-1")
            load(models, read_records(path), source=str(path))
        assert _stored_rows(bulk) == _stored_rows(models)
        assert len(_stored_rows(bulk)[0]) > 600


def test_articles_columns_read_from_the_json_match_the_model(
    xml_samples: Path, con: duckdb.DuckDBPyConnection
) -> None:
    """The SQL that fills `articles` from the stored JSON gives the model's values, display names, flags."""
    files = _sample_files(xml_samples)
    records = [item for path in files for item in read_records(path) if isinstance(item, PubmedRecord)]
    latest = {r.pmid: r for r in records}  # a PMID in two files: the later file's record is stored
    for path in files:
        load_file(con, path, topic=None, run_id="run-1")
    # What the samples lack: retractions both ways, a book, awkward author names, registry ids.
    handmade = [
        record(1, comments_corrections=[CommentCorrection(ref_type="RetractionIn", pmid=2)]),
        record(2, publication_types=["Retracted Publication"], is_book=True),
        record(
            3,
            authors=[
                Author(collective_name="Sleep Group", last_name="Ignored"),
                Author(collective_name="", last_name="Lee", initials=""),
                Author(initials="JK"),
                Author(),
            ],
            registry_ids=[RegistryId(databank="ClinicalTrials.gov", accession="NCT01234567")],
        ),
    ]
    load(con, handmade, topic=None)
    latest.update((r.pmid, r) for r in handmade)
    rows = con.execute(
        "SELECT pmid, title, abstract, vernacular_title, journal, journal_iso, pub_date, pub_year, "
        "pub_date_text, languages, authors, publication_types, mesh_terms, keywords, doi, pmc, registry_ids, "
        "status, date_revised, entrez_date, is_book, retracted FROM articles ORDER BY pmid"
    ).fetchall()
    expected = [
        (
            r.pmid,
            r.title,
            r.abstract,
            r.vernacular_title,
            r.journal,
            r.journal_iso,
            r.pub_date,
            r.pub_year,
            r.pub_date_text,
            r.languages,
            [a.display for a in r.authors],
            r.publication_types,
            r.mesh_terms,
            r.keywords,
            r.doi,
            r.pmc,
            [f"{x.databank}:{x.accession}" for x in r.registry_ids],
            r.status,
            r.date_revised,
            r.entrez_date,
            r.is_book,
            r.is_retracted,
        )
        for r in sorted(latest.values(), key=lambda r: r.pmid)
    ]
    assert rows == expected
    assert rows[:3] == [
        (*expected[0][:-2], False, True),
        (*expected[1][:-2], True, True),
        (*expected[2][:10], ["Sleep Group", "Lee", "JK", ""], *expected[2][11:]),
    ]
