"""Two runs of the same topic at once: the second refuses (or waits) with a clear sentence, and the
warehouse is left as the first run would leave it. The other run is a real second process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.nightly import nightly
from flows.results import NightlyRunFailed
from litwatch.errors import TopicBusyError
from litwatch.pubmed.eutils_server import serve_in_thread
from litwatch.topic_lock import topic_lock
from tests.conftest import REPO
from tests.flow_support import apply_environment, bundled_corpus, nightly_environment, rows, topics_folder

# Takes the topic's lock as a nightly run does, says so, and holds it until stdin closes.
_HOLD_TOPIC = (
    "import sys; from pathlib import Path; from litwatch.topic_lock import topic_lock\n"
    "with topic_lock(Path(sys.argv[1]), sys.argv[2]):\n"
    "    print('locked', flush=True); sys.stdin.read()"
)


@contextmanager
def topic_held_elsewhere(db_path: Path, topic_id: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD_TOPIC, str(db_path), topic_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        yield process
    finally:
        if process.stdin is not None and not process.stdin.closed:
            process.stdin.close()
        process.wait(timeout=30)


def test_a_second_run_of_a_topic_refuses_in_one_sentence(tmp_path: Path) -> None:
    db_path = tmp_path / "litwatch.duckdb"
    with (
        topic_held_elsewhere(db_path, "melatonin-sleep") as holder,
        pytest.raises(TopicBusyError) as busy,
        topic_lock(db_path, "melatonin-sleep"),
    ):
        pytest.fail("the lock was taken twice")
    message = str(busy.value)
    assert message.startswith("Topic melatonin-sleep is already being run")
    assert f"pid {holder.pid}" in message and message.endswith("finishes.") and "\n" not in message


def test_a_second_run_may_wait_for_the_first_to_finish(tmp_path: Path) -> None:
    db_path = tmp_path / "litwatch.duckdb"
    with topic_held_elsewhere(db_path, "melatonin-sleep") as holder:
        assert holder.stdin is not None
        holder.stdin.close()  # the first run finishes now; the second waits for its lock
        started = time.monotonic()
        with topic_lock(db_path, "melatonin-sleep", wait_seconds=30):
            waited = time.monotonic() - started
    assert waited < 30
    with topic_lock(db_path, "melatonin-sleep"), topic_lock(db_path, "magnesium-sleep"):
        pass  # released after use, and different topics never block each other


def test_a_topic_being_run_elsewhere_is_refused_and_the_others_still_run(
    prefect_harness: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topics_dir = topics_folder(tmp_path / "topics", ["melatonin-sleep", "magnesium-sleep"])
    with serve_in_thread(bundled_corpus()) as server:
        settings = apply_environment(monkeypatch, nightly_environment(tmp_path, server.url, topics_dir))
        with (
            topic_held_elsewhere(settings.db_path, "melatonin-sleep"),
            pytest.raises(NightlyRunFailed) as failed,
        ):
            nightly(["melatonin-sleep", "magnesium-sleep"], dry_run=True)
    result = failed.value.result
    assert [(f.topic, f.error.split(" (")[0]) for f in result.failures] == [
        ("melatonin-sleep", "Topic melatonin-sleep is already being run")
    ]
    assert [n.topic for n in result.nights] == ["magnesium-sleep"]
    # The refused run wrote nothing: no run row, no article of its topic.
    assert rows(settings.db_path, "SELECT topic FROM runs WHERE kind = 'nightly'") == [("magnesium-sleep",)]
    sql = "SELECT count(*) FROM topic_articles WHERE topic = 'melatonin-sleep'"
    assert rows(settings.db_path, sql) == [(0,)]
