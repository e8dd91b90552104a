"""The harvest's fetch-ahead thread: order kept, bounded lead, producer errors raised in the consumer."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from litwatch.errors import HarvestError
from litwatch.prefetch import prefetched


class _Tracked:
    """A producer that records how far it ever ran ahead of the consumer."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count, self.fail_at = count, fail_at
        self.consumed = 0
        self.max_lead = 0
        self.produced = 0

    def items(self) -> Iterator[int]:
        for index in range(self.count):
            if index == self.fail_at:
                raise HarvestError("E-utilities efetch failed 6 times in a row (last: HTTP 503).")
            self.max_lead = max(self.max_lead, index - self.consumed)
            self.produced += 1
            yield index


def _prefetch_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "prefetch"]


@pytest.mark.parametrize("depth", [1, 2])
def test_items_arrive_in_order_and_the_producer_stays_at_most_depth_ahead(depth: int) -> None:
    source = _Tracked(50)
    received: list[int] = []
    with prefetched(source.items(), depth=depth) as items:
        for item in items:
            received.append(item)
            source.consumed += 1
    assert received == list(range(50))
    # Queue holds `depth`; one more may be handed over but not yet counted by the consumer.
    assert source.max_lead <= depth + 1
    assert not _prefetch_threads()


def test_a_producer_error_arrives_with_its_sentence_after_the_items_before_it() -> None:
    source = _Tracked(10, fail_at=4)
    received: list[int] = []
    sentence = r"^E-utilities efetch failed 6 times in a row \(last: HTTP 503\)\.$"
    with pytest.raises(HarvestError, match=sentence), prefetched(source.items()) as items:
        for item in items:
            received.append(item)
    assert received == [0, 1, 2, 3]
    assert not _prefetch_threads()


def test_leaving_early_stops_the_producer() -> None:
    source = _Tracked(1_000)
    with prefetched(source.items()) as items:
        assert next(items) == 0
    assert not _prefetch_threads()
    assert source.produced <= 4
