"""Harvest benchmark: requests made vs the minimum, wall time vs the rate-limit floor, clean and faulty.

    uv run python -m bench.bench_harvest --records 20000

Builds `--records` synthetic records from the real samples (litwatch.pubmed.synthetic; Entrez dates
spread over 2025, so the search exceeds PubMed's 10,000-result cap and must be split), serves them
from the local E-utilities server on loopback (every record's XML pre-rendered and the harvest's
searches run once beforehand, as a real server's work is not what is measured) and harvests topic
magnesium-sleep into a fresh warehouse at the real rate limit (3 req/s, no API key):
- minimum requests = the esearches the plan needs (cap splits included) + sum over slices of
  ceil(slice count / 500) efetches; redundant = made - minimum;
- floor = requests made / allowed rate: no client can be faster without breaking NCBI's limit.
The faulty case injects `--fault-rate` (default 5%) of faults: 429 (Retry-After 1 s), 503, dropped
connections and truncated bodies in equal shares, seeded.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.corpus import sample_files
from litwatch.config import Settings
from litwatch.harvest import HarvestOptions, harvest_topic, revisions_term
from litwatch.pubmed.corpus import Corpus
from litwatch.pubmed.eutils_client import EutilsClient
from litwatch.pubmed.eutils_faults import FaultConfig
from litwatch.pubmed.eutils_fetch import DateWindow, HistoryFetcher
from litwatch.pubmed.eutils_server import LoggedRequest, ServerConfig, serve_in_thread
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.synthetic import synthetic_records
from litwatch.pubmed.xml_parser import iter_pubmed_xml
from litwatch.topics import Topic, get_topic

REPO = Path(__file__).resolve().parents[1]
SINCE, UNTIL = date(2025, 1, 1), date(2025, 12, 31)
UNLIMITED = 1_000_000.0


@dataclass(frozen=True)
class Case:
    name: str
    records: int
    requests: int
    minimum: int
    esearch: int
    efetch: int
    failed: int
    retries: int
    seconds: float
    cpu_seconds: float  # this process (harvest and the local server) plus the parse worker
    floor: float


def templates() -> list[PubmedRecord]:
    items = (item for path in sample_files() for item in iter_pubmed_xml(path))
    return [item for item in items if isinstance(item, PubmedRecord)]


def build_corpus(count: int) -> Corpus:
    corpus = Corpus()
    corpus.add(
        synthetic_records(
            templates(), count, start=date(2025, 1, 1), days=365, title_prefix="Magnesium and sleep: "
        )
    )
    return corpus


def run_case(name: str, corpus: Corpus, faults: FaultConfig, rate: float, workdir: Path) -> Case:
    settings = Settings.from_env({"LITWATCH_DB": str(workdir / f"{name}.duckdb")})
    topic = get_topic(REPO / "topics", "magnesium-sleep")
    with serve_in_thread(corpus, ServerConfig(faults=faults)) as server:
        server.state.backend("efetch", {"id": ",".join(map(str, corpus.documents))})  # pre-render the XML
        warm_searches(server.url, topic)
        server.state.requests.clear()
        started, cpu_started = time.monotonic(), _cpu_seconds()
        summary = harvest_topic(
            dataclasses.replace(settings, eutils_url=server.url),
            topic,
            since=SINCE,
            until=UNTIL,
            options=HarvestOptions(rate=rate),
        )
        seconds, cpu_seconds = time.monotonic() - started, _cpu_seconds() - cpu_started
    requests = server.state.requests
    searches = [r for r in requests if r.utility == "esearch" and r.status == 200 and r.fault is None]
    # The slices actually fetched are the searches whose count fits under the cap; each needs ceil(n/500).
    slice_counts = [n for n in _counts(searches, corpus) if 0 < n <= 10_000]
    minimum = len(searches) + sum(math.ceil(n / 500) for n in slice_counts)
    return Case(
        name,
        summary.fetched,
        len(requests),
        minimum,
        len(searches),
        sum(1 for r in requests if r.utility == "efetch"),
        summary.failed_requests,
        summary.retries,
        seconds,
        cpu_seconds,
        len(requests) / rate,
    )


def warm_searches(url: str, topic: Topic) -> None:
    """Run the harvest's searches once, so the local server answers them from its cache when timed.

    The server evaluates a query over the whole corpus in Python, in this process (about 1 s per search
    for 20,000 records, on the harvest's critical path and cores); that is the fake server's work, not
    the client's, like the XML rendering done beforehand.
    """
    window = DateWindow(SINCE, UNTIL)
    with EutilsClient(url, email="bench@example.org", rate=UNLIMITED) as client:
        fetcher = HistoryFetcher(client)
        fetcher.plan(topic.query, "edat", window)
        fetcher.plan(revisions_term(topic.query, window), "mdat", window)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the harvest's parse worker)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _counts(searches: list[LoggedRequest], corpus: Corpus) -> list[int]:
    from litwatch.pubmed.query import DateFilter, search

    return [
        len(
            search(
                corpus.documents.values(),
                r.params["term"],
                DateFilter.from_params(r.params["datetype"], r.params["mindate"], r.params["maxdate"]),
            )
        )
        for r in searches
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=3.0, help="allowed requests/s (3 without an API key)")
    parser.add_argument("--fault-rate", type=float, default=0.05)
    args = parser.parse_args()
    console = Console()
    console.print(f"building {args.records:,} synthetic records ...")
    corpus = build_corpus(args.records)
    share = args.fault_rate / 4
    faulty = FaultConfig(
        rate_429=share, rate_5xx=share, rate_reset=share, rate_truncate=share, retry_after_seconds=1, seed=1
    )
    # The unlimited case shows the processing-bound time (parse + load) with the limiter out of the way.
    cases = [
        ("clean", FaultConfig(), args.rate),
        (f"{args.fault_rate:.0%} faults", faulty, args.rate),
        ("clean, no rate limit", FaultConfig(), UNLIMITED),
    ]
    table = Table(
        "case",
        "records",
        "requests",
        "minimum",
        "extra",
        "esearch",
        "efetch",
        "failed",
        "retries",
        "wall s",
        "CPU s",
        "floor s",
        "wall/floor",
        title="litwatch harvest from the local server",
    )
    with tempfile.TemporaryDirectory() as workdir:
        for index, (name, faults, rate) in enumerate(cases):
            case = run_case(f"case{index}", corpus, faults, rate, Path(workdir))
            limited = rate != UNLIMITED
            table.add_row(
                name,
                f"{case.records:,}",
                str(case.requests),
                str(case.minimum),
                str(case.requests - case.minimum - case.retries),
                str(case.esearch),
                str(case.efetch),
                str(case.failed),
                str(case.retries),
                f"{case.seconds:.1f}",
                f"{case.cpu_seconds:.1f}",
                f"{case.floor:.1f}" if limited else "-",
                f"{case.seconds / case.floor:.2f}" if limited else "-",
            )
    console.print(table)
    console.print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; rate limit {args.rate:g} req/s; "
        f"command: uv run python -m bench.bench_harvest --records {args.records} --rate {args.rate:g} "
        f"--fault-rate {args.fault_rate:g}"
    )


if __name__ == "__main__":
    main()
