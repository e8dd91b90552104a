"""Everything a query matches in a date window, fetched in batches from the history server.

PubMed lets a client retrieve only the first 10,000 results of a search, so `plan` bisects the date
window until every slice's count fits, and `batches` efetches each slice from its WebEnv in batches
of at most 500. When the history server has forgotten a WebEnv, the slice is searched again: with
the same count the fetch carries on at the same offset; with a different count (PubMed changed in the
meantime) the slice starts over, and the caller's PMID dedupe drops what it already has.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from litwatch.errors import HarvestError
from litwatch.pubmed.eutils_client import EutilsClient, SearchResult, WebEnvExpired
from litwatch.pubmed.eutils_responses import PUBMED_MAX_HITS
from litwatch.pubmed.records import ParsedItem

DateType = Literal["edat", "mdat", "pdat"]
MAX_BATCH = 500
MAX_RENEWALS_PER_SLICE = 10


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of days, as esearch's mindate/maxdate take it."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def halves(self) -> tuple[DateWindow, DateWindow]:
        middle = self.start + timedelta(days=self.days // 2 - 1)
        return DateWindow(self.start, middle), DateWindow(middle + timedelta(days=1), self.end)

    def __str__(self) -> str:
        return f"{self.start:%Y/%m/%d}-{self.end:%Y/%m/%d}"


@dataclass
class SearchSlice:
    """One date slice whose count fits under the retrieval cap, with its live search result."""

    term: str
    datetype: DateType
    window: DateWindow
    result: SearchResult


@dataclass
class FetchStats:
    esearches: int = 0
    efetches: int = 0
    webenv_renewals: int = 0
    slices: int = 0
    fetched: int = 0


class HistoryFetcher:
    """Plans slices (bisecting over-cap windows) and streams their records in batches."""

    def __init__(self, client: EutilsClient, *, batch_size: int = MAX_BATCH, max_hits: int = PUBMED_MAX_HITS):
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        self.client = client
        self.batch_size = batch_size
        self.max_hits = max_hits
        self.stats = FetchStats()

    def _search(self, term: str, datetype: DateType, window: DateWindow) -> SearchResult:
        self.stats.esearches += 1
        return self.client.esearch(
            term, datetype=datetype, mindate=f"{window.start:%Y/%m/%d}", maxdate=f"{window.end:%Y/%m/%d}"
        )

    def plan(self, term: str, datetype: DateType, window: DateWindow) -> list[SearchSlice]:
        """Slices covering the window, each with at most `max_hits` results (empty ones dropped)."""
        pending = [window]
        slices: list[SearchSlice] = []
        while pending:
            current = pending.pop(0)
            result = self._search(term, datetype, current)
            if result.count <= self.max_hits:
                if result.count:
                    slices.append(SearchSlice(term, datetype, current, result))
                continue
            if current.days == 1:
                raise HarvestError(
                    f"{result.count} records on {current.start} alone exceed PubMed's retrieval limit of "
                    f"{self.max_hits}; narrow the topic's query."
                )
            pending[:0] = current.halves()
        self.stats.slices += len(slices)
        return slices

    def batches(self, search_slice: SearchSlice) -> Iterator[list[ParsedItem]]:
        """The slice's records, `batch_size` at a time, renewing an expired WebEnv as needed."""
        offset, renewals = 0, 0
        while offset < search_slice.result.count:
            size = min(self.batch_size, search_slice.result.count - offset)
            try:
                self.stats.efetches += 1
                items = self.client.efetch(search_slice.result, offset, size)
            except WebEnvExpired:
                renewals += 1
                if renewals > MAX_RENEWALS_PER_SLICE:
                    raise HarvestError(
                        f"The history server lost the search for {search_slice.window} {renewals} times."
                    ) from None
                self.stats.webenv_renewals += 1
                renewed = self._search(search_slice.term, search_slice.datetype, search_slice.window)
                if renewed.count != search_slice.result.count:
                    offset = 0
                search_slice.result = renewed
                continue
            self.stats.fetched += len(items)
            offset += size
            yield items
