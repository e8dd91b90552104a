"""Harvest a topic's new and revised PubMed records into the warehouse, exactly once, resumably.

Window: from the topic's watermark minus `schedule.overlap_days` (or `since`) to `until` (default
today, UTC). A topic's first harvest, with no watermark and no `since`, takes its whole PubMed
history (from 1800), because its evidence summary needs the backlog; over-cap searches are split.

1. New records: the topic query on `edat` over the window.
2. Revisions: the same query on `mdat` over the window, minus the `edat` window already fetched
   (`NOT "start"[EDAT] : "end"[EDAT]`), so nothing is fetched twice; a PMID seen twice is dropped.

Each efetch body is parsed in worker processes into an Arrow batch (`litwatch.parse_worker`) while the
fetch thread (`litwatch.prefetch`) goes on to the next request, so fetching, parsing and loading overlap.
Each batch is loaded in its own transaction through `warehouse.articles.load_batches`, which
versions by content hash: a revised record becomes a new article version (extraction, keyed on
pmid and version, picks it up), and reloading an unchanged record writes nothing. That is why a
killed run, started again, ends with the same warehouse. The last batch, the watermark and the
run's counts are written in one final transaction, only when everything was fetched; a failed run
records its counts and error in `runs` and leaves the watermark where it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb
import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from litwatch.config import Settings
from litwatch.errors import HarvestError, InputError
from litwatch.parse_worker import SubmitParse, efetch_parsers
from litwatch.prefetch import prefetched
from litwatch.pubmed.eutils_client import EutilsClient, RetryPolicy
from litwatch.pubmed.eutils_fetch import MAX_BATCH, DateWindow, HistoryFetcher
from litwatch.pubmed.eutils_responses import PUBMED_MAX_HITS
from litwatch.topics import Topic
from warehouse.articles import EUTILS_SOURCE, LoadResult, load_batches
from warehouse.connection import connect, transaction
from warehouse.harvest_state import Watermark, get_watermark, set_watermark
from warehouse.incoming import IncomingBatch
from warehouse.runs import RunCounts, finish_run, start_run

FIRST_HARVEST_START = date(1800, 1, 1)
PREFETCH_DEPTH = 2  # parsed batches waiting for the loader
HARVEST_CHECKPOINT_THRESHOLD = "4GB"  # no automatic checkpoints: the harvest checkpoints itself
CHECKPOINT_EVERY = 6  # loaded batches

ProgressCallback = Callable[[int, int], None]
"""Called with (records fetched so far, records searched in total)."""


@dataclass(frozen=True)
class HarvestOptions:
    """Knobs that tests, benchmarks and demos turn; the defaults are what NCBI expects."""

    batch_size: int = MAX_BATCH
    max_hits: int = PUBMED_MAX_HITS
    rate: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_seconds: float = 60.0
    transport: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class HarvestSummary:
    """What a harvest did; the same figures are stored in `runs` (see the `harvest_runs` view)."""

    topic: str
    run_id: str
    window: DateWindow
    searched: int
    fetched: int
    new: int
    revised: int
    unchanged: int
    requests: int
    failed_requests: int
    retries: int
    seconds: float

    def line(self) -> str:
        return (
            f"Harvested {self.topic} ({self.window}): {self.searched} found, {self.fetched} fetched, "
            f"{self.new} new, {self.revised} revised, {self.unchanged} unchanged; {self.requests} requests "
            f"({self.failed_requests} failed, {self.retries} retries) in {self.seconds:.1f} s."
        )


def parse_day(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value as a date (None stays None)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"{option} must be a date like 2024-01-31, not {text!r}.") from exc


def harvest_window(watermark: date | None, overlap_days: int, since: date | None, until: date) -> DateWindow:
    """The days to search: `since` if given, else watermark minus overlap, else the whole history."""
    if since is not None:
        start = since
    elif watermark is not None:
        start = watermark - timedelta(days=overlap_days)
    else:
        start = FIRST_HARVEST_START
    if start > until:
        raise InputError(
            f"The harvest would start on {start} after it ends on {until}; check --since/--until."
        )
    return DateWindow(start, until)


def revisions_term(query: str, new_window: DateWindow) -> str:
    """The topic query restricted to records whose Entrez date lies outside the new-records window."""
    start, end = f"{new_window.start:%Y/%m/%d}", f"{new_window.end:%Y/%m/%d}"
    return f'({query}) NOT ("{start}"[EDAT] : "{end}"[EDAT])'


def _unseen(batches: Iterable[IncomingBatch], seen: set[int]) -> Iterator[IncomingBatch]:
    """Batches without PMIDs already yielded (a record in two slices or passes is stored once)."""
    for batch in batches:
        fresh = batch.without(seen)
        seen.update(fresh.pmids)
        yield fresh


class _HarvestRun:
    """One harvest: its connection, client, counters; `execute` does the work, `summary` reports it."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        client: EutilsClient,
        fetcher: HistoryFetcher,
        submit_parse: SubmitParse,
        topic: Topic,
        run_id: str,
    ) -> None:
        self.con, self.client, self.fetcher, self.submit_parse = con, client, fetcher, submit_parse
        self.topic, self.run_id = topic, run_id
        self.loaded = LoadResult()
        self.searched = 0
        self.started = time.monotonic()

    def execute(
        self, new_window: DateWindow, revision_window: DateWindow, progress: ProgressCallback | None
    ) -> None:
        slices = self.fetcher.plan(self.topic.query, "edat", new_window) + self.fetcher.plan(
            revisions_term(self.topic.query, new_window), "mdat", revision_window
        )
        self.searched = sum(s.result.count for s in slices)
        if progress is not None:
            progress(0, self.searched)
        pending: IncomingBatch | None = None
        fetched = self.fetcher.batches(slices, self.submit_parse)
        with prefetched(_unseen(fetched, set()), PREFETCH_DEPTH) as batches:
            for loaded, batch in enumerate(batches):
                if pending is not None:
                    with transaction(self.con):
                        self._load(pending)
                    if loaded % CHECKPOINT_EVERY == 0 and not self.fetcher.all_fetched.is_set():
                        # Fold the write-ahead log into the file while requests are still being made, so
                        # the checkpoint at close, after the last request, has only the last batches.
                        self.con.execute("CHECKPOINT")
                pending = batch
                if progress is not None:
                    progress(self.fetcher.stats.fetched, self.searched)
        with transaction(self.con):
            if pending is not None:
                self._load(pending)
            set_watermark(
                self.con, self.topic.id, Watermark(edat=new_window.end, mdat=revision_window.end), self.run_id
            )
            finish_run(self.con, self.run_id, self.counts(new_window))

    def _load(self, batch: IncomingBatch) -> None:
        self.loaded.add(
            load_batches(self.con, [batch], source=EUTILS_SOURCE, run_id=self.run_id, topic=self.topic.id)
        )

    def counts(self, window: DateWindow) -> RunCounts:
        stats, fetch = self.client.stats, self.fetcher.stats
        return self.loaded.run_counts(
            window_start=window.start.isoformat(),
            window_end=window.end.isoformat(),
            searched=self.searched,
            fetched=fetch.fetched,
            requests=stats.requests,
            failed_requests=stats.failed_requests,
            retries=stats.retries,
            esearch=fetch.esearches,
            efetch=fetch.efetches,
            webenv_renewals=fetch.webenv_renewals,
            slices=fetch.slices,
        )

    def summary(self, window: DateWindow) -> HarvestSummary:
        stats = self.client.stats
        return HarvestSummary(
            topic=self.topic.id,
            run_id=self.run_id,
            window=window,
            searched=self.searched,
            fetched=self.fetcher.stats.fetched,
            new=self.loaded.new,
            revised=self.loaded.revised,
            unchanged=self.loaded.unchanged,
            requests=stats.requests,
            failed_requests=stats.failed_requests,
            retries=stats.retries,
            seconds=time.monotonic() - self.started,
        )


