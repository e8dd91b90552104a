"""Import one PubMed file (XML, .xml.gz or MEDLINE text) whole or not at all, and record it in `imports`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb

from litwatch.errors import WarehouseError
from litwatch.pubmed.reader import read_fields
from warehouse.articles import LoadResult, drop_staged, publish_staged, stage_batches
from warehouse.connection import transaction
from warehouse.incoming import DEFAULT_BATCH_SIZE, incoming_batches
from warehouse.runs import utc_now


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    topic: str | None,
    run_id: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Parse and stage every record of `path`, then publish them in ONE transaction with its `imports` row.

    A parse error (InputError naming the file and the line) happens while staging, before the
    warehouse's tables are touched; a failure while publishing rolls the transaction back. Either way
    nothing from this file is stored and data loaded before it is untouched.
    """
    sha256 = file_sha256(path)
    try:
        batches = incoming_batches(read_fields(path), batch_size)
        staged = stage_batches(con, batches, on_batch=on_batch)
        with transaction(con):
            result = publish_staged(con, staged, source=str(path), run_id=run_id, topic=topic)
            con.execute(
                "INSERT INTO imports (run_id, file, sha256, records, deletions, loaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [run_id, str(path), sha256, result.records, result.deletions, utc_now()],
            )
    except duckdb.Error as exc:
        raise WarehouseError(f"Loading {path} into the warehouse failed and was rolled back: {exc}.") from exc
    finally:
        drop_staged(con)
    return result
