"""What the local E-utilities server answers: esearch, efetch and epost over a corpus, with a history server.

Pure protocol logic (parameters in, status and XML body out); HTTP, faults and logging live in
`eutils_server`. Behaviour copied from NCBI where harvesting depends on it:

- `db=pubmed` only; anything else gets NCBI's "Invalid db name specified" error.
- esearch: `term`, `retstart`, `retmax` (default 20), `datetype`+`mindate`+`maxdate`, `usehistory=y`
  (with `WebEnv` to add to an existing environment); PMIDs newest first. Like PubMed, only the first
  `max_hits` (10,000) results are retrievable: `retstart` beyond `max_hits - 2` is an error, and so is
  an efetch from the history server past `max_hits`.
- efetch: `id=` list (in the order given, unknown PMIDs skipped) or `WebEnv`+`query_key` with
  `retstart`/`retmax`; `retmode=xml` only. An expired or unknown WebEnv gets "Unable to obtain query".
- epost: `id=` list into a (new or given) WebEnv.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from litwatch.pubmed.corpus import Corpus
from litwatch.pubmed.eutils_responses import (
    PUBMED_MAX_HITS,
    SearchPage,
    epost_body,
    error_body,
    esearch_body,
    esearch_error_body,
)
from litwatch.pubmed.query import DateFilter, Query, QueryError, parse_query, search, translate
from litwatch.pubmed.xml_writer import article_set, article_xml

DEFAULT_RETMAX = 20
SEARCH_CACHE_SIZE = 256  # (term, date window) results kept: a harvest repeats searches on renewal
XML = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = XML
    retry_after: str | None = None


class HistoryExpired(Exception):
    """The WebEnv is unknown, expired after its allowed uses, or older than its time to live."""


@dataclass
class _Environment:
    queries: dict[int, list[int]] = field(default_factory=dict)
    created: float = 0.0
    uses: int = 0


class HistoryStore:
    """WebEnv -> query_key -> PMIDs, expiring after `max_uses` efetches or `ttl_seconds`, if set."""

    def __init__(
        self,
        *,
        max_uses: int | None = None,
        ttl_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_uses = max_uses
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._environments: dict[str, _Environment] = {}
        self._lock = threading.Lock()

    def add(self, webenv: str | None, pmids: list[int]) -> tuple[str, int]:
        """Store a result set; a known, live WebEnv gets the next query_key, otherwise a new WebEnv."""
        with self._lock:
            environment = self._environments.get(webenv or "")
            if webenv is None or environment is None or self._expired(environment):
                webenv = f"MCID_{secrets.token_hex(12)}"
                environment = _Environment(created=self._clock())
                self._environments[webenv] = environment
            query_key = len(environment.queries) + 1
            environment.queries[query_key] = pmids
            return webenv, query_key

    def use(self, webenv: str, query_key: int) -> list[int]:
        """The PMIDs of a stored query, counting one use of the WebEnv."""
        with self._lock:
            environment = self._environments.get(webenv)
            if environment is None or self._expired(environment) or query_key not in environment.queries:
                raise HistoryExpired(f"Unable to obtain query #{query_key}")
            environment.uses += 1
            return environment.queries[query_key]

    def _expired(self, environment: _Environment) -> bool:
        used_up = self.max_uses is not None and environment.uses >= self.max_uses
        too_old = self.ttl_seconds is not None and self._clock() - environment.created > self.ttl_seconds
        return used_up or too_old


def _int(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"Invalid {name}: {value!r} is not a non-negative integer")
    return int(value)


def _ids(params: Mapping[str, str]) -> tuple[list[int], list[str]]:
    """Valid PMIDs and the invalid entries of an `id=` list (comma or whitespace separated)."""
    valid: list[str] = []
    invalid: list[str] = []
    for token in params.get("id", "").replace(",", " ").split():
        (valid if token.isdigit() else invalid).append(token)
    return [int(token) for token in valid], invalid


class EutilsService:
    """The three utilities over one corpus; thread-safe (the history store locks, the corpus is read-only)."""

    def __init__(
        self, corpus: Corpus, *, max_hits: int = PUBMED_MAX_HITS, history: HistoryStore | None = None
    ):
        self.corpus = corpus
        self.max_hits = max_hits
        self.history = history or HistoryStore()
        self._search_cache: dict[tuple[str, DateFilter | None], list[int]] = {}
        self._xml_cache: dict[int, bytes] = {}

    def respond(self, utility: str, params: Mapping[str, str]) -> Reply:
        if params.get("db", "pubmed").lower() != "pubmed":
            return Reply(400, error_body(utility, f"Invalid db name specified: {params['db']}"))
        handler = {"esearch": self.esearch, "efetch": self.efetch, "epost": self.epost}[utility]
        try:
            return handler(params)
        except ValueError as exc:
            return Reply(400, error_body(utility, str(exc)))

    def _search(self, term: str, tree: Query, date_filter: DateFilter | None) -> list[int]:
        """PMIDs matching `tree` (parsed from `term`, the cache key) in the date window."""
        key = (term, date_filter)
        if key not in self._search_cache:
            if len(self._search_cache) >= SEARCH_CACHE_SIZE:
                self._search_cache.clear()
            self._search_cache[key] = search(self.corpus.documents.values(), tree, date_filter)
        return self._search_cache[key]

    def esearch(self, params: Mapping[str, str]) -> Reply:
        term = params.get("term", "").strip()
        if not term:
            return Reply(200, esearch_error_body("Empty term and query_key - nothing todo"))
        retstart, retmax = (
            _int(params, "retstart", 0),
            min(_int(params, "retmax", DEFAULT_RETMAX), self.max_hits),
        )
        if retstart > self.max_hits - 2:
            return Reply(200, esearch_error_body(self.retstart_limit_message()))
        try:
            date_filter = self._date_filter(params)
            tree = parse_query(term)
            pmids = self._search(term, tree, date_filter)
        except QueryError as exc:
            return Reply(200, esearch_error_body(str(exc), field_not_found=exc.field_not_found))
        query_key = webenv = None
        if params.get("usehistory", "").lower() == "y":
            webenv, query_key = self.history.add(params.get("WebEnv"), pmids[: self.max_hits])
        page = SearchPage(
            count=len(pmids),
            retstart=retstart,
            ids=pmids[retstart : min(retstart + retmax, self.max_hits)],
            translation=translate(tree),
            query_key=query_key,
            webenv=webenv,
        )
        return Reply(200, esearch_body(page))

    def retstart_limit_message(self) -> str:
        last = self.max_hits - 2
        return (
            f"Search Backend failed: Exception:\n'retstart' cannot be larger than {last}. For PubMed, "
            f"ESearch can only retrieve the first {last + 1:,} records matching the query. To obtain more "
            f"than {last + 1:,} PubMed records, consider using EDirect that contains additional logic to "
            "batch PubMed search results automatically so that an arbitrary number can be retrieved."
        )

    @staticmethod
    def _date_filter(params: Mapping[str, str]) -> DateFilter | None:
        mindate, maxdate = params.get("mindate", "").strip(), params.get("maxdate", "").strip()
        if not mindate and not maxdate:
            return None
        if not (mindate and maxdate):
            raise QueryError("Both mindate and maxdate are required to limit by date.")
        return DateFilter.from_params(params.get("datetype", "pdat"), mindate, maxdate)

    def efetch(self, params: Mapping[str, str]) -> Reply:
        retmode = params.get("retmode", "xml").lower()
        if retmode != "xml":
            return Reply(
                400, error_body("efetch", f"retmode '{retmode}' is not served here; use retmode=xml")
            )
        pmids, _ = _ids(params)
        if "id" not in params:
            webenv, query_key = params.get("WebEnv", ""), _int(params, "query_key", 0)
            retstart, retmax = _int(params, "retstart", 0), _int(params, "retmax", DEFAULT_RETMAX)
            if retstart >= self.max_hits:
                return Reply(400, error_body("efetch", self.retstart_limit_message()))
            try:
                stored = self.history.use(webenv, query_key)
            except HistoryExpired as exc:
                return Reply(400, error_body("efetch", str(exc)))
            pmids = stored[retstart : retstart + retmax]
        return Reply(200, article_set(self._article(pmid) for pmid in pmids if pmid in self.corpus.documents))

    def _article(self, pmid: int) -> bytes:
        """A record's XML, rendered once: efetch then only joins bytes."""
        if pmid not in self._xml_cache:
            self._xml_cache[pmid] = article_xml(self.corpus.documents[pmid].record)
        return self._xml_cache[pmid]

    def epost(self, params: Mapping[str, str]) -> Reply:
        pmids, invalid = _ids(params)
        if not pmids:
            return Reply(400, error_body("epost", "Empty ID list; Nothing to store"))
        webenv, query_key = self.history.add(params.get("WebEnv"), pmids)
        return Reply(200, epost_body(query_key, webenv, invalid))
