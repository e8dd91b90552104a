"""A polite E-utilities client: esearch and efetch with rate limiting, bounded retries and strict parsing.

- `tool` and `email` go on every request, `api_key` when set; requests draw from the process-wide
  limiter for 3 req/s (10 req/s with a key).
- 429, 5xx, timeouts, connection errors and truncated bodies (XML that does not parse, or fewer
  records than asked for) are retried with exponential backoff and jitter, never sooner than the
  server's Retry-After, up to `RetryPolicy.max_attempts`; then HarvestError.
- esearch bodies are read with `Bio.Entrez.read` against the DTDs Biopython ships (the DOCTYPE is
  pinned to NCBI's esearch DTD first, so Biopython never goes to the network for another one);
  efetch bodies go through the project's streaming PubMed parser.
- An expired WebEnv raises WebEnvExpired, for the caller to search again.
"""

from __future__ import annotations

import io
import random
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import certifi
import httpx
from Bio import Entrez

from litwatch.config import Settings
from litwatch.errors import HarvestError, InputError, SearchRejectedError
from litwatch.pubmed.eutils_responses import ESEARCH_DOCTYPE
from litwatch.pubmed.rate_limit import shared_limiter
from litwatch.pubmed.records import ParsedItem
from litwatch.pubmed.xml_parser import iter_pubmed_xml

TOOL = "litwatch"
RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0
EXPIRED_HISTORY = re.compile(
    rb"Unable to obtain query|WebEnv .*(expired|invalid)|Cannot retrieve query", re.I
)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>", re.S)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_ERROR_TEXT = re.compile(rb"<ERROR>(.*?)</ERROR>", re.S)
_RECORD_START = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")
_ARTICLE_SET_END = re.compile(rb"</PubmedArticleSet>\s*$")

T = TypeVar("T")


class WebEnvExpired(Exception):
    """The history server no longer holds the WebEnv/query_key: search again and carry on."""


class RetryableResponse(Exception):
    """A response worth another attempt (rate limited, server error, cut short); carries Retry-After."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per request and the backoff between them: base * 2^(n-1), capped, times jitter 0.5-1."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0


@dataclass
class ClientStats:
    """Counters a harvest reports: every HTTP attempt, the failed ones, and the retries made."""

    requests: int = 0
    failed_requests: int = 0
    retries: int = 0


@dataclass(frozen=True)
class SearchResult:
    """An esearch answer: the total count and, with usehistory, the WebEnv/query_key holding the PMIDs."""

    count: int
    webenv: str | None
    query_key: int | None
    ids: list[int]
    translation: str
    warnings: list[str]


@cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: building one loads the CA bundle, which takes most of a second."""
    return ssl.create_default_context(cafile=certifi.where())


def _error_message(body: bytes) -> str:
    match = _ERROR_TEXT.search(body)
    text = match.group(1) if match else body[:200]
    return " ".join(text.decode("utf-8", errors="replace").split())


def _raise_if_expired(body: bytes) -> None:
    """WebEnvExpired when the body says the history server no longer holds the search."""
    if EXPIRED_HISTORY.search(body[:2000]):
        raise WebEnvExpired(_error_message(body))


def _pinned_doctype(body: bytes) -> bytes:
    """The esearch body with NCBI's esearch DOCTYPE, whose DTD Biopython ships (no network lookup)."""
    doctype = ESEARCH_DOCTYPE.encode()
    if _DOCTYPE.search(body):
        return _DOCTYPE.sub(doctype, body, count=1)
    declaration = _XML_DECLARATION.match(body)
    cut = declaration.end() if declaration else 0
    return body[:cut] + doctype + body[cut:]


def parse_esearch(body: bytes) -> SearchResult:
    """An eSearchResult as SearchResult; NCBI's ERROR or FieldNotFound becomes HarvestError."""
    try:
        parsed: Any = Entrez.read(io.BytesIO(_pinned_doctype(body)), ignore_errors=True)
    except Exception as exc:  # Biopython raises several types for a body that is cut short
        raise RetryableResponse(f"esearch body is not a complete eSearchResult ({exc})") from exc
    if "ERROR" in parsed:
        raise SearchRejectedError(f"PubMed rejected the search: {' '.join(str(parsed['ERROR']).split())}.")
    error_list = parsed.get("ErrorList") or {}
    if error_list.get("FieldNotFound"):
        fields = ", ".join(error_list["FieldNotFound"])
        raise SearchRejectedError(f"PubMed does not know the field(s) {fields}.")
    if "Count" not in parsed:
        raise RetryableResponse("esearch body has no Count")
    warnings = parsed.get("WarningList") or {}
    return SearchResult(
        count=int(parsed["Count"]),
        webenv=parsed.get("WebEnv"),
        query_key=int(parsed["QueryKey"]) if parsed.get("QueryKey") else None,
        ids=[int(pmid) for pmid in parsed.get("IdList", [])],
        translation=str(parsed.get("QueryTranslation", "")),
        warnings=[str(message) for values in warnings.values() for message in values],
    )


def parse_efetch(body: bytes, expected: int) -> list[ParsedItem]:
    """The records of an efetch batch; a body that does not parse or holds too few is retryable."""
    _raise_if_expired(body)
    try:
        items = list(iter_pubmed_xml(io.BytesIO(body), name="efetch response"))
    except InputError as exc:
        raise RetryableResponse(f"efetch body is truncated or malformed ({exc})") from exc
    if len(items) < expected:
        raise RetryableResponse(f"efetch returned {len(items)} of {expected} records")
    return items


