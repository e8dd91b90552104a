"""Run the extraction pipeline over every stored article version the current extractor has not seen
(or whose topics it has not assessed) and store the results; `litwatch extract` and the nightly flow
call `extract_articles`.

Bad input never stops the run: articles with no text, or text longer than MAX_CHARS, get an
extraction row with `skipped_reason`; a batch whose processing raises is retried one article at a
time and an article that still fails is recorded as skipped with the error's name.

With `n_process > 1`, batches go to forked worker processes that inherit the loaded pipeline and
return finished `ArticleExtraction`s: only the small inputs and results are pickled, never spaCy Docs
(which made `nlp.pipe(n_process=2)` slower than one process). Results come back in input order.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from pydantic import BaseModel
from spacy.language import Language
from spacy.tokens import Doc

from extractors.mentions import to_extraction
from extractors.models import ArticleExtraction, TopicRelevance
from extractors.outcome_mapping import map_mentions
from extractors.pipeline import extractor_version, load_pipeline
from extractors.relevance import assess_relevance
from extractors.text import ArticleInput, make_article_doc
from litwatch.config import Settings
from litwatch.errors import ExtractionError, TopicError
from litwatch.topics import Topic, load_topics
from warehouse.connection import connect, transaction
from warehouse.mentions import PendingArticle, pending_pmids, read_pending, store_extractions
from warehouse.runs import RunCounts, finish_run, start_run

MAX_CHARS = 100_000
BATCH_SIZE = 256


class ExtractSummary(BaseModel):
    """What one extraction run did."""

    run_id: str
    extractor_version: str
    articles: int = 0
    extracted: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    relevant: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"Extracted {self.extracted} article(s) with {self.extractor_version} in {self.seconds:.1f}s: "
            f"{self.mentions} mentions, {self.relevant} relevant topic assignment(s), "
            f"{self.skipped} skipped, {self.failed} failed (run {self.run_id})."
        )


def skip_reason(article: ArticleInput) -> str | None:
    """Why an article is not run through the pipeline, or None."""
    if not article.title.strip() and not article.abstract.strip():
        return "no title or abstract"
    if len(article.title) + len(article.abstract) > MAX_CHARS:
        return f"text longer than {MAX_CHARS} characters"
    return None


@dataclass
class ExtractionJob:
    """One pending article version and the topics to assess it for (pickled to worker processes)."""

    pending: PendingArticle
    topics: list[Topic]


def extract_articles(
    settings: Settings,
    topic_ids: list[str] | None = None,
    n_process: int = 1,
    progress: Callable[[int, int], None] | None = None,
    nlp: Language | None = None,
) -> ExtractSummary:
    """Extract every pending article version (optionally only those of `topic_ids`) and store it.

    `progress(done, total)` is called after each stored batch."""
    topics = {t.id: t for t in load_topics(settings.topics_dir)}
    for topic_id in topic_ids or []:
        if topic_id not in topics:
            known = ", ".join(sorted(topics)) or "none"
            raise TopicError(f"Unknown topic '{topic_id}' (known topics: {known}).")
    nlp = nlp or load_pipeline()
    version = extractor_version()
    started = time.perf_counter()
    with connect(settings.db_path) as con:
        run_id = start_run(con, "extract", topic=",".join(topic_ids) if topic_ids else None)
        summary = ExtractSummary(run_id=run_id, extractor_version=version)
        pmids = pending_pmids(con, version, sorted(topics), topic_ids)
        try:
            pending = read_pending(con, pmids)
            jobs = (ExtractionJob(p, [topics[t] for t in p.topics if t in topics]) for p in pending)
            for extractions in extract_batches(nlp, version, batched(jobs, BATCH_SIZE), n_process):
                with transaction(con):
                    summary.mentions += store_extractions(con, extractions)
                _count(summary, extractions)
                if progress is not None:
                    progress(summary.articles, len(pmids))
        except BaseException as exc:
            finish_run(con, run_id, _run_counts(summary), error=f"{type(exc).__name__}: {exc}")
            raise
        summary.seconds = time.perf_counter() - started
        finish_run(con, run_id, _run_counts(summary))
    return summary


def batched(items: Iterable[ExtractionJob], size: int) -> Iterator[list[ExtractionJob]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_batches(
    nlp: Language, version: str, batches: Iterable[list[ExtractionJob]], n_process: int = 1
) -> Iterator[list[ArticleExtraction]]:
    """The extractions of each batch, in input order: in this process, or in `n_process` workers."""
    # gc.freeze: the collector then skips the loaded pipeline's objects (vocab, lexicons, weights) on
    # every full collection, here and in forked workers, where touching them would also copy their pages.
    gc.freeze()
    try:
        if n_process == 1:
            for batch in batches:
                yield extract_batch(nlp, version, batch)
        else:
            yield from _extract_in_workers(nlp, version, batches, n_process)
    finally:
        gc.unfreeze()


# The worker process's pipeline and extractor version, set once by `_init_worker`.
_worker_pipeline: list[tuple[Language, str]] = []


def _init_worker(nlp: Language, version: str) -> None:
    _worker_pipeline.append((nlp, version))


def _extract_in_worker(batch: list[ExtractionJob]) -> list[ArticleExtraction]:
    nlp, version = _worker_pipeline[0]
    return extract_batch(nlp, version, batch)


def _extract_in_workers(
    nlp: Language, version: str, batches: Iterable[list[ExtractionJob]], n_process: int
) -> Iterator[list[ArticleExtraction]]:
    # fork: workers inherit the loaded pipeline as is (no reload, no pickling of the Language), frozen
    # for the collector by `extract_batches`.
    executor = ProcessPoolExecutor(
        n_process,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(nlp, version),
    )
    in_flight: deque[Future[list[ArticleExtraction]]] = deque()
    try:
        for batch in batches:
            in_flight.append(executor.submit(_extract_in_worker, batch))
            # Read ahead only a little, so memory stays bounded on a large backlog.
            if len(in_flight) > 2 * n_process:
                yield _worker_result(in_flight.popleft())
        while in_flight:
            yield _worker_result(in_flight.popleft())
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _worker_result(future: Future[list[ArticleExtraction]]) -> list[ArticleExtraction]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise ExtractionError(
            "An extraction worker process died (killed, out of memory or crashed); the batches stored "
            "before it are kept, so re-run `litwatch extract`, with a smaller --n-process if memory is short."
        ) from exc


def extract_batch(nlp: Language, version: str, batch: list[ExtractionJob]) -> list[ArticleExtraction]:
    """One batch's extractions in input order (the per-batch work of both the in-process and worker paths)."""
    results: dict[int, ArticleExtraction] = {}
    runnable: list[ExtractionJob] = []
    for job in batch:
        reason = skip_reason(job.pending.article)
        if reason is None:
            runnable.append(job)
        else:
            results[job.pending.article.pmid] = _skipped(job, version, reason)
    try:
        docs = nlp.pipe(
            (make_article_doc(nlp, job.pending.article) for job in runnable),
            batch_size=BATCH_SIZE // 4,
        )
        for job, doc in zip(runnable, docs, strict=True):
            results[job.pending.article.pmid] = _result(doc, job, version)
    except Exception:
        # One bad article must not sink the batch: redo it one article at a time in this process.
        for job in runnable:
            results[job.pending.article.pmid] = _extract_one(nlp, job, version)
    return [results[job.pending.article.pmid] for job in batch]


