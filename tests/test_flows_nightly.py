"""The nightly flow end to end: real Prefect runs (one temporary API per session), the local E-utilities
server on loopback, a real DuckDB warehouse, digests written to the outbox."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.nightly import EUTILS_TAG, nightly, release_stale_eutils_slots
from flows.results import NightlyResult, NightlyRunFailed
from litwatch.pubmed.eutils_faults import FaultConfig
from litwatch.pubmed.eutils_server import ServerConfig, serve_in_thread
from litwatch.pubmed.query import matches, parse_query
from litwatch.topics import load_topic_file
from tests.conftest import REPO
from tests.flow_support import (
    apply_environment,
    bundled_corpus,
    fingerprint,
    nightly_environment,
    rows,
    topics_folder,
)

TOPICS = ["melatonin-sleep", "magnesium-sleep"]


@dataclass(frozen=True)
class ReferenceRun:
    """An uninterrupted nightly run over the bundled corpus: what every other run is compared with."""

    root: Path
    result: NightlyResult

    @property
    def db_path(self) -> Path:
        return self.root / "litwatch.duckdb"


@pytest.fixture(scope="module")
def reference_run(prefect_harness: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceRun]:
    root = tmp_path_factory.mktemp("reference")
    topics_dir = topics_folder(root / "topics", TOPICS)
    with serve_in_thread(bundled_corpus()) as server, pytest.MonkeyPatch.context() as monkeypatch:
        apply_environment(monkeypatch, nightly_environment(root, server.url, topics_dir))
        result = nightly(TOPICS, dry_run=True)
    yield ReferenceRun(root, result)


def _matches(query: str) -> int:
    tree = parse_query(query)
    return sum(matches(tree, document) for document in bundled_corpus().documents.values())


def test_nightly_run_harvests_summarises_reports_and_writes_digests(reference_run: ReferenceRun) -> None:
    result = reference_run.result
    assert [night.topic for night in result.nights] == TOPICS
    assert result.failures == []
    melatonin, magnesium = result.nights
    query = load_topic_file(reference_run.root / "topics" / "melatonin-sleep.yaml").query
    assert melatonin.new == _matches(query) > 0
    assert 0 < melatonin.relevant <= melatonin.new
    assert melatonin.flags > 0  # a first run's studies are each a topic's first evidence
    assert melatonin.digest_status == "sent" and melatonin.digest_path is not None
    message = Path(melatonin.digest_path).read_text(encoding="utf-8")
    assert "Subject:" in message and "melatonin" in message.lower()
    assert magnesium.new == 0 and magnesium.relevant == 0 and magnesium.flags == 0
    assert magnesium.digest_status == "skipped" and magnesium.digest_path is None
    for night in result.nights:
        assert night.reports.md_path.read_text(encoding="utf-8").strip()
        assert "<html" in night.reports.html_path.read_text(encoding="utf-8").lower()
    sql = "SELECT topic, status, records_new FROM runs WHERE kind = 'nightly'"
    nightly_runs = rows(reference_run.db_path, sql)
    assert sorted(nightly_runs) == [("magnesium-sleep", "ok", 0), ("melatonin-sleep", "ok", melatonin.new)]


def test_nightly_run_publishes_report_and_flags_as_artifacts(reference_run: ReferenceRun) -> None:
    keys = ["melatonin-sleep-report", "melatonin-sleep-flags", "magnesium-sleep-report"]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))
        limit = client.read_concurrency_limit_by_tag(EUTILS_TAG)
    by_key = {a.key: a for a in artifacts}
    assert set(by_key) == set(keys)
    assert by_key["melatonin-sleep-report"].type == "markdown"
    assert "melatonin" in str(by_key["melatonin-sleep-report"].data).lower()
    assert by_key["melatonin-sleep-flags"].type == "table"
    assert limit.concurrency_limit == 1


def test_a_second_night_with_nothing_new_adds_no_rows(
    reference_run: ReferenceRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(reference_run.root, root)
    before = fingerprint(root / "litwatch.duckdb")
    with serve_in_thread(bundled_corpus()) as server:
        settings = apply_environment(monkeypatch, nightly_environment(root, server.url, root / "topics"))
        again = nightly(TOPICS, dry_run=True)
    after = fingerprint(settings.db_path)
    assert [n.new for n in again.nights] == [0, 0]
    assert [n.flags for n in again.nights] == [0, 0]
    assert [n.digest_status for n in again.nights] == ["skipped", "skipped"]
    assert after == before  # snapshots compare as sets, sent digests only: nothing new, nothing doubled
    skipped = rows(settings.db_path, "SELECT count(*) FROM digests WHERE status = 'skipped'")[0][0]
    assert skipped == 3  # magnesium twice, melatonin once: a run with nothing new sends nothing


BROKEN_TOPIC = """
id: broken-query
question: Does a query PubMed rejects stop the other topics?
query: melatonin[nosuchfield]
"""


def test_a_failing_topic_does_not_stop_the_others(
    prefect_harness: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topics_dir = topics_folder(tmp_path / "topics", ["melatonin-sleep"], {"broken-query": BROKEN_TOPIC})
    with serve_in_thread(bundled_corpus()) as server:
        settings = apply_environment(monkeypatch, nightly_environment(tmp_path, server.url, topics_dir))
        with pytest.raises(NightlyRunFailed) as failed:
            nightly(["broken-query", "melatonin-sleep"], dry_run=True)
    result = failed.value.result
    assert [f.topic for f in result.failures] == ["broken-query"]
    assert "nosuchfield" in result.failures[0].error
    assert [n.topic for n in result.nights] == ["melatonin-sleep"]
    assert result.nights[0].new > 0
    assert "broken-query" in str(failed.value) and "1 failed" in str(failed.value)
    statuses = rows(settings.db_path, "SELECT topic, status FROM runs WHERE kind = 'nightly' ORDER BY topic")
    assert statuses == [("broken-query", "failed"), ("melatonin-sleep", "ok")]
    # PubMed rejecting the query is the curator's to fix: one harvest attempt, no retries.
    sql = "SELECT count(*) FROM runs WHERE kind = 'harvest' AND topic = 'broken-query'"
    harvests = rows(settings.db_path, sql)
    assert harvests == [(1,)]


# A run in another process, so it can be killed like a crashed or cancelled nightly job.
KILLABLE_RUN = (
    "import sys; from flows.local import run_nightly; run_nightly(sys.argv[1].split(','), dry_run=True)"
)


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL the process as soon as `ready()` holds; fail if it ends on its own first."""
    deadline = time.monotonic() + 300
    try:
        while not ready():
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run never reached the kill point"
            time.sleep(0.01)
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("kill_point", ["during-harvest", "after-report"])
def test_a_run_killed_mid_way_then_run_again_ends_like_an_uninterrupted_run(
    reference_run: ReferenceRun,
    prefect_harness: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kill_point: str,
) -> None:
    topics_dir = topics_folder(tmp_path / "topics", TOPICS)
    values = nightly_environment(tmp_path, "", topics_dir)
    report = tmp_path / "reports" / "melatonin-sleep.md"
    slow = ServerConfig(faults=FaultConfig(rate_slow=1.0, slow_seconds=1.0))
    with serve_in_thread(bundled_corpus(), slow) as server:
        env = {**os.environ, **values, "LITWATCH_EUTILS_URL": server.url, "PREFECT_API_URL": prefect_harness}
        process = subprocess.Popen(
            [sys.executable, "-c", KILLABLE_RUN, ",".join(TOPICS)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if kill_point == "during-harvest":
            _kill_when(process, lambda: bool(server.state.of("efetch")))
        else:
            _kill_when(process, report.exists)
    assert process.returncode == -signal.SIGKILL
    # The test harness runs no lease-expiry service: free the dead run's E-utilities slot as a Prefect
    # server does once the slot's lease lapses (`litwatch run` does it on its temporary API).
    release_stale_eutils_slots()
    db_path = tmp_path / "litwatch.duckdb"
    assert rows(db_path, "SELECT count(*) FROM runs WHERE kind = 'nightly' AND status = 'running'") == [(1,)]

    with serve_in_thread(bundled_corpus()) as server:
        apply_environment(monkeypatch, {**values, "LITWATCH_EUTILS_URL": server.url})
        nightly(TOPICS, dry_run=True)
    assert fingerprint(db_path) == fingerprint(reference_run.db_path)
    interrupted = rows(db_path, "SELECT error FROM runs WHERE kind = 'nightly' AND status = 'failed'")
    assert len(interrupted) == 1 and interrupted[0][0].startswith("interrupted")
