"""A local E-utilities server (`esearch.fcgi`, `efetch.fcgi`, `epost.fcgi`) for offline runs and tests.

Standard-library `ThreadingHTTPServer`; GET and POST (form-encoded) alike; any path ending in
`<utility>.fcgi` is served, so `http://127.0.0.1:8765/entrez/eutils/` works as LITWATCH_EUTILS_URL.
Every request is logged (time, utility, parameters, status) so tests can count batches and measure
the request rate at the server. Faults are injected from a seeded `FaultInjector`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from litwatch.errors import InputError
from litwatch.pubmed.corpus import JSONL_SUFFIXES, Corpus, load_corpus
from litwatch.pubmed.eutils_faults import FaultConfig, FaultInjector
from litwatch.pubmed.eutils_recorder import Recorder
from litwatch.pubmed.eutils_service import PUBMED_MAX_HITS, EutilsService, HistoryStore, Reply

UTILITIES = ("esearch", "efetch", "epost")
Backend = Callable[[str, Mapping[str, str]], Reply]


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it; `time` is wall-clock seconds (time.time())."""

    time: float
    utility: str
    params: dict[str, str]
    method: str
    status: int = 0
    fault: str | None = None


@dataclass
class ServerState:
    """What the handler threads share: the backend, the fault injector and the request log."""

    backend: Backend
    injector: FaultInjector
    requests: list[LoggedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.requests.append(entry)

    def of(self, utility: str) -> list[LoggedRequest]:
        with self.lock:
            return [r for r in self.requests if r.utility == utility]


class _EutilsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    state: ServerState


class EutilsRequestHandler(BaseHTTPRequestHandler):
    server: _EutilsHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the request log is `ServerState.requests`, not stderr."""

    def do_GET(self) -> None:
        self._handle(urlsplit(self.path).query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        query = urlsplit(self.path).query
        self._handle(f"{query}&{body}" if query else body)

    def _handle(self, query: str) -> None:
        state = self.server.state
        received = time.time()
        utility = urlsplit(self.path).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".fcgi")
        params = dict(parse_qsl(query, keep_blank_values=True))
        if utility not in UTILITIES:
            reply: Reply | None = Reply(
                404, f"Unknown utility {utility!r}".encode(), "text/plain; charset=UTF-8"
            )
            fault = None
        else:
            decision = state.injector.decide()
            if decision.slow:
                time.sleep(state.injector.config.slow_seconds)
            fault = decision.fault
            reply = self._faulted_reply(fault, decision.cut_fraction, utility, params)
        state.log(LoggedRequest(received, utility, params, self.command, reply.status if reply else 0, fault))
        if reply is None:
            self.close_connection = True  # drop the connection without a response: a reset
            return
        self._send(reply)

    def _faulted_reply(
        self, fault: str | None, cut: float, utility: str, params: dict[str, str]
    ) -> Reply | None:
        state = self.server.state
        if fault == "reset":
            return None
        if fault == "429":
            body = b'{"error":"API rate limit exceeded","count":"4","limit":"3"}'
            retry_after = str(state.injector.config.retry_after_seconds)
            return Reply(429, body, "application/json", retry_after=retry_after)
        if fault == "5xx":
            return Reply(503, b"<html><body>503 Service Temporarily Unavailable</body></html>", "text/html")
        reply = state.backend(utility, params)
        if fault == "truncate":
            return Reply(reply.status, reply.body[: int(len(reply.body) * cut)], reply.content_type)
        return reply

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.retry_after is not None:
                self.send_header("Retry-After", reply.retry_after)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. timed out on a slow response)


@dataclass(frozen=True)
class ServerConfig:
    """How the local server behaves: its result cap, its faults, and record mode (upstream + output)."""

    max_hits: int = PUBMED_MAX_HITS
    faults: FaultConfig = field(default_factory=FaultConfig)
    upstream: str | None = None
    record_to: Path | None = None


def make_backend(corpus: Corpus | None, config: ServerConfig) -> Backend:
    """The service over a corpus, or in record mode a Recorder in front of the upstream."""
    if config.upstream is not None:
        if config.record_to is None:
            raise ValueError("record mode needs a corpus file to write to")
        return Recorder(config.upstream, config.record_to).respond
    history = HistoryStore(
        max_uses=config.faults.webenv_max_uses, ttl_seconds=config.faults.webenv_ttl_seconds
    )
    return EutilsService(corpus or Corpus(), max_hits=config.max_hits, history=history).respond


def create_server(
    corpus: Corpus | None, config: ServerConfig, host: str = "127.0.0.1", port: int = 0
) -> _EutilsHTTPServer:
    server = _EutilsHTTPServer((host, port), EutilsRequestHandler)
    server.state = ServerState(backend=make_backend(corpus, config), injector=FaultInjector(config.faults))
    return server


@dataclass(frozen=True)
class RunningServer:
    """A server running in a background thread; `url` is the base URL to give the client."""

    url: str
    state: ServerState


@contextmanager
def serve_in_thread(corpus: Corpus | None, config: ServerConfig | None = None) -> Iterator[RunningServer]:
    """Serve on a free loopback port for the duration of the block (tests, benchmarks, demos)."""
    server = create_server(corpus, config or ServerConfig())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="eutils-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningServer(url=f"http://{host!s}:{port}/entrez/eutils/", state=server.state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_from_cli(
    corpus_paths: list[Path],
    *,
    faults: FaultConfig,
    max_hits: int,
    host: str,
    port: int,
    upstream: str | None,
    on_ready: Callable[[str], None],
) -> None:
    """Serve in the foreground until Ctrl-C: over the corpus files, or recording `upstream` into one."""
    if upstream is not None:
        if len(corpus_paths) != 1 or not corpus_paths[0].name.endswith(JSONL_SUFFIXES):
            raise InputError("Record mode needs exactly one --corpus file ending in .jsonl or .jsonl.gz.")
        corpus, config = (
            None,
            ServerConfig(max_hits=max_hits, faults=faults, upstream=upstream, record_to=corpus_paths[0]),
        )
    else:
        corpus, config = load_corpus(corpus_paths), ServerConfig(max_hits=max_hits, faults=faults)
    try:
        server = create_server(corpus, config, host, port)
    except OSError as exc:
        raise InputError(f"Cannot listen on {host}:{port} ({exc.strerror}).") from exc
    bound_host, bound_port = server.server_address[:2]
    on_ready(f"http://{bound_host!s}:{bound_port}/entrez/eutils/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