def harvest_topic(
    settings: Settings,
    topic: Topic,
    *,
    since: date | None = None,
    until: date | None = None,
    progress: ProgressCallback | None = None,
    options: HarvestOptions | None = None,
) -> HarvestSummary:
    """Bring the topic's new and revised records into the warehouse; HarvestError if anything is missing."""
    options = options or HarvestOptions()
    until = until or datetime.now(UTC).date()
    client = EutilsClient.from_settings(
        settings,
        transport=options.transport,
        retry=options.retry,
        rate=options.rate,
        timeout=httpx.Timeout(options.timeout_seconds, connect=min(10.0, options.timeout_seconds)),
    )
    # The parse workers start first, so their start-up overlaps the searches.
    with efetch_parsers() as submit_parse, client, connect(settings.db_path) as con:
        # Commits stay durable (DuckDB's write-ahead log); DuckDB's own checkpoint every ~16 MB of log
        # cost more than loading the batches (README "Benchmark"), so `execute` checkpoints instead.
        con.execute(f"SET checkpoint_threshold = '{HARVEST_CHECKPOINT_THRESHOLD}'")
        watermark = get_watermark(con, topic.id)
        overlap = topic.schedule.overlap_days
        new_window = harvest_window(watermark.edat if watermark else None, overlap, since, until)
        revision_window = harvest_window(watermark.mdat if watermark else None, overlap, since, until)
        run_id = start_run(con, "harvest", topic.id)
        run = _HarvestRun(
            con,
            client,
            HistoryFetcher(client, batch_size=options.batch_size, max_hits=options.max_hits),
            submit_parse,
            topic,
            run_id,
        )
        try:
            run.execute(new_window, revision_window, progress)
        except BaseException as exc:
            reason = str(exc) or type(exc).__name__
            finish_run(con, run_id, run.counts(new_window), error=reason)
            if isinstance(exc, HarvestError):
                raise HarvestError(
                    f"Harvest of {topic.id} stopped after {run.fetcher.stats.fetched} of {run.searched} "
                    f"records ({reason.rstrip('.')}); the watermark was not advanced: the next run resumes."
                ) from exc
            raise
        return run.summary(new_window)


@contextmanager
def terminal_progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress bar (records fetched of total, records/s) as a harvest progress callback."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("harvest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records {task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    started = time.monotonic()
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("harvest", total=None, rate="")

        def update(fetched: int, total: int) -> None:
            rate = fetched / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=fetched, total=total, rate=f"({rate:,.0f}/s)")

        yield update
