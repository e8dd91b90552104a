"""Figures the nightly flow reports per topic: relevant studies in total and among a harvest's new records."""

from __future__ import annotations

import duckdb

from warehouse.runs import utc_now


def relevant_studies(con: duckdb.DuckDBPyConnection, topic: str) -> int:
    """Studies of the topic that extraction judged relevant (retracted ones included)."""
    row = con.execute("SELECT count(*) FROM studies WHERE topic = ? AND relevant", [topic]).fetchone()
    return int(row[0]) if row else 0


def new_relevant_studies(con: duckdb.DuckDBPyConnection, topic: str, harvest_run_id: str) -> int:
    """Relevant studies the topic first saw in one harvest run."""
    row = con.execute(
        """
        SELECT count(*) FROM studies s
        JOIN topic_articles ta ON ta.topic = s.topic AND ta.pmid = s.pmid
        WHERE s.topic = ? AND s.relevant AND ta.run_id = ?
        """,
        [topic, harvest_run_id],
    ).fetchone()
    return int(row[0]) if row else 0


def close_interrupted_runs(con: duckdb.DuckDBPyConnection, topic: str) -> int:
    """Mark the topic's nightly runs still `running` as failed: under the topic's lock none can be live."""
    rows = con.execute(
        """
        UPDATE runs SET status = 'failed', finished_at = ?,
            error = 'interrupted: the process ended before the run finished'
        WHERE kind = 'nightly' AND topic = ? AND status = 'running'
        RETURNING run_id
        """,
        [utc_now(), topic],
    ).fetchall()
    return len(rows)
