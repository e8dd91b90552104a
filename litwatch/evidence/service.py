"""The evidence steps a command or the nightly flow calls: summarise (snapshot + diff), report, flags.

Each opens nothing itself: it takes a warehouse connection, reads through `warehouse.evidence`, and
hands typed inputs to the plain functions in this package.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
from pydantic import BaseModel, ConfigDict

from extractors.terms import intervention_pattern
from litwatch.errors import WarehouseError
from litwatch.evidence.diff import Flag, diff_summaries
from litwatch.evidence.models import TopicSummary
from litwatch.evidence.report import Report, build_report
from litwatch.evidence.summary import build_topic_summary
from litwatch.topics import Topic
from warehouse import evidence as store
from warehouse.connection import transaction
from warehouse.runs import utc_now


class SummaryResult(BaseModel):
    """What one summarise step stored: the new snapshot, the run it was compared with, the flags."""

    model_config = ConfigDict(frozen=True)

    topic: str
    run_id: str
    previous_created_at: datetime | None
    summary: TopicSummary
    flags: list[Flag]
    awaiting_extraction: int = 0

    def line(self) -> str:
        """One summary line for the terminal and flow logs."""
        verdicts = ", ".join(f"{o.name}: {o.verdict.label}" for o in self.summary.outcomes) or "no outcomes"
        waiting = (
            f" {self.awaiting_extraction} article(s) await extraction, left out (run `litwatch extract`)."
            if self.awaiting_extraction
            else ""
        )
        return f"{self.topic} / {self.run_id}: {verdicts}; {len(self.flags)} flag(s).{waiting}"


def summarise_topic(
    con: duckdb.DuckDBPyConnection, topic: Topic, run_id: str, *, now: datetime | None = None
) -> SummaryResult:
    """Summarise the topic, diff against its last snapshot, store snapshot and flags in one transaction."""
    studies = store.load_study_evidence(con, topic.id, intervention=intervention_pattern(topic))
    summary = build_topic_summary(topic, studies, now or utc_now())
    previous = store.last_summary(con, topic.id, before_run=run_id)
    flags = diff_summaries(previous, summary, run_id)
    with transaction(con):
        store.store_summary(con, summary, run_id)
        store.store_flags(con, topic.id, run_id, flags, summary.created_at)
    return SummaryResult(
        topic=topic.id,
        run_id=run_id,
        previous_created_at=previous.created_at if previous else None,
        summary=summary,
        flags=flags,
        awaiting_extraction=store.count_awaiting_extraction(con, topic.id),
    )


def topic_report(con: duckdb.DuckDBPyConnection, topic: Topic, *, now: datetime | None = None) -> Report:
    """The topic's report from the warehouse as it is now (read-only: nothing is stored)."""
    generated_at = now or utc_now()
    studies = store.load_study_evidence(con, topic.id, intervention=intervention_pattern(topic))
    summary = build_topic_summary(topic, studies, generated_at)
    return build_report(
        topic,
        studies,
        summary,
        articles_screened=store.count_topic_articles(con, topic.id),
        generated_at=generated_at,
    )


def topic_flags(con: duckdb.DuckDBPyConnection, topic: str, run_id: str | None = None) -> list[Flag]:
    """The flags of one run, by default the topic's latest summarised run."""
    run = run_id or store.latest_summary_run(con, topic)
    if run is None:
        raise WarehouseError(f"Topic '{topic}' has not been summarised yet; run `litwatch summarise` first.")
    return store.load_flags(con, topic, run)
