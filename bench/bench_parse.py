"""Parse-only throughput and peak memory: raw lxml iterparse, litwatch's parser, Bio.Entrez.read.

    uv run python -m bench.bench_parse --records 50000

Builds a corpus of real sample records repeated with fresh PMIDs (bench/corpus.py) and runs every
method in its own fresh subprocess, so each peak RSS (ru_maxrss) is that method's alone:
- raw:      lxml.etree.iterparse over PubmedArticle end events, cleared as it goes (the practical ceiling);
- litwatch: litwatch.pubmed.xml_parser.iter_pubmed_xml producing PubmedRecord models;
- entrez:   Bio.Entrez.read, which builds the whole document in memory, on a subset (--entrez-records).
Each method runs on the full corpus and on one a tenth its size, to show whether memory stays flat.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.table import Table

from bench.corpus import write_corpus

Method = Literal["raw", "litwatch", "entrez"]
METHODS: tuple[Method, ...] = ("raw", "litwatch", "entrez")
# Bio.Entrez needs a DOCTYPE to parse; this DTD ships inside Biopython, so nothing is fetched.
ENTREZ_DOCTYPE = (
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)


@dataclass(frozen=True)
class Measurement:
    method: str
    records: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def cpu_rate(self) -> float:
        return self.records / self.cpu_seconds


def raw_iterparse_count(path: Path) -> int:
    """PubmedArticle elements seen by a bare iterparse that clears as it goes: the practical ceiling."""
    from lxml import etree

    count = 0
    for _, elem in etree.iterparse(
        str(path),
        events=("end",),
        tag="PubmedArticle",
        load_dtd=False,
        no_network=True,
        resolve_entities=False,
        huge_tree=True,
    ):
        count += 1
        elem.clear(keep_tail=False)
        parent = elem.getparent()
        if parent is not None:
            while elem.getprevious() is not None:
                del parent[0]
    return count


def litwatch_parse_count(path: Path) -> int:
    from litwatch.pubmed.xml_parser import iter_pubmed_xml

    return sum(1 for _ in iter_pubmed_xml(path))


def entrez_read_count(path: Path) -> int:
    from Bio import Entrez

    with path.open("rb") as handle:
        document = Entrez.read(handle, validate=False)
    return len(document["PubmedArticle"]) + len(document["PubmedBookArticle"])


RUNNERS: dict[Method, Callable[[Path], int]] = {
    "raw": raw_iterparse_count,
    "litwatch": litwatch_parse_count,
    "entrez": entrez_read_count,
}


# Imported before the clock starts, so start-up cost is not counted as parsing.
MODULES: dict[Method, str] = {
    "raw": "lxml.etree",
    "litwatch": "litwatch.pubmed.xml_parser",
    "entrez": "Bio.Entrez",
}


def peak_rss_mb() -> float:
    """Peak resident memory of this process.

    VmHWM belongs to this process image alone; ru_maxrss would also count what the parent held at fork.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_count(method: str, count: Callable[[Path], int], path: Path) -> Measurement:
    """Count the records of `path` with `count`, on the wall and CPU clocks, with this process's peak RSS."""
    started, cpu_started = time.perf_counter(), time.process_time()
    records = count(path)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return Measurement(method, records, seconds, cpu_seconds, peak_rss_mb())


def measure_in_worker(module: str, method: str, path: Path) -> Measurement:
    """Run `python -m MODULE --worker METHOD PATH` in a fresh subprocess, so its peak RSS is its own."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--worker", method, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return Measurement(**json.loads(done.stdout))


def measure_here(method: Method, path: Path) -> Measurement:
    """Run one method in this process (a fresh subprocess started by `measure`)."""
    importlib.import_module(MODULES[method])
    return timed_count(method, RUNNERS[method], path)


def measure(method: Method, path: Path) -> Measurement:
    return measure_in_worker("bench.bench_parse", method, path)


def write_entrez_corpus(path: Path, records: int) -> None:
    """A corpus with the PubMed DOCTYPE that Bio.Entrez.read insists on."""
    plain = path.with_suffix(".plain.xml")
    write_corpus(plain, records)
    with plain.open("rb") as source, path.open("wb") as target:
        target.write(source.readline())  # the XML declaration comes before the DOCTYPE
        target.write(ENTREZ_DOCTYPE)
        shutil.copyfileobj(source, target)
    plain.unlink()


def results_table(rows: list[tuple[Measurement, Measurement]], size_mb: float) -> Table:
    """Rates by wall clock and by CPU time: on a shared machine the CPU rate is the steadier one."""
    raw = next(large for _, large in rows if large.method == "raw")
    table = Table(title=f"Parse only ({size_mb:,.0f} MB corpus of real records, renumbered)")
    columns = (
        "method",
        "records",
        "records/s",
        "records/CPU-s",
        "% of raw (CPU)",
        "peak RSS",
        "at 1/10 size",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "method" else "right")
    for small, large in rows:
        table.add_row(
            large.method,
            f"{large.records:,}",
            f"{large.rate:,.0f}",
            f"{large.cpu_rate:,.0f}",
            f"{100 * large.cpu_rate / raw.cpu_rate:.0f}%" if large.method != "entrez" else "-",
            f"{large.peak_rss_mb:,.0f} MB",
            f"{small.peak_rss_mb:,.0f} MB at {small.records:,}",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=50_000, help="records in the corpus (default 50000)")
    parser.add_argument(
        "--entrez-records", type=int, default=3_000, help="records for Bio.Entrez.read (default 3000)"
    )
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asdict(measure_here(args.worker, args.path))))
        return
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with console.status("Writing corpora..."):
            large = write_corpus(folder / "large.xml", args.records)
            small = write_corpus(folder / "small.xml", args.records // 10)
            write_entrez_corpus(folder / "entrez_large.xml", args.entrez_records)
            write_entrez_corpus(folder / "entrez_small.xml", args.entrez_records // 10)
        rows = []
        for method in METHODS:
            with console.status(f"Measuring {method}..."):
                if method == "entrez":
                    rows.append(
                        (
                            measure(method, folder / "entrez_small.xml"),
                            measure(method, folder / "entrez_large.xml"),
                        )
                    )
                else:
                    rows.append((measure(method, small.path), measure(method, large.path)))
    console.print(results_table(rows, large.size_bytes / 1e6))
    by_method = {large_run.method: large_run for _, large_run in rows}
    litwatch, raw, entrez = by_method["litwatch"], by_method["raw"], by_method["entrez"]
    console.print(
        f"litwatch parses {litwatch.cpu_rate:,.0f} records per CPU-second, "
        f"{100 * litwatch.cpu_rate / raw.cpu_rate:.0f}% of raw iterparse "
        f"({100 * litwatch.rate / raw.rate:.0f}% by wall clock); "
        f"Bio.Entrez.read {entrez.cpu_rate:,.0f} records per CPU-second at {entrez.peak_rss_mb:,.0f} MB."
    )


if __name__ == "__main__":
    main()
