"""Storage of per-topic outcome readings (`topic_outcomes`, migration 0004) and the queries on the
`outcomes` view. Rows of an (article version, extractor version) are replaced as a whole, like mentions."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from extractors.models import ArticleExtraction
from warehouse.replace_rows import replace_extraction_rows

_TOPIC_OUTCOMES = pa.schema(
    [
        ("topic", pa.string()),
        ("pmid", pa.int64()),
        ("article_version", pa.int32()),
        ("extractor_version", pa.string()),
        ("section", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("concept", pa.string()),
        ("effect", pa.string()),
        ("direction", pa.string()),
    ]
)


class OutcomeRow(BaseModel):
    """One row of the `outcomes` view."""

    topic: str
    pmid: int
    text: str
    concept: str | None
    direction: str | None
    significant: bool | None
    effect: str
    effect_size: float | None
    effect_kind: str | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_relation: str | None
    sentence: str | None
    section: str
    start_char: int
    end_char: int


def store_topic_outcomes(con: duckdb.DuckDBPyConnection, extractions: Sequence[ArticleExtraction]) -> int:
    """Replace the topic outcome rows of these extractions; returns rows written (inside a transaction)."""
    if not extractions:
        return 0
    rows = pa.Table.from_pylist(
        [
            {
                "topic": o.topic,
                "pmid": e.pmid,
                "article_version": e.article_version,
                "extractor_version": e.extractor_version,
                "section": o.section,
                "start_char": o.start_char,
                "end_char": o.end_char,
                "concept": o.concept,
                "effect": o.effect,
                "direction": o.direction,
            }
            for e in extractions
            for o in e.topic_outcomes
        ],
        schema=_TOPIC_OUTCOMES,
    )
    replace_extraction_rows(con, extractions, [("topic_outcomes", rows)])
    return rows.num_rows


def topic_outcomes(con: duckdb.DuckDBPyConnection, topic: str) -> list[OutcomeRow]:
    """The `outcomes` view for one topic, by PMID and position."""
    cursor = con.execute(
        "SELECT topic, pmid, text, concept, direction, significant, effect, effect_size, effect_kind, "
        "ci_low, ci_high, p_value, p_relation, sentence, section, start_char, end_char "
        "FROM outcomes WHERE topic = ? ORDER BY pmid, section DESC, start_char",
        [topic],
    )
    names = [d[0] for d in cursor.description]
    return [OutcomeRow.model_validate(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
