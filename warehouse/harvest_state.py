"""Per-topic harvest watermarks: where the next harvest of a topic starts (table `harvest_state`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.runs import utc_now


@dataclass(frozen=True)
class Watermark:
    """The Entrez and modification dates up to which a topic was fully harvested."""

    edat: date
    mdat: date


def get_watermark(con: duckdb.DuckDBPyConnection, topic: str) -> Watermark | None:
    """The topic's watermark, or None before its first successful harvest."""
    rows = con.execute(
        "SELECT watermark_edat, watermark_mdat FROM harvest_state WHERE topic = ?", [topic]
    ).fetchall()
    return Watermark(edat=rows[0][0], mdat=rows[0][1]) if rows else None


def set_watermark(con: duckdb.DuckDBPyConnection, topic: str, watermark: Watermark, run_id: str) -> None:
    """Advance (or set) the topic's watermark; call it in the transaction that ends a successful harvest."""
    con.execute(
        """
        INSERT INTO harvest_state (topic, watermark_edat, watermark_mdat, last_run_id, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (topic) DO UPDATE SET watermark_edat = excluded.watermark_edat,
            watermark_mdat = excluded.watermark_mdat, last_run_id = excluded.last_run_id,
            updated_at = excluded.updated_at
        """,
        [topic, watermark.edat, watermark.mdat, run_id, utc_now()],
    )
