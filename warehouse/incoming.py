"""Parsed records as Arrow batches in the staging schema: what `warehouse.articles` appends and publishes.

Kept apart from the SQL (no DuckDB import) so the batches can be built wherever parsing runs, also in
the harvest's parse worker processes (`litwatch.parse_worker`), which send them back pickled (Arrow
buffers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import pyarrow as pa
import pyarrow.compute as pc

from litwatch.pubmed.records import DeletedRecord, PubmedRecord

DEFAULT_BATCH_SIZE = 500  # small batches keep the Python side of memory low (bench/bench_load.py)

_TEXT_LIST = pa.list_(pa.string())

INCOMING_SCHEMA = pa.schema(
    [
        ("pmid", pa.int64()),
        ("seq", pa.int64()),  # arrival order, so the last item per PMID wins
        ("is_deletion", pa.bool_()),
        ("content_hash", pa.string()),
        ("record", pa.string()),
        ("title", pa.string()),
        ("abstract", pa.string()),
        ("vernacular_title", pa.string()),
        ("journal", pa.string()),
        ("journal_iso", pa.string()),
        ("pub_date", pa.date32()),
        ("pub_year", pa.int32()),
        ("pub_date_text", pa.string()),
        ("languages", _TEXT_LIST),
        ("authors", _TEXT_LIST),
        ("publication_types", _TEXT_LIST),
        ("mesh_terms", _TEXT_LIST),
        ("keywords", _TEXT_LIST),
        ("doi", pa.string()),
        ("pmc", pa.string()),
        ("registry_ids", _TEXT_LIST),
        ("status", pa.string()),
        ("date_revised", pa.date32()),
        ("entrez_date", pa.date32()),
        ("is_book", pa.bool_()),
        ("retracted", pa.bool_()),
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


def incoming_batches(
    items: Iterable[PubmedRecord | DeletedRecord], size: int = DEFAULT_BATCH_SIZE
) -> Iterator[IncomingBatch]:
    """`items` as consecutive Arrow batches of at most `size` rows, `seq` numbered across all of them."""
    iterator = iter(items)
    seq = 0
    while chunk := list(islice(iterator, size)):
        yield IncomingBatch(items_to_table(chunk, first_seq=seq))
        seq += len(chunk)


def items_to_table(items: list[PubmedRecord | DeletedRecord], first_seq: int) -> pa.Table:
    """One row tuple per item in a single pass, transposed into typed Arrow columns (schema order)."""
    rows = [
        _deletion_row(item.pmid, seq) if isinstance(item, DeletedRecord) else _record_row(item, seq)
        for seq, item in enumerate(items, start=first_seq)
    ]
    if not rows:
        return INCOMING_SCHEMA.empty_table()
    columns = zip(*rows, strict=True)
    arrays = [pa.array(values, type=f.type) for values, f in zip(columns, INCOMING_SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=INCOMING_SCHEMA)


_DELETION_PADDING = (None,) * (len(INCOMING_SCHEMA) - 3)


def _deletion_row(pmid: int, seq: int) -> tuple[object, ...]:
    """A deletion carries only pmid, seq and is_deletion."""
    return (pmid, seq, True, *_DELETION_PADDING)


def _record_row(record: PubmedRecord, seq: int) -> tuple[object, ...]:
    """The record's values in INCOMING_SCHEMA order; its JSON is serialised once, for storage and hash."""
    payload, content_hash = record.json_and_hash()
    return (
        record.pmid,
        seq,
        False,
        content_hash,
        payload,
        record.title,
        record.abstract,
        record.vernacular_title,
        record.journal,
        record.journal_iso,
        record.pub_date,
        record.pub_year,
        record.pub_date_text,
        record.languages,
        [author.display for author in record.authors],
        record.publication_types,
        record.mesh_terms,
        record.keywords,
        record.doi,
        record.pmc,
        [f"{r.databank}:{r.accession}" for r in record.registry_ids],
        record.status,
        record.date_revised,
        record.entrez_date,
        record.is_book,
        record.is_retracted,
    )
