"""The fetcher's pipeline: bodies checked cheaply at once, parsed later, and fetched again when the parse
rejects one; against the local E-utilities server on loopback."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date
from pathlib import Path

import pytest

from litwatch.pubmed.eutils_client import EutilsClient, RetryableResponse, checked_efetch_body, parse_efetch
from litwatch.pubmed.eutils_fetch import DateWindow, HistoryFetcher
from litwatch.pubmed.eutils_server import serve_in_thread
from litwatch.pubmed.records import ParsedItem
from litwatch.pubmed.xml_writer import write_pubmed_xml
from tests.harvest_support import UNTIL, corpus_of, magnesium_sleep, sleep_records


def test_a_body_the_parse_rejects_later_is_fetched_again_and_order_is_kept(xml_samples: Path) -> None:
    records = sleep_records(xml_samples, 45)
    submitted: list[bytes] = []

    def submit(body: bytes, expected: int) -> Future[list[ParsedItem]]:
        """Parses in this thread, but rejects the second body once, as a worker finding it malformed would."""
        submitted.append(body)
        parsed: Future[list[ParsedItem]] = Future()
        if len(submitted) == 2:
            parsed.set_exception(RetryableResponse("efetch body is truncated or malformed"))
        else:
            parsed.set_result(parse_efetch(body, expected))
        return parsed

    with (
        serve_in_thread(corpus_of(records)) as server,
        EutilsClient(server.url, email="tests@example.org", rate=10_000.0) as client,
    ):
        fetcher = HistoryFetcher(client, batch_size=20)
        slices = fetcher.plan(magnesium_sleep().query, "edat", DateWindow(date(2025, 1, 1), UNTIL))
        batches = list(fetcher.batches(slices, submit))
    efetches = [r.params["retstart"] for r in server.state.of("efetch")]
    assert [len(batch) for batch in batches] == [20, 20, 5]
    rejected = [item.pmid for item in parse_efetch(submitted[1], 20)]
    assert [item.pmid for item in batches[1]] == rejected  # the refetched batch keeps its place
    pmids = [item.pmid for batch in batches for item in batch]
    assert sorted(pmids) == sorted(record.pmid for record in records)
    assert sorted(efetches) == ["0", "20", "20", "40"]  # the rejected batch, and only it, fetched twice
    assert client.stats.failed_requests == client.stats.retries == 1
    assert fetcher.stats.fetched == 45


def test_cheap_check_rejects_cut_and_short_bodies_and_passes_whole_ones(xml_samples: Path) -> None:
    body = write_pubmed_xml(sleep_records(xml_samples, 5, start=date(2025, 1, 1), days=5))
    assert checked_efetch_body(body, 5) == body
    with pytest.raises(RetryableResponse, match="truncated"):
        checked_efetch_body(body[: len(body) * 9 // 10], 5)
    with pytest.raises(RetryableResponse, match="5 of 6"):
        checked_efetch_body(body, 6)
