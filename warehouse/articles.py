"""Bulk-load parsed PubMed records into `articles`, `article_versions` and `topic_articles`.

Each batch goes to DuckDB as one Arrow table and a handful of set-based statements, never row by row.
Rules per PMID (a batch keeps only the last item per PMID, so the outcome is deterministic):

- unknown PMID -> `new`: version 1 in `article_versions`, a row in `articles`;
- content hash equal to ANY stored version -> `unchanged`: nothing written, so re-importing a file,
  or an older file after a newer one, changes nothing (a deleted article stays deleted);
- other content -> `revised`: version n+1 in `article_versions`, the `articles` row replaced
  (`deleted` back to false: PubMed re-issued the record);
- DeleteCitation of a stored PMID -> `deleted`: `articles.deleted = true`, every version kept;
  of an already deleted PMID -> `unchanged`; of an unknown PMID -> counted in `deletions_unknown`
  and nothing stored (update files delete PMIDs from all of PubMed; tombstones for articles we never
  held would only bloat the warehouse).

Call `load_records` inside `warehouse.connection.transaction` for all-or-nothing loads (`load_file`
in warehouse.imports does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal

import duckdb
import pyarrow as pa

from litwatch.pubmed.records import DeletedRecord, PubmedRecord
from warehouse.runs import RunCounts, utc_now

EUTILS_SOURCE = "eutils"
"""`source` of harvested records; any other source is a file path and counts as an import."""

DEFAULT_BATCH_SIZE = 2_000

TopicSource = Literal["import", "harvest"]

ItemOutcome = Literal["new", "revised", "unchanged", "deleted", "deleted_unknown"]

_TEXT_LIST = pa.list_(pa.string())

INCOMING_SCHEMA = pa.schema(
    [
        ("pmid", pa.int64()),
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

STAGED_TABLE = "litwatch_staged"

# Only the last item per PMID counts: drop earlier ones (seq is the arrival order).
_KEEP_LAST_SQL = f"""
DELETE FROM {STAGED_TABLE}
WHERE seq NOT IN (SELECT max(seq) FROM {STAGED_TABLE} GROUP BY pmid)
"""

# Classify every staged PMID against what is stored (see the module docstring for the rules).
_CLASSIFY_SQL = f"""
CREATE OR REPLACE TEMP TABLE litwatch_outcomes AS
SELECT s.pmid, a.version AS current_version,
    CASE
        WHEN s.is_deletion AND a.pmid IS NULL THEN 'deleted_unknown'
        WHEN s.is_deletion AND a.deleted THEN 'unchanged'
        WHEN s.is_deletion THEN 'deleted'
        WHEN a.pmid IS NULL THEN 'new'
        WHEN EXISTS (SELECT 1 FROM article_versions v
                     WHERE v.pmid = s.pmid AND v.content_hash = s.content_hash) THEN 'unchanged'
        ELSE 'revised'
    END AS outcome
FROM {STAGED_TABLE} s LEFT JOIN articles a ON a.pmid = s.pmid
"""

_STORED_SQL = f"""
FROM {STAGED_TABLE} i JOIN litwatch_outcomes o ON o.pmid = i.pmid
WHERE o.outcome IN ('new', 'revised')
"""
_INSERT_VERSIONS_SQL = f"""
INSERT INTO article_versions (pmid, version, content_hash, record, source, run_id, loaded_at)
SELECT i.pmid, coalesce(o.current_version, 0) + 1, i.content_hash, i.record, $source, $run_id, $now
{_STORED_SQL}
"""

_INSERT_ARTICLES_SQL = f"""
INSERT INTO articles (pmid, version, title, abstract, vernacular_title, journal, journal_iso, pub_date,
    pub_year, pub_date_text, languages, authors, publication_types, mesh_terms, keywords, doi, pmc,
    registry_ids, status, date_revised, entrez_date, is_book, retracted, deleted, content_hash, updated_at)