def checked_efetch_body(body: bytes, expected: int) -> bytes:
    """The body of an efetch batch that looks whole, checked without parsing it (milliseconds).

    A body cut short (no closing tag) or with fewer record elements than expected is retryable at
    once; `parse_efetch`, run later in a parse worker, is the full check.
    """
    _raise_if_expired(body)
    if expected and not _ARTICLE_SET_END.search(body[-200:]):
        raise RetryableResponse("efetch body is truncated (no closing </PubmedArticleSet>)")
    found = len(_RECORD_START.findall(body))
    if found < expected:
        raise RetryableResponse(f"efetch returned {found} of {expected} records")
    return body


class EutilsClient:
    """esearch/efetch against one E-utilities base URL; `transport` and `rate` are seams for tests."""

    def __init__(
        self,
        base_url: str,
        *,
        email: str,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        rate: float | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.identity = {"tool": TOOL, "email": email, **({"api_key": api_key} if api_key else {})}
        self.retry = retry or RetryPolicy()
        self.limiter = shared_limiter(rate or (RATE_WITH_KEY if api_key else RATE_WITHOUT_KEY))
        self.stats = ClientStats()
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._http = httpx.Client(
            transport=transport,
            verify=_ssl_context(),
            timeout=timeout or httpx.Timeout(60.0, connect=10.0),
            follow_redirects=True,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> EutilsClient:
        return cls(settings.eutils_url, email=settings.ncbi_email, api_key=settings.ncbi_api_key, **options)

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def esearch(
        self,
        term: str,
        *,
        datetype: str | None = None,
        mindate: str | None = None,
        maxdate: str | None = None,
        usehistory: bool = True,
        retmax: int = 0,
    ) -> SearchResult:
        params: dict[str, str | int] = {"db": "pubmed", "term": term, "retmax": retmax}
        if usehistory:
            params["usehistory"] = "y"
        if datetype and mindate and maxdate:
            params.update(datetype=datetype, mindate=mindate, maxdate=maxdate)
        return self._call("esearch", params, parse_esearch)

    def efetch(self, search: SearchResult, retstart: int, retmax: int) -> list[ParsedItem]:
        """One batch from the history server; at least `min(retmax, count - retstart)` records or a retry."""
        return self.efetch_as(search, retstart, retmax, parse_efetch)

    def efetch_body(self, search: SearchResult, retstart: int, retmax: int) -> bytes:
        """The raw body of one batch, retried until `checked_efetch_body` accepts it (parse it later)."""
        return self.efetch_as(search, retstart, retmax, checked_efetch_body)

    def count_late_failure(self) -> None:
        """A body accepted at first but rejected by the full parse later: a failure; its refetch a retry."""
        self.stats.failed_requests += 1
        self.stats.retries += 1

    def efetch_as(
        self, search: SearchResult, retstart: int, retmax: int, parse: Callable[[bytes, int], T]
    ) -> T:
        """`efetch` with the body read by `parse(body, expected_records)`, e.g. in a parse worker process.

        `parse` must raise RetryableResponse for a truncated body or too few records, as `parse_efetch`.
        """
        if search.webenv is None or search.query_key is None:
            raise ValueError("efetch from history needs an esearch made with usehistory")
        params: dict[str, str | int] = {
            "db": "pubmed",
            "WebEnv": search.webenv,
            "query_key": search.query_key,
            "retstart": retstart,
            "retmax": retmax,
            "retmode": "xml",
        }
        expected = max(0, min(retmax, search.count - retstart))
        return self._call("efetch", params, lambda body: parse(body, expected))

    def _call(self, utility: str, params: dict[str, str | int], parse: Callable[[bytes], T]) -> T:
        url = f"{self.base_url}{utility}.fcgi"
        payload = {**params, **self.identity}
        last_reason = ""
        for attempt in range(1, self.retry.max_attempts + 1):
            self.limiter.wait()
            self.stats.requests += 1
            try:
                return parse(self._checked(self._http.post(url, data=payload)))
            except RetryableResponse as exc:
                last_reason, retry_after = str(exc), exc.retry_after
            except httpx.TransportError as exc:  # timeouts and connection errors alike
                last_reason, retry_after = f"{type(exc).__name__}: {exc}", 0.0
            self.stats.failed_requests += 1
            if attempt == self.retry.max_attempts:
                break
            self.stats.retries += 1
            self._sleep(max(self._backoff(attempt), retry_after))
        raise HarvestError(
            f"E-utilities {utility} failed {self.retry.max_attempts} times in a row (last: {last_reason})."
        )

    def _checked(self, response: httpx.Response) -> bytes:
        """The body of a usable response; retryable statuses and a lost history are raised."""
        status = response.status_code
        if status == 429 or status >= 500:
            raise RetryableResponse(f"HTTP {status}", _retry_after(response.headers.get("retry-after")))
        if status >= 400:
            _raise_if_expired(response.content)
            raise HarvestError(
                f"E-utilities refused the request (HTTP {status}): {_error_message(response.content)}."
            )
        return response.content

    def _backoff(self, attempt: int) -> float:
        delay = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        return delay * self._rng.uniform(0.5, 1.0)


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds form; an HTTP date falls back to 0)."""
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
