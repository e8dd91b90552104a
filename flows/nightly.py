"""The nightly Prefect flows: per topic harvest -> extract -> summarise and diff -> report -> digest.

Orchestration only: every task calls one plain function of the library and logs what it did in
numbers. What Prefect adds is declared here, on the tasks:

- retries, only for what can pass (network trouble, a warehouse locked by another process); a
  user mistake (bad topic, bad query) fails at once;
- one E-utilities limit however many topics or processes run: the harvest task carries the tag
  `eutils`, and the tag's concurrency limit (1, created on first use) lets one harvest talk to
  NCBI at a time; inside it the client's process-wide limiter keeps to 3 (or 10) requests/s;
- caching where it is safe: a topic file is parsed once per content, a run's report rendered once;
- artifacts: the report as markdown, the run's flags as a table.

A topic runs under its lock (`litwatch.topic_lock`), so a second run of the same topic refuses
clearly; `nightly` runs every topic and a failing topic does not stop the others.
Settings come from the environment (LITWATCH_*), never from flow parameters, so no secret shows
up in the Prefect UI.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from contextlib import suppress
from datetime import date, timedelta
from functools import cache
from typing import Any

import httpx
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.context import TaskRunContext
from prefect.exceptions import ObjectNotFound
from prefect.states import State
from spacy.language import Language

from flows.results import NightlyResult, NightlyRunFailed, ReportFiles, TopicFailure, TopicNight
from litwatch.config import Settings
from litwatch.digest.models import DigestResult
from litwatch.digest.send import send_digest
from litwatch.errors import DigestError, HarvestError, SearchRejectedError, WarehouseLockedError
from litwatch.evidence.commands import produce_reports
from litwatch.evidence.diff import describe_flag
from litwatch.evidence.service import SummaryResult, summarise_topic
from litwatch.extraction import ExtractSummary, extract_articles
from litwatch.harvest import HarvestSummary, harvest_topic
from litwatch.topic_lock import topic_lock
from litwatch.topics import Topic, get_topic, load_topics
from warehouse import nightly as figures
from warehouse.connection import connect
from warehouse.runs import RunCounts, finish_run, start_run

EUTILS_TAG = "eutils"
EUTILS_CONCURRENCY = 1
TRANSIENT_ERRORS = (HarvestError, WarehouseLockedError, httpx.TransportError)


def _transient(task: Any, task_run: Any, state: State[Any]) -> bool:
    """Retry what can pass by itself (network trouble, a warehouse locked by another process) only.

    A harvest error caused by PubMed rejecting the query is the curator's to fix, so it is not retried."""
    error = state.result(raise_on_failure=False)
    causes = []
    while isinstance(error, BaseException):
        causes.append(error)
        error = error.__cause__
    if not causes or any(isinstance(cause, SearchRejectedError) for cause in causes):
        return False
    return isinstance(causes[0], TRANSIENT_ERRORS)


def _topic_file_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Cache key of a topic file: its id and content, so an edited file is read again."""
    settings: Settings = parameters["settings"]
    path = settings.topics_dir / f"{parameters['topic_id']}.yaml"
    content = path.read_bytes() if path.exists() else b""
    return f"topic-{parameters['topic_id']}-{hashlib.sha256(content).hexdigest()}"


def _report_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """A run's report is rendered once: its snapshot is stored and does not change afterwards."""
    settings: Settings = parameters["settings"]
    return f"report-{parameters['topic'].id}-{parameters['run_id']}-{settings.reports_dir.resolve()}"


@cache
def _pipeline() -> Language:
    """The extraction pipeline, loaded once per process however many topics and nights run."""
    from extractors.pipeline import load_pipeline

    return load_pipeline()


@task(name="load-topic", cache_key_fn=_topic_file_key, cache_expiration=timedelta(days=1))
def load_topic(settings: Settings, topic_id: str) -> Topic:
    return get_topic(settings.topics_dir, topic_id)


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(settings: Settings, topic: Topic) -> str:
    """Record the run; earlier runs of the topic left `running` by a killed process are closed as failed."""
    with connect(settings.db_path) as con:
        interrupted = figures.close_interrupted_runs(con, topic.id)
        run_id = start_run(con, "nightly", topic.id)
    if interrupted:
        get_run_logger().warning(f"{interrupted} interrupted nightly run(s) of {topic.id} closed as failed.")
    return run_id


