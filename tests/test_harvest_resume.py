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
harvest_topic(settings, magnesium_sleep(), until=UNTIL, options=fast_options())
"""


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
            [sys.executable, "-c", HARVEST_SCRIPT, str(tmp_path), server.url], cwd=REPO
        )
        deadline = time.monotonic() + 90
        while len(server.state.of("efetch")) < 4 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.kill()
        process.wait(timeout=30)
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
