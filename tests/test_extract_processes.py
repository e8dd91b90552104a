"""Extraction in worker processes (`n_process=2`) gives exactly what one process gives, in the same
order, on real EBM-NLP abstracts; a worker that dies fails the run with one sentence instead of hanging."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.models import ArticleExtraction
from extractors.text import ArticleInput
from litwatch.errors import ExtractionError
from litwatch.extraction import ExtractionJob, batched, extract_articles, extract_batches
from litwatch.pubmed.records import PubmedRecord
from litwatch.topics import load_topic_file
from tests.conftest import REPO
from tests.extract_support import nlp
from tests.test_extract_command import EMPTY, TOPIC, load, query, settings
from warehouse.mentions import PendingArticle

DOCUMENTS = "ebm_nlp/documents/ebm_nlp_documents.jsonl"
TABLES = ("extractions", "mentions", "topic_relevance", "topic_outcomes")


def ebm_records(shared_data: Path, count: int = 12) -> list[PubmedRecord]:
    """The first `count` EBM-NLP documents as PubMed records (text: title, blank line, abstract)."""
    records = []
    with (shared_data / DOCUMENTS).open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            title, _, abstract = doc["text"].partition("\n\n")
            records.append(
                PubmedRecord(
                    pmid=int(doc["pmid"]),
                    title=title.strip(),
                    abstract=abstract.strip(),
                    mesh_terms=doc["mesh_terms"],
                )
            )
            if len(records) == count:
                return records
    raise AssertionError("too few EBM-NLP documents")


def jobs(records: list[PubmedRecord]) -> list[ExtractionJob]:
    topic = load_topic_file(REPO / "topics" / f"{TOPIC}.yaml")
    articles = [
        ArticleInput(pmid=r.pmid, title=r.title, abstract=r.abstract, mesh_terms=r.mesh_terms)
        for r in records
    ]
    return [ExtractionJob(PendingArticle(article=a, topics=[TOPIC]), [topic]) for a in articles]


def run(records: list[PubmedRecord], n_process: int) -> list[list[ArticleExtraction]]:
    return list(extract_batches(nlp(), "test", batched(jobs(records), 3), n_process))


def test_two_processes_extract_exactly_what_one_does(shared_data: Path) -> None:
    records = ebm_records(shared_data)
    one, two = run(records, 1), run(records, 2)
    assert [len(batch) for batch in two] == [3, 3, 3, 3]
    assert [e.pmid for batch in two for e in batch] == [r.pmid for r in records]
    assert sum(len(e.mentions) for batch in one for e in batch) > 20
    assert two == one


def test_warehouse_rows_do_not_depend_on_the_process_count(shared_data: Path, tmp_path: Path) -> None:
    records = [*ebm_records(shared_data), EMPTY]
    rows = {}
    for n_process in (1, 2):
        db_path = tmp_path / str(n_process) / "litwatch.duckdb"
        db_path.parent.mkdir()
        load(db_path, records)
        summary = extract_articles(settings(db_path), n_process=n_process, nlp=nlp())
        assert (summary.articles, summary.extracted, summary.skipped, summary.failed) == (13, 12, 1, 0)
        rows[n_process] = {
            table: query(db_path, f"SELECT * EXCLUDE (extracted_at) FROM {table} ORDER BY ALL")
            if table == "extractions"
            else query(db_path, f"SELECT * FROM {table} ORDER BY ALL")
            for table in TABLES
        }
    assert len(rows[1]["mentions"]) > 20
    assert rows[2] == rows[1]


@Language.component("litwatch_test_exit")
def exit_process(doc: Doc) -> Doc:
    """Ends the (worker) process at once, as an out-of-memory kill would."""
    os._exit(3)


def test_a_dead_worker_fails_loudly_with_one_sentence(shared_data: Path) -> None:
    nlp()  # registers the Doc extensions that extraction reads
    dying = spacy.blank("en")
    dying.add_pipe("litwatch_test_exit")
    with pytest.raises(ExtractionError, match=r"^An extraction worker process died [^.]*\.$"):
        list(extract_batches(dying, "test", batched(jobs(ebm_records(shared_data, 4)), 2), 2))