@task(
    name="harvest",
    tags=[EUTILS_TAG],
    retries=2,
    retry_delay_seconds=[60, 300],
    retry_jitter_factor=0.5,
    retry_condition_fn=_transient,
    cache_policy=NO_CACHE,
)
def harvest(settings: Settings, topic: Topic, until: date | None) -> HarvestSummary:
    summary = harvest_topic(settings, topic, until=until)
    get_run_logger().info(summary.line())
    return summary


@task(name="extract", retries=2, retry_delay_seconds=30, retry_condition_fn=_transient, cache_policy=NO_CACHE)
def extract(settings: Settings, topic: Topic) -> ExtractSummary:
    summary = extract_articles(settings, [topic.id], n_process=1, nlp=_pipeline())
    get_run_logger().info(summary.line())
    return summary


@task(name="summarise-and-diff", retries=2, retry_delay_seconds=30, retry_condition_fn=_transient,
      cache_policy=NO_CACHE)
def summarise(settings: Settings, topic: Topic, run_id: str) -> SummaryResult:
    """Store the run's summary snapshot and the flags of its diff against the previous one."""
    with connect(settings.db_path) as con:
        result = summarise_topic(con, topic, run_id)
    get_run_logger().info(result.line())
    rows = [
        {"pmid": f.pmid, "reason": f.reason, "outcome": f.outcome or "", "why": describe_flag(f)}
        for f in result.flags
    ]
    create_table_artifact(
        key=f"{topic.id}-flags",
        table=rows or [{"pmid": "", "reason": "", "outcome": "", "why": "no study changed the summary"}],
        description=f"Flags raised by run {run_id} of {topic.id}: {len(rows)}.",
    )
    return result


@task(name="report", cache_key_fn=_report_key, retries=1, retry_delay_seconds=30,
      retry_condition_fn=_transient)
def report(settings: Settings, topic: Topic, run_id: str) -> ReportFiles:
    """Write the report (md, html, json) whole, and publish the markdown as an artifact."""
    base = settings.reports_dir / topic.id
    files = ReportFiles(md_path=base.with_suffix(".md"), html_path=base.with_suffix(".html"),
                        json_path=base.with_suffix(".json"))
    texts = produce_reports(
        settings, topic.id, {"md": files.md_path, "html": files.html_path, "json": files.json_path}
    )
    markdown = texts["md"]
    create_markdown_artifact(key=f"{topic.id}-report", markdown=markdown,
                             description=f"Evidence report of {topic.id} after run {run_id}.")
    get_run_logger().info(
        f"Report of {topic.id} written to {files.md_path} and {files.html_path} ({len(markdown)} chars)."
    )
    return files


# No task retries: an undelivered digest stays recorded in `digests` and the next run re-sends it.
@task(name="digest", retries=0, cache_policy=NO_CACHE)
def digest(settings: Settings, topic: Topic, run_id: str, dry_run: bool) -> DigestResult:
    """Send the run's digest (or write it to the outbox); an undelivered one fails the task."""
    with connect(settings.db_path) as con:
        result = send_digest(settings, con, topic, run_id, dry_run)
    record = result.record
    where = f" to {record.eml_path}" if record.eml_path else ""
    get_run_logger().info(
        f"Digest of {topic.id}: {record.status}{where}, {record.n_flagged} flagged and {record.n_new} new "
        f"paper(s); {len(result.retried)} earlier digest(s) retried."
    )
    if record.status == "failed":
        raise DigestError(f"The digest of {topic.id} for run {run_id} was not delivered ({record.error}).")
    return result


@task(name="close-run", cache_policy=NO_CACHE)
def close_run(settings: Settings, run_id: str, counts: RunCounts, error: str | None) -> None:
    with connect(settings.db_path) as con:
        finish_run(con, run_id, counts, error=error)


