"""Parsed records as Arrow batches in the staging schema: what `warehouse.articles` appends and publishes.

Kept apart from the SQL (no DuckDB import) so the batches can be built wherever parsing runs, also in
the harvest's parse worker processes (`litwatch.parse_worker`), which send them back pickled (Arrow
buffers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

import pyarrow as pa
import pyarrow.compute as pc

from litwatch.pubmed.records import DeletedRecord, PubmedRecord, RecordFields, fields_json_and_hash

DEFAULT_BATCH_SIZE = 500  # small batches keep the Python side of memory low (bench/bench_load.py)

# The record as JSON, with its key columns: what `articles` shows of it is read from the JSON in SQL
# (warehouse.articles), so no per-record Python work goes into the other columns.
INCOMING_SCHEMA = pa.schema(
    [
        ("pmid", pa.int64()),
        ("seq", pa.int64()),  # arrival order, so the last item per PMID wins
        ("is_deletion", pa.bool_()),
        ("content_hash", pa.string()),
        ("record", pa.string()),
    ]
)


@dataclass(frozen=True)
class IncomingBatch:
    """One Arrow table of parsed items in INCOMING_SCHEMA, with its counts."""

    table: pa.Table

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def deletions(self) -> int:
        return int(pc.sum(self.table.column("is_deletion")).as_py() or 0)

    @property
    def pmids(self) -> list[int]:
        return self.table.column("pmid").to_pylist()

    def without(self, pmids: set[int]) -> IncomingBatch:
        """The batch minus the rows of `pmids` (a harvest stores a PMID seen in two slices once)."""
        if not pmids:
            return self
        keep = pc.invert(pc.is_in(self.table.column("pmid"), value_set=pa.array(list(pmids), pa.int64())))
        return IncomingBatch(self.table.filter(keep))


Incoming = RecordFields | PubmedRecord | DeletedRecord


def incoming_batches(items: Iterable[Incoming], size: int = DEFAULT_BATCH_SIZE) -> Iterator[IncomingBatch]:
    """`items` as consecutive Arrow batches of at most `size` rows, `seq` numbered across all of them."""
    iterator = iter(items)
    seq = 0
    while chunk := list(islice(iterator, size)):
        yield IncomingBatch(items_to_table(chunk, first_seq=seq))
        seq += len(chunk)


def items_to_table(items: Sequence[Incoming], first_seq: int) -> pa.Table:
    """Typed Arrow columns of `items`, in schema order; each record's JSON serialised once, with its hash."""
    pmids: list[int] = []
    is_deletion: list[bool] = []
    hashes: list[str | None] = []
    records: list[bytes | None] = []
    for item in items:
        if isinstance(item, DeletedRecord):
            pmids.append(item.pmid)
            is_deletion.append(True)
            hashes.append(None)
            records.append(None)
            continue
        if isinstance(item, PubmedRecord):
            payload, content_hash = item.json_and_hash()
            pmids.append(item.pmid)
        else:
            payload, content_hash = fields_json_and_hash(item)
            pmids.append(item["pmid"])
        is_deletion.append(False)
        hashes.append(content_hash)
        records.append(payload)
    seqs = pa.array(range(first_seq, first_seq + len(items)), pa.int64())
    columns = [
        pa.array(pmids, pa.int64()),
        seqs,
        pa.array(is_deletion),
        pa.array(hashes, pa.string()),
        pa.array(records, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=INCOMING_SCHEMA)
