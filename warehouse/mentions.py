"""Extraction storage: which article versions still need the current extractor, and bulk writes of
`extractions`, `mentions` and `topic_relevance` (Arrow tables, replacing what the same extractor
version stored before for the same article version, so a re-run is idempotent)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.models import ArticleExtraction, Mention
from extractors.text import ArticleInput
from warehouse.outcomes import store_topic_outcomes
from warehouse.replace_rows import replace_extraction_rows
from warehouse.runs import utc_now

# Current article versions with no extraction by this extractor version, or with a topic whose
# relevance this extractor version has not assessed yet (a topic that adopted the article later).
_PENDING_SQL = """
SELECT a.pmid, a.version
FROM articles a
WHERE NOT a.deleted
  AND (? IS NULL OR a.pmid IN (SELECT pmid FROM topic_articles WHERE list_contains(?, topic)))
  AND (
    NOT EXISTS (
      SELECT 1 FROM extractions e
      WHERE e.pmid = a.pmid AND e.article_version = a.version AND e.extractor_version = ?)
    OR EXISTS (
      SELECT 1 FROM topic_articles ta
      WHERE ta.pmid = a.pmid AND list_contains(?, ta.topic) AND NOT EXISTS (
        SELECT 1 FROM topic_relevance r
        WHERE r.topic = ta.topic AND r.pmid = a.pmid AND r.article_version = a.version
          AND r.extractor_version = ?))
  )
ORDER BY a.pmid
"""

_ARTICLES_SQL = """
SELECT a.pmid, a.version, a.title, a.abstract, coalesce(a.publication_types, []), coalesce(a.mesh_terms, []),
    json_extract_string(v.record, '$.indexing_method'), coalesce(a.languages, []),
    list(ta.topic ORDER BY ta.topic) FILTER (WHERE ta.topic IS NOT NULL)
FROM articles a
LEFT JOIN article_versions v ON v.pmid = a.pmid AND v.version = a.version
LEFT JOIN topic_articles ta ON ta.pmid = a.pmid
WHERE a.pmid IN (SELECT unnest(?))
GROUP BY ALL
ORDER BY a.pmid
"""


@dataclass(frozen=True)
class PendingArticle:
    """An article version to run through the pipeline, with the topics that hold it."""

    article: ArticleInput
    topics: list[str]


def pending_pmids(
    con: duckdb.DuckDBPyConnection,
    extractor_version: str,
    known_topics: list[str],
    topic_ids: list[str] | None = None,
) -> list[int]:
    """PMIDs whose current version needs this extractor version (optionally only in `topic_ids`)."""
    rows = con.execute(
        _PENDING_SQL, [topic_ids, topic_ids, extractor_version, known_topics, extractor_version]
    ).fetchall()
    return [int(row[0]) for row in rows]


def read_pending(
    con: duckdb.DuckDBPyConnection, pmids: list[int], chunk_size: int = 1_000
) -> Iterator[PendingArticle]:
    """The current versions of `pmids`, read in chunks so memory stays flat."""
    for offset in range(0, len(pmids), chunk_size):
        rows = con.execute(_ARTICLES_SQL, [pmids[offset : offset + chunk_size]]).fetchall()
        for pmid, version, title, abstract, types, mesh, indexing, languages, topics in rows:
            article = ArticleInput(
                pmid=pmid,
                article_version=version,
                title=title or "",
                abstract=abstract or "",
                publication_types=list(types),
                mesh_terms=list(mesh),
                indexing_method=indexing,
                languages=list(languages),
            )
            yield PendingArticle(article, list(topics or []))


_EXTRACTIONS = pa.schema(
    [
        ("pmid", pa.int64()),
        ("article_version", pa.int32()),
        ("extractor_version", pa.string()),
        ("design", pa.string()),
        ("design_source", pa.string()),
        ("sample_size", pa.int32()),
        ("skipped_reason", pa.string()),
        ("extracted_at", pa.timestamp("us")),
    ]
)
_MENTIONS = pa.schema(
    [
        ("pmid", pa.int64()),
        ("article_version", pa.int32()),
        ("kind", pa.string()),
        ("label", pa.string()),
        ("section", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
        ("attrs", pa.string()),
        ("extractor_version", pa.string()),
    ]
)
_RELEVANCE = pa.schema(
    [
        ("topic", pa.string()),
        ("pmid", pa.int64()),
        ("article_version", pa.int32()),
        ("extractor_version", pa.string()),
        ("relevant", pa.bool_()),
        ("reason", pa.string()),
    ]
)


def store_extractions(con: duckdb.DuckDBPyConnection, extractions: Sequence[ArticleExtraction]) -> int:
    """Replace the rows of these (article version, extractor version) pairs; returns mentions written.

    Run inside `warehouse.connection.transaction` so a batch lands whole or not at all."""
    if not extractions:
        return 0
    now = utc_now()
    extraction_rows = pa.Table.from_pylist(
        [
            {
                "pmid": e.pmid,
                "article_version": e.article_version,
                "extractor_version": e.extractor_version,
                "design": e.design,
                "design_source": e.design_source,
                "sample_size": e.sample_size,
                "skipped_reason": e.skipped_reason,
                "extracted_at": now,
            }
            for e in extractions
        ],
        schema=_EXTRACTIONS,
    )
    mention_rows = pa.Table.from_pylist(
        [
            {
                "pmid": e.pmid,
                "article_version": e.article_version,
                "kind": m.kind,
                "label": m.label,
                "section": m.section,
                "start_char": m.start_char,
                "end_char": m.end_char,
                "text": m.text,
                "attrs": _attrs_json(m),
                "extractor_version": e.extractor_version,
            }
            for e in extractions
            for m in e.mentions
        ],
        schema=_MENTIONS,
    )
    relevance_rows = pa.Table.from_pylist(
        [
            {
                "topic": r.topic,
                "pmid": e.pmid,
                "article_version": e.article_version,
                "extractor_version": e.extractor_version,
                "relevant": r.relevant,
                "reason": r.reason,
            }
            for e in extractions
            for r in e.relevance
        ],
        schema=_RELEVANCE,
    )
    replace_extraction_rows(
        con,
        extractions,
        [("extractions", extraction_rows), ("mentions", mention_rows), ("topic_relevance", relevance_rows)],
    )
    store_topic_outcomes(con, extractions)
    return mention_rows.num_rows


def _attrs_json(mention: Mention) -> str | None:
    attrs = mention.dose or mention.population or mention.outcome
    return attrs.model_dump_json() if attrs is not None else None
