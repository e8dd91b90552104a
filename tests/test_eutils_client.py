"""The E-utilities client against the local server: identity on every request, rate limit, retries."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from Bio.Entrez import Parser

from litwatch.errors import HarvestError
from litwatch.pubmed.eutils_client import (
    EutilsClient,
    RetryableResponse,
    RetryPolicy,
    parse_efetch,
    parse_esearch,
)
from litwatch.pubmed.eutils_faults import FaultConfig
from litwatch.pubmed.eutils_server import ServerConfig, serve_in_thread
from litwatch.pubmed.rate_limit import RateLimiter
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.xml_writer import write_pubmed_xml
from tests.harvest_support import FAST_RETRY, corpus_of, sleep_records

TERM = "magnesium[tiab] AND sleep[tiab]"


@pytest.fixture
def records(xml_samples: Path) -> list[PubmedRecord]:
    return sleep_records(xml_samples, 25, start=date(2025, 1, 1), days=25)


def test_tool_email_and_api_key_on_every_request(records: list[PubmedRecord]) -> None:
    with (
        serve_in_thread(corpus_of(records)) as server,
        EutilsClient(server.url, email="curator@example.org", api_key="k123", rate=1000) as client,
    ):
        found = client.esearch(TERM)
        client.efetch(found, 0, 10)
        client.efetch(found, 10, 20)
    assert len(server.state.requests) == 3
    for request in server.state.requests:
        assert (request.params["tool"], request.params["email"]) == ("litwatch", "curator@example.org")
        assert request.params["api_key"] == "k123"


class SendTimes(httpx.HTTPTransport):
    """Real HTTP, stamping each request as it leaves the client: on a loaded machine the loopback
    server's own stamps bunch up when its thread is scheduled late, which says nothing of the client."""

    def __init__(self, stamps: list[float]) -> None:
        super().__init__()
        self.stamps = stamps

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.stamps.append(time.monotonic())
        return super().handle_request(request)


def max_in_one_second(times: list[float]) -> int:
    """The most requests within any window [t, t + 1 s)."""
    ordered = sorted(times)
    return max(sum(1 for t in ordered if start <= t < start + 1.0) for start in ordered)


def test_three_requests_per_second_across_threads(records: list[PubmedRecord]) -> None:
    """Two clients in two threads share the process-wide 3 req/s budget (no key)."""
    sent: list[float] = []
    with serve_in_thread(corpus_of(records)) as server:

        def search_four_times() -> None:
            with EutilsClient(server.url, email="a@example.org", transport=SendTimes(sent)) as client:
                for _ in range(4):
                    client.esearch(TERM, usehistory=False)

        threads = [threading.Thread(target=search_four_times) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.state.requests) == len(sent) == 8
    assert max_in_one_second(sent) <= 3


def test_limiter_spaces_async_tasks_too() -> None:
    limiter = RateLimiter(10.0)
    stamps: list[float] = []

    async def task() -> None:
        for _ in range(3):
            await limiter.wait_async()
            stamps.append(time.monotonic())

    async def main() -> None:
        await asyncio.gather(*(task() for _ in range(3)))

    asyncio.run(main())
    gaps = [b - a for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False)]
    assert len(stamps) == 9 and min(gaps) >= 0.08  # slots 0.102 s apart; wake-up jitter is milliseconds


def test_storm_of_faults_is_retried_to_a_complete_answer(records: list[PubmedRecord]) -> None:
    faults = FaultConfig(
        rate_429=0.15, rate_5xx=0.15, rate_reset=0.1, rate_truncate=0.15, retry_after_seconds=0, seed=3
    )
    with (
        serve_in_thread(corpus_of(records), ServerConfig(faults=faults)) as server,
        EutilsClient(server.url, email="a@example.org", rate=1000, retry=FAST_RETRY) as client,
    ):
        found = client.esearch(TERM)
        fetched = [item.pmid for start in range(0, 25, 5) for item in client.efetch(found, start, 5)]
    assert sorted(fetched) == sorted(r.pmid for r in records)
    assert {r.fault for r in server.state.requests} >= {"429", "5xx", "reset", "truncate"}
    assert client.stats.retries == client.stats.failed_requests > 0
    assert client.stats.requests == len(server.state.requests)


