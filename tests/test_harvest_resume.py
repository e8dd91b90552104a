"""A harvest killed mid-way (SIGKILL of a real process) and run again ends with the same warehouse."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from litwatch.harvest import harvest_topic
from litwatch.pubmed.eutils_faults import FaultConfig
from litwatch.pubmed.eutils_server import ServerConfig, serve_in_thread
from tests.conftest import REPO
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

HARVEST_SCRIPT = """
import sys
from pathlib import Path
from litwatch.harvest import harvest_topic
from tests.harvest_support import UNTIL, fast_options, magnesium_sleep, settings_for
settings = settings_for(Path(sys.argv[1]), sys.argv[2])
progress = lambda fetched, total: print(fetched, flush=True)
harvest_topic(settings, magnesium_sleep(), until=UNTIL, options=fast_options(), progress=progress)
"""
# The harvest reports progress after loading the batch before the one just received, so its third line
# (after "0" and the first batch) comes once at least one batch has been committed.
PROGRESS_LINES_BEFORE_KILL = 3


def test_killed_harvest_rerun_matches_an_uninterrupted_one(tmp_path: Path, xml_samples: Path) -> None:
    records = sleep_records(xml_samples, 95)
    with serve_in_thread(corpus_of(records)) as server:
        harvest_topic(
            settings_for(tmp_path, server.url, "reference.duckdb"),
            magnesium_sleep(),
            until=UNTIL,
            options=fast_options(),
        )
    reference = warehouse_snapshot(tmp_path / "reference.duckdb")

    slow = ServerConfig(faults=FaultConfig(rate_slow=1.0, slow_seconds=0.3))
    with serve_in_thread(corpus_of(records), slow) as server:
        process = subprocess.Popen(
            [sys.executable, "-c", HARVEST_SCRIPT, str(tmp_path), server.url],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for _ in range(PROGRESS_LINES_BEFORE_KILL):
            process.stdout.readline()
        workers = child_pids(process.pid)
        assert workers  # the efetch parse workers were running
        process.kill()
        process.wait(timeout=30)
    assert wait_until_exited(workers, timeout=20) == set()  # they leave with the killed harvest
    db_path = tmp_path / "litwatch.duckdb"
    partial = stored_pmids(db_path)
    assert 0 < len(partial) < 95  # killed after some batches were committed, before the end
    with connect(db_path) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
        assert con.execute("SELECT count(*) FROM harvest_state").fetchall() == [(0,)]

    with serve_in_thread(corpus_of(records)) as server:
        summary = harvest_topic(
            settings_for(tmp_path, server.url), magnesium_sleep(), until=UNTIL, options=fast_options()
        )
    assert warehouse_snapshot(db_path) == reference
    assert summary.new == 95 - len(partial) and summary.unchanged == len(partial)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, ...


def child_pids(parent: int) -> set[int]:
    """Live child processes of `parent`, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) and fields[1] == str(parent):
            children.add(int(entry.name))
    return children


def wait_until_exited(pids: set[int], timeout: float) -> set[int]:
    """The pids still running (not gone, not zombies) after waiting up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        running = {pid for pid in pids if (fields := _stat_fields(pid)) and fields[0] != "Z"}
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.2)
