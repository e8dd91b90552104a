"""Everything a query matches in a date window, fetched in batches from the history server.

PubMed lets a client retrieve only the first 10,000 results of a search, so `plan` bisects the date
window until every slice's count fits, and `batches` efetches each slice from its WebEnv in batches
of at most 500. Bodies are parsed elsewhere (the harvest's parse worker processes) while the next
requests go out, so parsing does not hold up the request slots; a body the full parse rejects is
fetched again. When the history server has forgotten a WebEnv, the slice is searched again: with
the same count the fetch carries on at the same offset; with a different count (PubMed changed in the
meantime) the slice starts over, and the caller's PMID dedupe drops what it already has (if that
happens while re-fetching a rejected body, the run fails and the next run resumes).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, Literal, TypeVar

from litwatch.errors import HarvestError
from litwatch.pubmed.eutils_client import EutilsClient, RetryableResponse, SearchResult, WebEnvExpired
from litwatch.pubmed.eutils_responses import PUBMED_MAX_HITS

DateType = Literal["edat", "mdat", "pdat"]
MAX_BATCH = 500
MAX_RENEWALS_PER_SLICE = 10

Batch = TypeVar("Batch", bound=Sized)
T = TypeVar("T")
IN_FLIGHT = 4  # bodies being parsed at once: keeps two parse workers busy through a slow parse


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
    renewals: int = 0


@dataclass
class FetchStats:
    esearches: int = 0
    efetches: int = 0
    webenv_renewals: int = 0
    slices: int = 0
    fetched: int = 0


class HistoryFetcher:
    """Plans slices (bisecting over-cap windows) and streams their records in batches."""

    def __init__(
        self,
        client: EutilsClient,
        *,
        batch_size: int = MAX_BATCH,
        max_hits: int = PUBMED_MAX_HITS,
        in_flight: int = IN_FLIGHT,
    ):
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        self.client = client
        self.batch_size = batch_size
        self.max_hits = max_hits
        self.in_flight = in_flight
        self.all_fetched = threading.Event()  # set once `batches` has made its last request
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

    def batches(
        self, slices: Iterable[SearchSlice], submit: Callable[[bytes, int], Future[Batch]]
    ) -> Iterator[Batch]:
        """Every slice's records, `batch_size` at a time and in order, renewing an expired WebEnv as needed.

        Each body is checked cheaply (`checked_efetch_body`) and handed to `submit(body, expected)`,
        which parses it elsewhere (a parse worker process), so the next request does not wait for the
        parse; up to `in_flight` bodies are being parsed at once. A body the full parse rejects
        (RetryableResponse) is fetched again, counted as a failed request and a retry. `len()` of a
        batch is its number of records.
        """
        parsing: deque[_Parsing[Batch]] = deque()
        for search_slice in slices:
            for offset, size, body in self._bodies(search_slice):
                parsing.append(_Parsing(search_slice, offset, size, submit(body, size)))
                while parsing and (len(parsing) > self.in_flight or parsing[0].batch.done()):
                    yield self._parsed(parsing.popleft(), submit)
        self.all_fetched.set()
        while parsing:
            yield self._parsed(parsing.popleft(), submit)

    def _bodies(self, search_slice: SearchSlice) -> Iterator[tuple[int, int, bytes]]:
        """(offset, size, body) of each batch of the slice, renewing an expired WebEnv as needed."""
        offset = 0
        while offset < search_slice.result.count:
            size = min(self.batch_size, search_slice.result.count - offset)
            try:
                body = self._efetch(search_slice, offset, size, self.client.efetch_body)
            except _SliceChanged:
                offset = 0
                continue
            yield offset, size, body
            offset += size

    def _parsed(self, parsing: _Parsing[Batch], submit: Callable[[bytes, int], Future[Batch]]) -> Batch:
        """The batch's records; a body the full parse rejects is fetched (and parsed) again."""
        try:
            items = parsing.batch.result()
        except RetryableResponse:
            self.client.count_late_failure()

            def parse_now(body: bytes, expected: int) -> Batch:
                return submit(body, expected).result()

            def fetch_parsed(result: SearchResult, offset: int, size: int) -> Batch:
                return self.client.efetch_as(result, offset, size, parse_now)

            try:
                items = self._efetch(parsing.slice, parsing.offset, parsing.size, fetch_parsed)
            except _SliceChanged:
                raise HarvestError(
                    f"PubMed changed the results for {parsing.slice.window} while a batch was fetched again; "
                    "run the harvest again."
                ) from None
        self.stats.fetched += len(items)
        return items

    def _efetch(
        self,
        search_slice: SearchSlice,
        offset: int,
        size: int,
        fetch: Callable[[SearchResult, int, int], T],
    ) -> T:
        """`fetch(result, offset, size)`, searching again while the history server has lost the search.

        _SliceChanged when the renewed search counts differently (PubMed changed in the meantime):
        offsets then point at other records.
        """
        while True:
            try:
                self.stats.efetches += 1
                return fetch(search_slice.result, offset, size)
            except WebEnvExpired:
                search_slice.renewals += 1
                if search_slice.renewals > MAX_RENEWALS_PER_SLICE:
                    raise HarvestError(
                        f"The history server lost the search for {search_slice.window} "
                        f"{search_slice.renewals} times."
                    ) from None
                self.stats.webenv_renewals += 1
                renewed = self._search(search_slice.term, search_slice.datetype, search_slice.window)
                changed = renewed.count != search_slice.result.count
                search_slice.result = renewed
                if changed:
                    raise _SliceChanged from None


class _SliceChanged(Exception):
    """A renewed search counted differently: the slice must start over at offset 0."""


@dataclass(frozen=True)
class _Parsing(Generic[Batch]):
    """A fetched batch whose body is being parsed."""

    slice: SearchSlice
    offset: int
    size: int
    batch: Future[Batch]
