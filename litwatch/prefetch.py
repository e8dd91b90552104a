"""Run an iterator ahead in a background thread, so producing the next item overlaps consuming this one.

The harvest uses it to fetch and parse the next efetch batch (network and rate-limit waits, parsing)
while the current batch is loaded into DuckDB. Exceptions of the producer are raised in the consumer,
at the point where the failed item would have arrived; leaving the block early stops the producer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


@contextmanager
def prefetched(items: Iterable[T], depth: int = 1) -> Iterator[Iterator[T]]:
    """Items of `items`, produced up to `depth` ahead by a worker thread."""
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer, which decides
            put(_Failure(error))
            return
        put(_DONE)

    def consume() -> Iterator[T]:
        while True:
            value = ready.get()
            if value is _DONE:
                return
            if isinstance(value, _Failure):
                raise value.error
            yield value  # type: ignore[misc]

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        yield consume()
    finally:
        stop.set()
        worker.join()
