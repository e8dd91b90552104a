"""Parse+load throughput and peak memory, beside raw lxml iterparse and parse-only over the same bytes.

    uv run python -m bench.bench_load --records 50000

Builds corpora of real sample records (bench/corpus.py), then measures each stage in its own fresh
subprocess so every peak RSS is that stage's alone:
- raw:    lxml.etree.iterparse over PubmedArticle elements, cleared as it goes (the practical ceiling);
- parse:  litwatch's parser producing PubmedRecord models;
- fields: the same parser producing the `RecordFields` dicts the import stores (no models);
- import: `litwatch import` of the file into a fresh DuckDB warehouse (parse, stage, publish);
- entrez: Bio.Entrez.read, the peer, on a subset (--entrez-records; it holds the whole document);
each on the full corpus and on one a tenth its size, to show whether memory stays flat. Each stage's
modules are imported before its clock starts (interpreter start-up is not loading).
The counters are bench/bench_parse.py's, so both benchmarks measure the same thing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from bench.bench_parse import (
    MODULES,
    Measurement,
    entrez_read_count,
    litwatch_parse_count,
    measure_in_worker,
    raw_iterparse_count,
    timed_count,
    write_entrez_corpus,
)
from bench.corpus import write_corpus

REPO = Path(__file__).resolve().parents[1]

Stage = Literal["raw", "parse", "fields", "import", "entrez"]
STAGES: tuple[Stage, ...] = ("raw", "parse", "fields", "import", "entrez")


def import_count(path: Path) -> int:
    """What `litwatch import --topic magnesium-sleep FILE` runs, into a fresh warehouse; new records."""
    from litwatch.config import Settings
    from litwatch.importer import import_files

    with tempfile.TemporaryDirectory() as tmp:
        env = {"LITWATCH_DB": str(Path(tmp) / "bench.duckdb"), "LITWATCH_TOPICS": str(REPO / "topics")}
        summary = import_files(Settings.from_env(env), "magnesium-sleep", [path], progress=False)
        return summary.totals.new


def fields_count(path: Path) -> int:
    from litwatch.pubmed.xml_parser import iter_pubmed_fields

    return sum(1 for _ in iter_pubmed_fields(path))


RUNNERS: dict[Stage, Callable[[Path], int]] = {
    "raw": raw_iterparse_count,
    "parse": litwatch_parse_count,
    "fields": fields_count,
    "import": import_count,
    "entrez": entrez_read_count,
}

STAGE_MODULES: dict[Stage, str] = {
    "raw": MODULES["raw"],
    "parse": MODULES["litwatch"],
    "fields": MODULES["litwatch"],
    "import": "litwatch.importer",
    "entrez": MODULES["entrez"],
}


def measure_here(stage: Stage, path: Path) -> Measurement:
    """Run one stage in this process (a fresh subprocess started by `measure`)."""
    importlib.import_module(STAGE_MODULES[stage])
    return timed_count(stage, RUNNERS[stage], path)


def measure(stage: Stage, path: Path) -> Measurement:
    return measure_in_worker("bench.bench_load", stage, path)


def report(size_mb: float, rows: list[tuple[Measurement, Measurement]]) -> str:
    """A markdown table: per stage, rates on the full corpus and peak memory at both sizes."""
    raw = rows[0][1]
    lines = [
        f"Corpus: {raw.records:,} records, {size_mb:,.0f} MB of XML (real records, renumbered).",
        "",
        "| stage | records | records/s (wall) | % of raw | records/CPU-s | % of raw "
        "| peak RSS at 1/10 | peak RSS | growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for small, large in rows:
        growth = 100 * (large.peak_rss_mb / small.peak_rss_mb - 1)
        lines.append(
            f"| {large.method} | {large.records:,} | {large.rate:,.0f} | "
            f"{100 * large.rate / raw.rate:.0f}% | {large.cpu_rate:,.0f} | "
            f"{100 * large.cpu_rate / raw.cpu_rate:.0f}% | "
            f"{small.peak_rss_mb:,.0f} MB | {large.peak_rss_mb:,.0f} MB | {growth:+.0f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=50_000, help="records in the corpus (default 50000)")
    parser.add_argument(
        "--entrez-records", type=int, default=3_000, help="records for Bio.Entrez.read (default 3000)"
    )
    parser.add_argument("--worker", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asdict(measure_here(args.worker, args.path))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        large = write_corpus(folder / "large.xml", args.records)
        small = write_corpus(folder / "small.xml", args.records // 10)
        write_entrez_corpus(folder / "entrez_large.xml", args.entrez_records)
        write_entrez_corpus(folder / "entrez_small.xml", args.entrez_records // 10)
        corpora = {stage: (small.path, large.path) for stage in STAGES}
        corpora["entrez"] = (folder / "entrez_small.xml", folder / "entrez_large.xml")
        rows = [(measure(stage, corpora[stage][0]), measure(stage, corpora[stage][1])) for stage in STAGES]
    print(report(large.size_bytes / 1e6, rows))
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
