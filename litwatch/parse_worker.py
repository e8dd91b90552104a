"""Parse efetch bodies in worker processes, so a harvest's parsing runs beside its fetching and loading.

Parsing a batch of 500 records (libxml2 plus the parser's Python rules, and building the staging batch)
costs more CPU than one request slot at 3 req/s lasts, so it runs in `PARSE_WORKERS` processes started
with the harvest, off the fetch thread's path: `submit(body, expected)` returns at once with a Future
of the records as one Arrow batch of the staging schema (`warehouse.incoming`), or of the
RetryableResponse / WebEnvExpired that `parse_efetch` raised, so the fetcher can fetch the batch again.

Imports are not parsed this way: measured (bench/bench_load.py, README), a file worker made an import
slower, because the publish that follows the parse cannot overlap it and a worker's start-up and the
batches' trip between processes cost more than the staging it overlapped.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

import pyarrow as pa

from litwatch.errors import HarvestError
from litwatch.pubmed.eutils_client import parse_efetch
from warehouse.incoming import IncomingBatch, items_to_table

PARSE_WORKERS = 2  # the machines this runs on have 2+ cores; more workers would only queue for them
# spawn, not fork: the harvest holds a DuckDB connection and threads, which a forked child must not inherit.
_CONTEXT = multiprocessing.get_context("spawn")

PARENT_POLL_SECONDS = 0.5

SubmitParse = Callable[[bytes, int], "Future[IncomingBatch]"]


@contextmanager
def efetch_parsers(workers: int = PARSE_WORKERS) -> Iterator[SubmitParse]:
    """`submit(body, expected)`: `parse_efetch` run in a worker process; a Future of one Arrow batch."""
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_CONTEXT, initializer=_exit_with_parent, initargs=(os.getpid(),)
    )
    for _ in range(workers):
        pool.submit(int)  # start the workers now, so their start-up overlaps the searches

    def submit(body: bytes, expected: int) -> Future[IncomingBatch]:
        batch: Future[IncomingBatch] = Future()
        try:
            parsing = pool.submit(_parse_table, body, expected)
        except BrokenProcessPool:
            batch.set_exception(_worker_died())
            return batch
        parsing.add_done_callback(lambda done: _settle(done, batch))
        return batch

    try:
        yield submit
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _settle(parsing: Future[pa.Table], batch: Future[IncomingBatch]) -> None:
    if parsing.cancelled():  # the harvest is shutting down
        batch.cancel()
        return
    error = parsing.exception()
    if isinstance(error, BrokenProcessPool):
        batch.set_exception(_worker_died())
    elif error is not None:  # RetryableResponse, WebEnvExpired: the fetcher decides
        batch.set_exception(error)
    else:
        batch.set_result(IncomingBatch(parsing.result()))


def _worker_died() -> HarvestError:
    return HarvestError("An efetch parse worker process exited unexpectedly.")


def _exit_with_parent(parent: int) -> None:
    """Worker start-up: leave when the harvest process is gone (killed, say), instead of lingering.

    Each worker holds both ends of the pool's call queue, so a dead harvest never gives it end-of-file.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit with the harvest", daemon=True).start()


def _parse_table(body: bytes, expected: int) -> pa.Table:
    """Worker process: one efetch body as a staging table (pickled back as Arrow buffers)."""
    return items_to_table(parse_efetch(body, expected), first_seq=0)
