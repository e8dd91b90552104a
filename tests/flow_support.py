"""Helpers for the flow and demo tests: a topics folder, the nightly environment, a warehouse fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from litwatch.config import Settings
from litwatch.demo.replay import load_bundled_records
from litwatch.pubmed.corpus import Corpus
from tests.conftest import REPO
from warehouse.connection import connect

# Stable columns per table: ids of runs and timestamps differ between two equivalent runs.
QUERIES = {
    "articles": "SELECT pmid, version, content_hash, retracted, deleted FROM articles",
    "article_versions": "SELECT pmid, version, content_hash FROM article_versions",
    "topic_articles": "SELECT topic, pmid FROM topic_articles",
    "harvest_state": "SELECT topic, watermark_edat, watermark_mdat FROM harvest_state",
    "extractions": "SELECT pmid, article_version, extractor_version, design, sample_size FROM extractions",
    "mentions": "SELECT pmid, article_version, kind, label, start_char, end_char, text FROM mentions",
    "topic_relevance": "SELECT topic, pmid, article_version, relevant FROM topic_relevance",
    # One snapshot per run is by design: compare the distinct states the topic's summary went through.
    "summaries": "SELECT DISTINCT topic, outcome, verdict, studies, participants FROM summaries",
    "flags": "SELECT topic, pmid, reason, outcome FROM flags",
    # Every paper in exactly one sent digest; 'skipped' rows only record runs that had nothing new.
    "digests": "SELECT topic, n_flagged, n_new, list_sort(pmids) FROM digests WHERE status = 'sent'",
}


def bundled_corpus() -> Corpus:
    """Every record of the bundled demo corpus, without the demo's scripted events."""
    corpus = Corpus()
    corpus.add(load_bundled_records())
    return corpus


def topics_folder(folder: Path, topic_ids: list[str], extra: dict[str, str] | None = None) -> Path:
    """A topics folder with copies of the repo's topic files and any extra YAML texts (id -> text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for topic_id in topic_ids:
        shutil.copy(REPO / "topics" / f"{topic_id}.yaml", folder / f"{topic_id}.yaml")
    for topic_id, text in (extra or {}).items():
        (folder / f"{topic_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def nightly_environment(root: Path, eutils_url: str, topics_dir: Path) -> dict[str, str]:
    """The LITWATCH_* variables the nightly flow reads, everything under `root`."""
    return Settings(
        db_path=root / "litwatch.duckdb",
        topics_dir=topics_dir,
        eutils_url=eutils_url,
        ncbi_email="tests@example.org",
        ncbi_api_key=None,
        smtp_url=None,
        smtp_from="litwatch@localhost",
        outbox_dir=root / "outbox",
        reports_dir=root / "reports",
    ).to_env()


def apply_environment(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env()


def fingerprint(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The warehouse's content without run ids and times: equal for runs that stored the same things."""
    with connect(db_path) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in QUERIES.items()}


def rows(db_path: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    with connect(db_path) as con:
        return con.execute(query, list(params)).fetchall()
