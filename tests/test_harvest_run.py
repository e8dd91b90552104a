"""Harvests against the local E-utilities server: batching, splitting, faults, revisions, state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from litwatch.errors import HarvestError
from litwatch.harvest import HarvestSummary, harvest_topic
from litwatch.pubmed.eutils_client import RetryPolicy
from litwatch.pubmed.eutils_faults import FaultConfig
from litwatch.pubmed.eutils_server import ServerConfig, serve_in_thread
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.synthetic import revised
from tests.cli_helpers import run_main
from tests.harvest_support import (
    UNTIL,
    corpus_of,
    fast_options,
    magnesium_sleep,
    settings_for,
    sleep_records,
    stored_pmids,
    warehouse_snapshot,
)
from warehouse.connection import connect


def harvest(
    tmp_path: Path,
    records: list[PubmedRecord],
    config: ServerConfig | None = None,
    db_name: str = "litwatch.duckdb",
    **options: object,
) -> tuple[HarvestSummary, list[str]]:
    """One harvest of magnesium-sleep up to UNTIL; returns the summary and the utilities requested."""
    with serve_in_thread(corpus_of(records), config) as server:
        summary = harvest_topic(
            settings_for(tmp_path, server.url, db_name),
            magnesium_sleep(),
            until=UNTIL,
            options=fast_options(**options),
        )
    return summary, [r.utility for r in server.state.requests]


@pytest.fixture
def records(xml_samples: Path) -> list[PubmedRecord]:
    return sleep_records(xml_samples, 95)


@pytest.fixture
def reference(tmp_path: Path, records: list[PubmedRecord]) -> dict[str, list[tuple[object, ...]]]:
    """The warehouse an undisturbed harvest of `records` leaves behind."""
    harvest(tmp_path, records, db_name="reference.duckdb")
    return warehouse_snapshot(tmp_path / "reference.duckdb")


def test_pages_through_history_in_batches(tmp_path: Path, records: list[PubmedRecord]) -> None:
    fetched: list[tuple[int, int]] = []
    with serve_in_thread(corpus_of(records)) as server:
        summary = harvest_topic(
            settings_for(tmp_path, server.url),
            magnesium_sleep(),
            until=UNTIL,
            options=fast_options(),
            progress=lambda done, total: fetched.append((done, total)),
        )
    efetches = server.state.of("efetch")
    assert [(int(r.params["retstart"]), int(r.params["retmax"])) for r in efetches] == [
        (0, 20),
        (20, 20),
        (40, 20),
        (60, 20),
        (80, 15),
    ]
    assert len(server.state.of("esearch")) == 2  # new records on edat, revisions on mdat
    assert summary.requests == 7 and summary.searched == summary.fetched == summary.new == 95
    assert fetched[0] == (0, 95) and fetched[-1] == (95, 95)
    assert stored_pmids(tmp_path / "litwatch.duckdb") == sorted(r.pmid for r in records)
    with connect(tmp_path / "litwatch.duckdb") as con:
        row = con.execute(
            "SELECT status, searched, fetched, records_new, requests, failed_requests, retries "
            "FROM harvest_runs"
        ).fetchall()
        assert row == [("ok", 95, 95, 95, 7, 0, 0)]
        assert con.execute("SELECT count(*) FROM topic_articles WHERE source = 'harvest'").fetchall() == [
            (95,)
        ]


def test_over_cap_searches_are_split_by_date(
    tmp_path: Path, records: list[PubmedRecord], reference: dict[str, list[tuple[object, ...]]]
) -> None:
    summary, _ = harvest(tmp_path, records, ServerConfig(max_hits=30), max_hits=30)
    assert warehouse_snapshot(tmp_path / "litwatch.duckdb") == reference
    assert summary.fetched == 95 and summary.new == 95


def test_a_storm_of_faults_still_stores_everything_exactly_once(
    tmp_path: Path, records: list[PubmedRecord], reference: dict[str, list[tuple[object, ...]]]
) -> None:
    faults = FaultConfig(
        rate_429=0.15, rate_5xx=0.15, rate_reset=0.05, rate_truncate=0.15, retry_after_seconds=0, seed=5
    )
    summary, _ = harvest(tmp_path, records, ServerConfig(faults=faults))
    assert warehouse_snapshot(tmp_path / "litwatch.duckdb") == reference
    assert summary.retries == summary.failed_requests > 0
    with connect(tmp_path / "litwatch.duckdb") as con:
        assert con.execute("SELECT retries, failed_requests FROM harvest_runs").fetchall() == [
            (summary.retries, summary.failed_requests)
        ]


def test_expired_webenv_is_searched_again_and_resumed(
    tmp_path: Path, records: list[PubmedRecord], reference: dict[str, list[tuple[object, ...]]]
) -> None:
    summary, utilities = harvest(tmp_path, records, ServerConfig(faults=FaultConfig(webenv_max_uses=2)))
    assert warehouse_snapshot(tmp_path / "litwatch.duckdb") == reference
    assert utilities.count("esearch") == 4  # edat, mdat, and one re-search per expiry (after uses 2 and 4)
    assert summary.fetched == 95


def test_failed_run_keeps_the_watermark_and_the_next_run_completes(
    tmp_path: Path, records: list[PubmedRecord], reference: dict[str, list[tuple[object, ...]]]
) -> None:
    faults = FaultConfig(rate_truncate=0.3, seed=4)
    with pytest.raises(HarvestError, match="watermark was not advanced"):
        harvest(tmp_path, records, ServerConfig(faults=faults), retry=RetryPolicy(max_attempts=1))
    db_path = tmp_path / "litwatch.duckdb"
    with connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM harvest_state").fetchall() == [(0,)]
        status, error, detail = con.execute("SELECT status, error, detail FROM runs").fetchall()[0]
    assert status == "failed" and "failed 1 times in a row" in error
    partial = stored_pmids(db_path)
    assert len(partial) < 95 and json.loads(detail)["fetched"] >= len(partial)
    harvest(tmp_path, records)
    assert warehouse_snapshot(db_path) == reference


def test_revisions_become_new_versions_and_new_records_are_added(tmp_path: Path, xml_samples: Path) -> None:
    old = sleep_records(xml_samples, 40, start=date(2025, 1, 1), days=60)
    harvest(tmp_path, old)
    changed = {old[3].pmid, old[17].pmid}
    fresh = sleep_records(xml_samples, 5, start=date(2025, 7, 10), days=5, first_pmid=91_000_001)
    later = [revised(r, date(2025, 7, 12)) if r.pmid in changed else r for r in old] + fresh
    with serve_in_thread(corpus_of(later)) as server:
        summary = harvest_topic(
            settings_for(tmp_path, server.url),
            magnesium_sleep(),
            until=date(2025, 7, 20),
            options=fast_options(),
        )
    assert (summary.new, summary.revised, summary.fetched) == (5, 2, 7)  # unchanged records are not refetched
    searches = [r.params for r in server.state.of("esearch")]
    assert searches[0]["mindate"] == "2025/06/27" and searches[0]["datetype"] == "edat"  # watermark - 3 days
    assert (
        searches[1]["datetype"] == "mdat"
        and 'NOT ("2025/06/27"[EDAT] : "2025/07/20"[EDAT])' in searches[1]["term"]
    )
    with connect(tmp_path / "litwatch.duckdb") as con:
        versions = con.execute(
            "SELECT pmid, max(version) FROM article_versions GROUP BY pmid HAVING max(version) > 1"
            " ORDER BY pmid"
        ).fetchall()
        state = con.execute("SELECT watermark_edat, watermark_mdat FROM harvest_state").fetchall()
    assert versions == [(pmid, 2) for pmid in sorted(changed)]
    assert state == [(date(2025, 7, 20), date(2025, 7, 20))]


def test_cli_harvest_fills_the_warehouse_for_magnesium_sleep(
    tmp_path: Path,
    records: list[PubmedRecord],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db_path = tmp_path / "cli.duckdb"
    small = records[:12]
    with serve_in_thread(corpus_of(small)) as server:
        monkeypatch.setenv("LITWATCH_EUTILS_URL", server.url)
        done = run_main(
            monkeypatch,
            capsys,
            "harvest",
            "--topic",
            "magnesium-sleep",
            "--until",
            "2025-06-30",
            db_path=db_path,
        )
        bad = run_main(
            monkeypatch, capsys, "harvest", "--topic", "magnesium-sleep", "--since", "June", db_path=db_path
        )
    assert done.exit_code == 0 and "12 new" in done.stdout
    assert stored_pmids(db_path) == sorted(r.pmid for r in small)
    assert all(r.params["tool"] == "litwatch" for r in server.state.requests)
    assert bad.exit_code == 1 and "--since must be a date like 2024-01-31" in bad.stderr