def _extract_one(nlp: Language, job: ExtractionJob, version: str) -> ArticleExtraction:
    try:
        return _result(nlp(make_article_doc(nlp, job.pending.article)), job, version)
    except Exception as exc:
        return _skipped(job, version, f"extraction failed: {type(exc).__name__}")


def _result(doc: Doc, job: ExtractionJob, version: str) -> ArticleExtraction:
    extraction = to_extraction(doc, job.pending.article, version)
    extraction.relevance = [assess_relevance(doc, topic) for topic in job.topics]
    abbreviations = doc._.abbreviations or []
    extraction.topic_outcomes = [
        o for t in job.topics for o in map_mentions(extraction.mentions, abbreviations, t)
    ]
    return extraction


def _skipped(job: ExtractionJob, version: str, reason: str) -> ArticleExtraction:
    return ArticleExtraction(
        pmid=job.pending.article.pmid,
        article_version=job.pending.article.article_version,
        extractor_version=version,
        skipped_reason=reason,
        relevance=[
            TopicRelevance(topic=t.id, relevant=False, reason=f"not extracted: {reason}") for t in job.topics
        ],
    )


def _count(summary: ExtractSummary, extractions: list[ArticleExtraction]) -> None:
    for extraction in extractions:
        summary.articles += 1
        if extraction.skipped_reason is None:
            summary.extracted += 1
        elif extraction.skipped_reason.startswith("extraction failed"):
            summary.failed += 1
        else:
            summary.skipped += 1
        summary.relevant += sum(r.relevant for r in extraction.relevance)


def _run_counts(summary: ExtractSummary) -> RunCounts:
    return RunCounts(
        records_new=summary.extracted,
        records_unchanged=summary.skipped,
        records_failed=summary.failed,
        detail={
            "mentions": summary.mentions,
            "relevant": summary.relevant,
            "extractor_version": summary.extractor_version,
        },
    )