SELECT i.pmid, coalesce(o.current_version, 0) + 1, i.title, i.abstract, i.vernacular_title, i.journal,
    i.journal_iso, i.pub_date, i.pub_year, i.pub_date_text, i.languages, i.authors, i.publication_types,
    i.mesh_terms, i.keywords, i.doi, i.pmc, i.registry_ids, i.status, i.date_revised, i.entrez_date,
    i.is_book, i.retracted, false, i.content_hash, $now
{_STORED_SQL}
"""

_DELETE_REVISED_SQL = """
DELETE FROM articles WHERE pmid IN (SELECT pmid FROM litwatch_outcomes WHERE outcome = 'revised')
"""

_MARK_DELETED_SQL = """
UPDATE articles SET deleted = true, updated_at = $now
WHERE pmid IN (SELECT pmid FROM litwatch_outcomes WHERE outcome = 'deleted')
"""

_ADD_TOPIC_MEMBERS_SQL = f"""
INSERT INTO topic_articles (topic, pmid, first_seen, source, run_id)
SELECT $topic, i.pmid, $now, $topic_source, $run_id FROM {STAGED_TABLE} i
WHERE NOT i.is_deletion
ON CONFLICT DO NOTHING
"""


@dataclass
class LoadResult:
    """What a load did, per distinct PMID per batch; the PMID lists let harvest/extract re-queue work."""

    records: int = 0
    deletions: int = 0
    unchanged: int = 0
    deletions_unknown: int = 0
    pmids_new: list[int] = field(default_factory=list)
    pmids_revised: list[int] = field(default_factory=list)
    pmids_deleted: list[int] = field(default_factory=list)

    @property
    def new(self) -> int:
        return len(self.pmids_new)

    @property
    def revised(self) -> int:
        return len(self.pmids_revised)

    @property
    def deleted(self) -> int:
        return len(self.pmids_deleted)

    def add(self, other: LoadResult) -> None:
        """Accumulate another batch's or file's result into this one."""
        self.records += other.records
        self.deletions += other.deletions
        self.unchanged += other.unchanged
        self.deletions_unknown += other.deletions_unknown
        self.pmids_new.extend(other.pmids_new)
        self.pmids_revised.extend(other.pmids_revised)
        self.pmids_deleted.extend(other.pmids_deleted)

    def run_counts(self, **detail: int | float | str) -> RunCounts:
        """The counts as `runs` stores them."""
        return RunCounts(
            records_new=self.new,
            records_revised=self.revised,
            records_unchanged=self.unchanged,
            records_deleted=self.deleted,
            detail={
                "records": self.records,
                "deletions": self.deletions,
                "deletions_unknown": self.deletions_unknown,
                **detail,
            },
        )


def load_records(
    con: duckdb.DuckDBPyConnection,
    items: Iterable[PubmedRecord | DeletedRecord],
    *,
    source: str,
    run_id: str,
    topic: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load records and deletions in batches; `source` is the file path, or EUTILS_SOURCE for harvests.

    With `topic`, every record (new, revised or unchanged) joins the topic in `topic_articles` if it
    is not a member yet. `on_batch(n)` is called after each batch with the number of items it held.
    """
    topic_source: TopicSource = "harvest" if source == EUTILS_SOURCE else "import"
    total = LoadResult()
    for batch in _batches(items, batch_size):
        loaded = _load_batch(con, batch, source=source, run_id=run_id, topic=topic, topic_source=topic_source)
        total.add(loaded)
        if on_batch is not None:
            on_batch(len(batch))
    return total


def get_article(con: duckdb.DuckDBPyConnection, pmid: int) -> PubmedRecord | None:
    """The current stored version of a PMID (also when it is marked deleted), or None if never stored."""
    row = con.execute(
        "SELECT v.record FROM articles a "
        "JOIN article_versions v ON v.pmid = a.pmid AND v.version = a.version WHERE a.pmid = ?",
        [pmid],
    ).fetchone()
    return None if row is None else PubmedRecord.model_validate_json(row[0])


