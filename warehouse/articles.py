"""Bulk-load parsed PubMed records into `articles`, `article_versions` and `topic_articles`.

Two steps, never row by row: `stage_batches` appends Arrow batches of parsed items (built by
`warehouse.incoming`, for a harvest in its parse worker process) to a TEMP staging table of this
connection; `publish_staged` then applies all of them with a handful of set-based `INSERT ... SELECT`
statements. Rules per PMID (only the LAST staged item per PMID counts,
so the outcome is deterministic and independent of the batch size):

- unknown PMID -> `new`: version 1 in `article_versions`, a row in `articles`;
- content hash equal to ANY stored version -> `unchanged`: nothing written, so re-importing a file,
  or an older file after a newer one, changes nothing (a deleted article stays deleted);
- other content -> `revised`: version n+1 in `article_versions`, the `articles` row replaced
  (`deleted` back to false: PubMed re-issued the record);
- DeleteCitation of a stored PMID -> `deleted`: `articles.deleted = true`, every version kept;
  of an already deleted PMID -> `unchanged`; of an unknown PMID -> counted in `deletions_unknown`
  and nothing stored (update files delete PMIDs from all of PubMed; tombstones for articles we never
  held would only bloat the warehouse).

`load_records` does both steps; run it inside `warehouse.connection.transaction` for all-or-nothing
loads. `warehouse.imports.load_file` stages outside and publishes inside one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import duckdb

from litwatch.pubmed.records import PubmedRecord
from warehouse.incoming import DEFAULT_BATCH_SIZE, INCOMING_SCHEMA, Incoming, IncomingBatch, incoming_batches
from warehouse.runs import RunCounts, utc_now

EUTILS_SOURCE = "eutils"
"""`source` of harvested records; any other source is a file path and counts as an import."""

TopicSource = Literal["import", "harvest"]

ItemOutcome = Literal["new", "revised", "unchanged", "deleted", "deleted_unknown"]

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

# The `articles` columns read from the stored JSON in one parse per record (DuckDB's C++, not Python):
# the same values as PubmedRecord's fields, `Author.display` and `PubmedRecord.is_retracted`.
_RECORD_SHAPE = json.dumps(
    {
        **dict.fromkeys(
            (
                "title",
                "abstract",
                "vernacular_title",
                "journal",
                "journal_iso",
                "pub_date_text",
                "doi",
                "pmc",
                "status",
            ),
            "VARCHAR",
        ),
        **dict.fromkeys(("pub_date", "date_revised", "entrez_date"), "DATE"),
        "pub_year": "INTEGER",
        "is_book": "BOOLEAN",
        **{key: ["VARCHAR"] for key in ("languages", "publication_types", "mesh_terms", "keywords")},
        "authors": [{"last_name": "VARCHAR", "initials": "VARCHAR", "collective_name": "VARCHAR"}],
        "registry_ids": [{"databank": "VARCHAR", "accession": "VARCHAR"}],
        "comments_corrections": [{"ref_type": "VARCHAR"}],
    }
)
_INSERT_ARTICLES_SQL = f"""
INSERT INTO articles (pmid, version, title, abstract, vernacular_title, journal, journal_iso, pub_date,
    pub_year, pub_date_text, languages, authors, publication_types, mesh_terms, keywords, doi, pmc,
    registry_ids, status, date_revised, entrez_date, is_book, retracted, deleted, content_hash, updated_at)
SELECT pmid, version, r.title, r.abstract, r.vernacular_title, r.journal, r.journal_iso, r.pub_date,
    r.pub_year, r.pub_date_text, r.languages,
    list_transform(r.authors, lambda a: CASE WHEN coalesce(a.collective_name, '') <> '' THEN a.collective_name
        ELSE concat_ws(' ', nullif(a.last_name, ''), nullif(a.initials, '')) END),
    r.publication_types, r.mesh_terms, r.keywords, r.doi, r.pmc,
    list_transform(r.registry_ids, lambda x: x.databank || ':' || x.accession),
    r.status, r.date_revised, r.entrez_date, r.is_book,
    list_contains(r.publication_types, 'Retracted Publication') OR
        list_bool_or(list_transform(r.comments_corrections, lambda c: c.ref_type = 'RetractionIn')) IS TRUE,
    false, content_hash, $now
FROM (
    SELECT i.pmid, coalesce(o.current_version, 0) + 1 AS version, i.content_hash,
        json_transform(i.record, '{_RECORD_SHAPE}') AS r
    {_STORED_SQL}
)
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


@dataclass(frozen=True)
class Staged:
    """What `stage_batches` put in the staging table, before it is published."""

    records: int
    deletions: int


