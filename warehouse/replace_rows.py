"""Replace what an extractor version stored for some article versions: delete the rows keyed by
(pmid, article_version, extractor_version), then bulk-insert the new Arrow rows, so a re-run is
idempotent. Shared by every table that extraction writes."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from extractors.models import ArticleExtraction


def replace_extraction_rows(
    con: duckdb.DuckDBPyConnection,
    extractions: Sequence[ArticleExtraction],
    new_rows: Sequence[tuple[str, pa.Table]],
) -> None:
    """For each (table, rows): drop the table's rows of these extractions' keys, then insert `rows`.

    Run inside `warehouse.connection.transaction` so a batch lands whole or not at all."""
    keys = pa.table(
        {
            "pmid": [e.pmid for e in extractions],
            "article_version": pa.array([e.article_version for e in extractions], pa.int32()),
            "extractor_version": [e.extractor_version for e in extractions],
        }
    )
    con.register("incoming_keys", keys)
    try:
        for table, rows in new_rows:
            con.execute(
                f"DELETE FROM {table} t USING incoming_keys k WHERE t.pmid = k.pmid "
                "AND t.article_version = k.article_version AND t.extractor_version = k.extractor_version"
            )
            con.register("incoming_rows", rows)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
            finally:
                con.unregister("incoming_rows")
    finally:
        con.unregister("incoming_keys")
