"""The `runs` table: every import, harvest, extract and nightly run, with its counts and outcome."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import duckdb
from pydantic import BaseModel


def utc_now() -> datetime:
    """Naive UTC timestamp, the form every TIMESTAMP column in the warehouse holds."""
    return datetime.now(UTC).replace(tzinfo=None)


class RunCounts(BaseModel):
    """Record counts a run reports; `detail` carries stage-specific figures (e.g. harvest retries)."""

    records_new: int = 0
    records_revised: int = 0
    records_unchanged: int = 0
    records_deleted: int = 0
    records_failed: int = 0
    detail: dict[str, int | float | str] = {}


def start_run(con: duckdb.DuckDBPyConnection, kind: str, topic: str | None = None) -> str:
    """Insert a `running` row and return its id."""
    started = utc_now()
    run_id = f"{kind}-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    con.execute(
        "INSERT INTO runs (run_id, kind, topic, started_at, status) VALUES (?, ?, ?, ?, 'running')",
        [run_id, kind, topic, started],
    )
    return run_id


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    counts: RunCounts,
    *,
    error: str | None = None,
) -> None:
    """Close a run as `ok`, or `failed` with its error sentence, storing its counts."""
    con.execute(
        """
        UPDATE runs SET finished_at = ?, status = ?, records_new = ?, records_revised = ?,
            records_unchanged = ?, records_deleted = ?, records_failed = ?, error = ?, detail = ?
        WHERE run_id = ?
        """,
        [
            utc_now(),
            "failed" if error else "ok",
            counts.records_new,
            counts.records_revised,
            counts.records_unchanged,
            counts.records_deleted,
            counts.records_failed,
            error,
            json.dumps(counts.detail),
            run_id,
        ],
    )