def load_records(
    con: duckdb.DuckDBPyConnection,
    items: Iterable[Incoming],
    *,
    source: str,
    run_id: str,
    topic: str | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Stage then publish `items`; `source` is the file path, or EUTILS_SOURCE for harvests.

    Run it inside `transaction()` so the publish is all-or-nothing; for large files use
    `warehouse.imports.load_file`, which stages outside the transaction to keep memory flat.
    """
    batches = incoming_batches(items, batch_size)
    return load_batches(con, batches, source=source, run_id=run_id, topic=topic, on_batch=on_batch)


def load_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[IncomingBatch],
    *,
    source: str,
    run_id: str,
    topic: str | None,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """`load_records` for items already converted to Arrow batches (e.g. by a parse worker process)."""
    staged = stage_batches(con, batches, on_batch=on_batch)
    result = publish_staged(con, staged, source=source, run_id=run_id, topic=topic)
    drop_staged(con)
    return result


def stage_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Iterable[IncomingBatch],
    *,
    on_batch: Callable[[int], None] | None = None,
) -> Staged:
    """Append Arrow batches (`warehouse.incoming`) to a fresh TEMP staging table, one at a time.

    The staging table belongs to this connection only and never touches the warehouse's tables, so a
    parse error part-way leaves them untouched; DuckDB may spill it to its temp directory, so memory
    stays flat however large the input. `on_batch(n)` is called after each batch of n items.
    """
    con.register("litwatch_incoming", INCOMING_SCHEMA.empty_table())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED_TABLE} AS SELECT * FROM litwatch_incoming")
    items = deletions = 0
    for batch in batches:
        con.register("litwatch_incoming", batch.table)
        con.execute(f"INSERT INTO {STAGED_TABLE} SELECT * FROM litwatch_incoming")
        items += len(batch)
        deletions += batch.deletions
        if on_batch is not None:
            on_batch(len(batch))
    con.unregister("litwatch_incoming")
    return Staged(records=items - deletions, deletions=deletions)


def publish_staged(
    con: duckdb.DuckDBPyConnection, staged: Staged, *, source: str, run_id: str, topic: str | None
) -> LoadResult:
    """Apply the staged items to articles, article_versions and topic_articles with set-based SQL.

    Each statement covers the whole staged input, so DuckDB writes large loads to disk as it goes
    instead of holding them in memory until commit.
    """
    topic_source: TopicSource = "harvest" if source == EUTILS_SOURCE else "import"
    now = utc_now()
    con.execute(_KEEP_LAST_SQL)
    con.execute(_CLASSIFY_SQL)
    con.execute(_INSERT_VERSIONS_SQL, {"source": source, "run_id": run_id, "now": now})
    con.execute(_DELETE_REVISED_SQL)
    con.execute(_INSERT_ARTICLES_SQL, {"now": now})
    con.execute(_MARK_DELETED_SQL, {"now": now})
    if topic is not None:
        members = {"topic": topic, "now": now, "topic_source": topic_source, "run_id": run_id}
        con.execute(_ADD_TOPIC_MEMBERS_SQL, members)
    outcomes = con.execute("SELECT pmid, outcome FROM litwatch_outcomes ORDER BY pmid").fetchall()
    con.execute("DROP TABLE litwatch_outcomes")
    return _result(staged, outcomes)


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Free the staging table (also after a failure; the connection must not be mid-failed-transaction)."""
    con.execute(f"DROP TABLE IF EXISTS {STAGED_TABLE}")


def get_article(con: duckdb.DuckDBPyConnection, pmid: int) -> PubmedRecord | None:
    """The current stored version of a PMID (also when it is marked deleted), or None if never stored."""
    row = con.execute(
        "SELECT v.record FROM articles a "
        "JOIN article_versions v ON v.pmid = a.pmid AND v.version = a.version WHERE a.pmid = ?",
        [pmid],
    ).fetchone()
    return None if row is None else PubmedRecord.model_validate_json(row[0])


def _result(staged: Staged, outcomes: list[tuple[int, ItemOutcome]]) -> LoadResult:
    result = LoadResult(records=staged.records, deletions=staged.deletions)
    by_outcome: dict[ItemOutcome, list[int]] = {
        "new": result.pmids_new,
        "revised": result.pmids_revised,
        "deleted": result.pmids_deleted,
    }
    for pmid, outcome in outcomes:
        if outcome == "unchanged":
            result.unchanged += 1
        elif outcome == "deleted_unknown":
            result.deletions_unknown += 1
        else:
            by_outcome[outcome].append(pmid)
    return result
