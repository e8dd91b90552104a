"""Record mode: forward E-utilities requests to a real endpoint and keep every fetched record.

The local server answers each request with the upstream's reply (status, body, Retry-After); each
successful efetch body is parsed with the project's parser and its records appended to a JSONL corpus,
so a replay corpus can be refreshed wherever there is internet.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from pathlib import Path

import httpx

from litwatch.errors import InputError
from litwatch.pubmed.corpus import write_jsonl
from litwatch.pubmed.eutils_service import Reply
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml


class Recorder:
    """A backend for the local server that proxies to `upstream` and appends efetched records to `out`."""

    def __init__(self, upstream: str, out: Path, *, timeout: float = 60.0) -> None:
        self.upstream = upstream.rstrip("/") + "/"
        self.out = out
        self.recorded = 0
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0))
        self._seen: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    def respond(self, utility: str, params: Mapping[str, str]) -> Reply:
        try:
            upstream = self._client.post(f"{self.upstream}{utility}.fcgi", data=dict(params))
        except httpx.HTTPError as exc:
            return Reply(502, f"Upstream {self.upstream} failed: {exc}".encode(), "text/plain; charset=UTF-8")
        reply = Reply(
            upstream.status_code,
            upstream.content,
            upstream.headers.get("content-type", "text/xml; charset=UTF-8"),
            retry_after=upstream.headers.get("retry-after"),
        )
        if utility == "efetch" and upstream.status_code == 200:
            self._capture(upstream.content)
        return reply

    def _capture(self, body: bytes) -> None:
        try:
            records = [
                item
                for item in iter_pubmed_xml(io.BytesIO(body), name="upstream efetch")
                if isinstance(item, PubmedRecord)
            ]
        except InputError:
            return  # a truncated body is the client's to retry; nothing half-parsed is recorded
        with self._lock:
            fresh = [r for r in records if (r.pmid, r.content_hash()) not in self._seen]
            self._seen.update((r.pmid, r.content_hash()) for r in fresh)
            self.recorded += write_jsonl(self.out, fresh, append=True)

    def close(self) -> None:
        self._client.close()
