"""The harvest's efetch parse workers return what in-process parsing returns, and raise what it raises."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from litwatch.errors import HarvestError
from litwatch.parse_worker import efetch_parsers
from litwatch.pubmed.eutils_client import RetryableResponse, WebEnvExpired, parse_efetch
from litwatch.pubmed.xml_writer import write_pubmed_xml
from tests.harvest_support import sleep_records
from warehouse.incoming import items_to_table


def test_efetch_workers_match_parse_efetch_and_raise_what_it_raises(xml_samples: Path) -> None:
    records = sleep_records(xml_samples, 5, start=date(2025, 1, 1), days=5)
    body = write_pubmed_xml(records)
    with efetch_parsers(workers=2) as submit:
        pending = [submit(body, 5), submit(body, 6), submit(body[: len(body) // 2], 5)]
        expired = submit(b"<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>", 5)
        batch = pending[0].result()
        assert batch.table.equals(items_to_table(parse_efetch(body, 5), first_seq=0))
        assert batch.pmids == [record.pmid for record in records]
        with pytest.raises(RetryableResponse, match="5 of 6"):
            pending[1].result()
        with pytest.raises(RetryableResponse, match="truncated"):
            pending[2].result()
        with pytest.raises(WebEnvExpired):
            expired.result()
        assert len(submit(body, 5).result()) == 5  # still serving after the errors
    assert multiprocessing.active_children() == []  # the workers end with the block


def test_a_dead_worker_is_a_harvest_error(xml_samples: Path) -> None:
    body = write_pubmed_xml(sleep_records(xml_samples, 2, start=date(2025, 1, 1), days=2))
    with efetch_parsers(workers=2) as submit:
        submit(body, 2).result()
        worker = multiprocessing.active_children()[0]
        worker.kill()
        worker.join()
        with pytest.raises(HarvestError, match="exited unexpectedly"):
            for _ in range(3):  # the pool notices the death on its next task at the latest
                submit(body, 2).result()