def _topic_night(settings: Settings, topic: Topic, run_id: str, harvested: HarvestSummary,
                 extracted: ExtractSummary, summary: SummaryResult, files: ReportFiles,
                 sent: DigestResult) -> TopicNight:
    with connect(settings.db_path) as con:
        relevant = figures.relevant_studies(con, topic.id)
        new_relevant = figures.new_relevant_studies(con, topic.id, harvested.run_id)
    return TopicNight(
        topic=topic.id, run_id=run_id, searched=harvested.searched, new=harvested.new,
        revised=harvested.revised, extracted=extracted.extracted, new_relevant=new_relevant,
        relevant=relevant, flags=len(summary.flags),
        flag_reasons=dict(Counter(f.reason for f in summary.flags)),
        verdicts={o.name: o.verdict.label for o in summary.summary.outcomes}, reports=files,
        digest_status=sent.record.status, digest_path=sent.record.eml_path,
    )


def _counts(night: TopicNight) -> RunCounts:
    return RunCounts(
        records_new=night.new, records_revised=night.revised,
        detail={"searched": night.searched, "extracted": night.extracted, "new_relevant": night.new_relevant,
                "relevant": night.relevant, "flags": night.flags, "digest": night.digest_status},
    )


@flow(name="nightly-topic", log_prints=True)
def nightly_topic(topic_id: str, until: date | None = None, dry_run: bool = False,
                  lock_wait_seconds: float = 0.0) -> TopicNight:
    """One topic's night: harvest, extract, summarise and diff, report, digest; recorded in `runs`."""
    settings = Settings.from_env()
    topic = load_topic(settings, topic_id)
    with topic_lock(settings.db_path, topic.id, wait_seconds=lock_wait_seconds):
        run_id = open_run(settings, topic)
        try:
            harvested = harvest(settings, topic, until)
            extracted = extract(settings, topic)
            summary = summarise(settings, topic, run_id)
            files = report(settings, topic, run_id)
            sent = digest(settings, topic, run_id, dry_run)
            night = _topic_night(settings, topic, run_id, harvested, extracted, summary, files, sent)
        except BaseException as exc:
            close_run(settings, run_id, RunCounts(), str(exc) or type(exc).__name__)
            raise
        close_run(settings, run_id, _counts(night), None)
    get_run_logger().info(night.line())
    return night


def release_stale_eutils_slots() -> None:
    """Free `eutils` slots held by dead processes; only for a temporary local API, which runs no
    lease-expiry service (a Prefect server frees a dead worker's slot when its 60 s lease lapses)."""
    with get_client(sync_client=True) as client, suppress(ObjectNotFound):
        client.reset_concurrency_limit_by_tag(EUTILS_TAG)  # revokes the leases, keeps the slot count
        freed = GlobalConcurrencyLimitUpdate(active_slots=0)
        client.update_global_concurrency_limit(f"tag:{EUTILS_TAG}", freed)


def ensure_eutils_limit() -> None:
    """Create the `eutils` tag concurrency limit when the Prefect server lacks it (idempotent)."""
    with get_client(sync_client=True) as client:
        try:
            client.read_concurrency_limit_by_tag(EUTILS_TAG)
        except ObjectNotFound:
            client.create_concurrency_limit(tag=EUTILS_TAG, concurrency_limit=EUTILS_CONCURRENCY)


def _failure_reason(state: State[Any]) -> str:
    """The failed topic's error as one line (database errors can span several)."""
    error = state.result(raise_on_failure=False)
    text = str(error) if isinstance(error, BaseException) else (state.message or "")
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


@flow(name="nightly", log_prints=True)
def nightly(topics: list[str] | None = None, until: date | None = None, dry_run: bool = False,
            lock_wait_seconds: float = 0.0) -> NightlyResult:
    """Every topic (or the given ones) in turn; a failing topic is reported and the others still run.

    Fails at the end, naming each failed topic and why, if any failed."""
    settings = Settings.from_env()
    topic_ids = topics or [t.id for t in load_topics(settings.topics_dir)]
    ensure_eutils_limit()
    nights: list[TopicNight] = []
    failures: list[TopicFailure] = []
    for topic_id in topic_ids:
        state = nightly_topic(topic_id, until, dry_run, lock_wait_seconds, return_state=True)
        if state.is_completed():
            nights.append(state.result())
        else:
            failures.append(TopicFailure(topic=topic_id, error=_failure_reason(state)))
    result = NightlyResult(nights=nights, failures=failures)
    get_run_logger().info(result.message())
    if failures:
        raise NightlyRunFailed(result)
    return result
