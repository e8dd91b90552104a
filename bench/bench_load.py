"""Parse+load throughput and peak memory, beside raw lxml iterparse and parse-only over the same bytes.

    uv run python -m bench.bench_load --records 50000

Builds corpora of real sample records (bench/corpus.py), then measures each stage in its own fresh
subprocess so every peak RSS is that stage's alone:
- raw:    lxml.etree.iterparse over PubmedArticle elements, cleared as it goes (the practical ceiling);
- parse:  litwatch's parser producing PubmedRecord models;
- import: `litwatch import` of the file into a fresh DuckDB warehouse (parse, stage, publish);
each on the full corpus and on one a tenth its size, to show whether memory stays flat.
The raw and parse counters are bench/bench_parse.py's, so both benchmarks measure the same thing.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from bench.bench_parse import (
    Measurement,
    litwatch_parse_count,
    measure_in_worker,
    raw_iterparse_count,
    timed_count,
)
from bench.corpus import write_corpus

REPO = Path(__file__).resolve().parents[1]

Stage = Literal["raw", "parse", "import"]
STAGES: tuple[Stage, ...] = ("raw", "parse", "import")


def import_count(path: Path) -> int:
    """What `litwatch import --topic magnesium-sleep FILE` runs, into a fresh warehouse; new records."""
    from litwatch.config import Settings
    from litwatch.importer import import_files

    with tempfile.TemporaryDirectory() as tmp:
        env = {"LITWATCH_DB": str(Path(tmp) / "bench.duckdb"), "LITWATCH_TOPICS": str(REPO / "topics")}
        summary = import_files(Settings.from_env(env), "magnesium-sleep", [path], progress=False)
        return summary.totals.new


RUNNERS: dict[Stage, Callable[[Path], int]] = {
    "raw": raw_iterparse_count,
    "parse": litwatch_parse_count,
    "import": import_count,
}


def measure_here(stage: Stage, path: Path) -> Measurement:
    """Run one stage in this process (a fresh subprocess started by `measure`)."""
    return timed_count(stage, RUNNERS[stage], path)


def measure(stage: Stage, path: Path) -> Measurement:
    return measure_in_worker("bench.bench_load", stage, path)


def report(size_mb: float, rows: list[tuple[Measurement, Measurement]]) -> str:
    """A markdown table: per stage, rate on the full corpus and peak memory at both sizes."""
    raw_rate = rows[0][1].rate
    raw_cpu_rate = rows[0][1].records / rows[0][1].cpu_seconds
    lines = [
        f"Corpus: {rows[0][1].records:,} records, {size_mb:,.0f} MB of XML (real records, renumbered).",
        "",
        "| stage | records/s (wall) | % of raw | records/CPU-s | % of raw "
        "| peak RSS at 1/10 | peak RSS | growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for small, large in rows:
        cpu_rate = large.records / large.cpu_seconds
        growth = 100 * (large.peak_rss_mb / small.peak_rss_mb - 1)
        lines.append(
            f"| {large.method} | {large.rate:,.0f} | {100 * large.rate / raw_rate:.0f}% | {cpu_rate:,.0f} | "
            f"{100 * cpu_rate / raw_cpu_rate:.0f}% | {small.peak_rss_mb:,.0f} MB | "
            f"{large.peak_rss_mb:,.0f} MB | {growth:+.0f}% |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=50_000, help="records in the corpus (default 50000)")
    parser.add_argument("--worker", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asdict(measure_here(args.worker, args.path))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        large = write_corpus(Path(tmp) / "large.xml", args.records)
        small = write_corpus(Path(tmp) / "small.xml", args.records // 10)
        rows = [(measure(stage, small.path), measure(stage, large.path)) for stage in STAGES]
    print(report(large.size_bytes / 1e6, rows))
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