def _batches(
    items: Iterable[PubmedRecord | DeletedRecord], size: int
) -> Iterator[list[PubmedRecord | DeletedRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[PubmedRecord | DeletedRecord],
    *,
    source: str,
    run_id: str,
    topic: str | None,
    topic_source: TopicSource,
) -> LoadResult:
    # Last item per PMID wins; dict assignment keeps that deterministic.
    latest = {item.pmid: item for item in batch}
    con.register("litwatch_incoming", _to_arrow(list(latest.values())))
    outcomes = con.sql(_CLASSIFY_SQL).to_arrow_table()
    con.register("litwatch_outcomes", outcomes)
    now = utc_now()
    con.execute(_INSERT_VERSIONS_SQL, {"source": source, "run_id": run_id, "now": now})
    con.execute(_DELETE_REVISED_SQL)
    con.execute(_INSERT_ARTICLES_SQL, {"now": now})
    con.execute(_MARK_DELETED_SQL, {"now": now})
    if topic is not None:
        con.execute(
            _ADD_TOPIC_MEMBERS_SQL,
            {"topic": topic, "now": now, "topic_source": topic_source, "run_id": run_id},
        )
    # Not in a `finally`: after a failed statement DuckDB refuses even this until ROLLBACK, which would
    # hide the real error; the next batch's register() replaces the views anyway.
    con.unregister("litwatch_outcomes")
    con.unregister("litwatch_incoming")
    return _result(batch, outcomes)


def _result(batch: list[PubmedRecord | DeletedRecord], outcomes: pa.Table) -> LoadResult:
    deletions = sum(isinstance(item, DeletedRecord) for item in batch)
    result = LoadResult(records=len(batch) - deletions, deletions=deletions)
    by_outcome: dict[ItemOutcome, list[int]] = {
        "new": result.pmids_new,
        "revised": result.pmids_revised,
        "deleted": result.pmids_deleted,
    }
    for pmid, outcome in zip(outcomes["pmid"].to_pylist(), outcomes["outcome"].to_pylist(), strict=True):
        if outcome == "unchanged":
            result.unchanged += 1
        elif outcome == "deleted_unknown":
            result.deletions_unknown += 1
        else:
            by_outcome[outcome].append(pmid)
    return result


def _to_arrow(items: list[PubmedRecord | DeletedRecord]) -> pa.Table:
    """Column lists built in one pass; deletions carry only pmid and is_deletion."""
    columns: dict[str, list[object]] = {name: [] for name in INCOMING_SCHEMA.names}
    for item in items:
        values = _deletion_values() if isinstance(item, DeletedRecord) else _record_values(item)
        values["pmid"] = item.pmid
        for name, column in columns.items():
            column.append(values[name])
    return pa.table(columns, schema=INCOMING_SCHEMA)


def _deletion_values() -> dict[str, object]:
    values: dict[str, object] = dict.fromkeys(INCOMING_SCHEMA.names)
    values["is_deletion"] = True
    return values


def _record_values(record: PubmedRecord) -> dict[str, object]:
    return {
        "is_deletion": False,
        "content_hash": record.content_hash(),
        "record": record.model_dump_json(),
        "title": record.title,
        "abstract": record.abstract,
        "vernacular_title": record.vernacular_title,
        "journal": record.journal,
        "journal_iso": record.journal_iso,
        "pub_date": record.pub_date,
        "pub_year": record.pub_year,
        "pub_date_text": record.pub_date_text,
        "languages": record.languages,
        "authors": [author.display for author in record.authors],
        "publication_types": record.publication_types,
        "mesh_terms": record.mesh_terms,
        "keywords": record.keywords,
        "doi": record.doi,
        "pmc": record.pmc,
        "registry_ids": [f"{r.databank}:{r.accession}" for r in record.registry_ids],
        "status": record.status,
        "date_revised": record.date_revised,
        "entrez_date": record.entrez_date,
        "is_book": record.is_book,
        "retracted": record.is_retracted,
    }