def test_retries_are_bounded_then_harvest_error(records: list[PubmedRecord]) -> None:
    policy = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01)
    with (
        serve_in_thread(corpus_of(records), ServerConfig(faults=FaultConfig(rate_5xx=1.0))) as server,
        EutilsClient(server.url, email="a@example.org", rate=1000, retry=policy) as client,
        pytest.raises(HarvestError, match="failed 4 times in a row"),
    ):
        client.esearch(TERM)
    assert len(server.state.requests) == 4


def test_retry_after_is_honoured_over_a_shorter_backoff(records: list[PubmedRecord]) -> None:
    waits: list[float] = []
    faults = FaultConfig(rate_429=0.5, retry_after_seconds=2, seed=1)
    with (
        serve_in_thread(corpus_of(records), ServerConfig(faults=faults)) as server,
        EutilsClient(
            server.url, email="a@example.org", rate=1000, retry=FAST_RETRY, sleep=waits.append
        ) as client,
    ):
        for _ in range(4):
            client.esearch(TERM)
    throttled = sum(1 for r in server.state.requests if r.status == 429)
    assert throttled == len(waits) > 0 and all(wait >= 2.0 for wait in waits)


def test_slow_responses_time_out_and_are_retried(records: list[PubmedRecord]) -> None:
    import httpx

    faults = FaultConfig(rate_slow=0.5, slow_seconds=0.6, seed=2)
    with (
        serve_in_thread(corpus_of(records), ServerConfig(faults=faults)) as server,
        EutilsClient(
            server.url, email="a@example.org", rate=1000, retry=FAST_RETRY, timeout=httpx.Timeout(0.2)
        ) as client,
    ):
        assert [client.esearch(TERM).count for _ in range(3)] == [25, 25, 25]
    assert client.stats.retries >= 1


def test_esearch_is_read_offline_whatever_dtd_the_body_names(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("Bio.Entrez tried to download a DTD")

    monkeypatch.setattr(Parser, "urlopen", no_network)
    body = (
        b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch '
        b'29990101//EN" "https://eutils.example.invalid/dtd/29990101/esearch_v9.dtd">\n<eSearchResult>'
        b"<Count>2</Count><RetMax>2</RetMax><RetStart>0</RetStart><IdList><Id>5</Id><Id>4</Id></IdList>"
        b"<TranslationSet/><QueryTranslation>x[All Fields]</QueryTranslation>"
        b"<WarningList><OutputMessage>No items found.</OutputMessage></WarningList></eSearchResult>"
    )
    result = parse_esearch(body)
    assert (result.count, result.ids, result.warnings) == (2, [5, 4], ["No items found."])


def test_short_or_cut_efetch_bodies_are_retryable(records: list[PubmedRecord]) -> None:
    body = write_pubmed_xml(records[:3])
    assert len(parse_efetch(body, 3)) == 3
    with pytest.raises(RetryableResponse, match="3 of 4"):
        parse_efetch(body, 4)
    with pytest.raises(RetryableResponse, match="truncated"):
        parse_efetch(body[: len(body) // 2], 3)


def test_a_rejected_query_is_a_harvest_error_not_retried(records: list[PubmedRecord]) -> None:
    with (
        serve_in_thread(corpus_of(records)) as server,
        EutilsClient(server.url, email="a@example.org", rate=1000, retry=FAST_RETRY) as client,
        pytest.raises(HarvestError, match=r"PubMed rejected the search: Unmatched '\(' at character 1"),
    ):
        client.esearch("(magnesium AND sleep")
    assert len(server.state.requests) == 1
