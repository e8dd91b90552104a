"""Parse+load throughput and peak memory, beside raw lxml iterparse and parse-only over the same bytes.

    uv run python -m bench.bench_load --records 50000

Builds a corpus of real sample records (bench/corpus.py), then measures each stage in its own
subprocess so every peak RSS (ru_maxrss) is that stage's alone:
- raw:   lxml.etree.iterparse over PubmedArticle elements, cleared as it goes (the practical ceiling);
- parse: litwatch's reader producing PubmedRecord models;
- load:  `litwatch import` of the file into a fresh DuckDB warehouse (parse, stage, publish);
and parse+load again on a corpus a tenth the size, to show memory stays flat as input grows tenfold.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from bench.corpus import write_corpus

REPO = Path(__file__).resolve().parents[1]

Stage = Literal["raw", "parse", "load"]
STAGES: tuple[Stage, ...] = ("raw", "parse", "load")


@dataclass(frozen=True)
class Measurement:
    stage: str
    records: int
    seconds: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def run_raw(path: Path) -> int:
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


def run_parse(path: Path) -> int:
    from litwatch.pubmed.reader import read_records

    return sum(1 for _ in read_records(path))


def run_load(path: Path) -> int:
    """What `litwatch import --topic magnesium-sleep FILE` runs, into a fresh warehouse."""
    from litwatch.config import Settings
    from litwatch.importer import import_files

    with tempfile.TemporaryDirectory() as tmp:
        env = {"LITWATCH_DB": str(Path(tmp) / "bench.duckdb"), "LITWATCH_TOPICS": str(REPO / "topics")}
        summary = import_files(Settings.from_env(env), "magnesium-sleep", [path], progress=False)
        return summary.totals.new


def measure_stage(stage: Stage, path: Path) -> Measurement:
    """Run one stage in this process (called inside a fresh subprocess by `measure`)."""
    runner = {"raw": run_raw, "parse": run_parse, "load": run_load}[stage]
    started = time.perf_counter()
    records = runner(path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Measurement(stage=stage, records=records, seconds=seconds, peak_rss_mb=peak_mb)


def measure(stage: Stage, path: Path) -> Measurement:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_load", "--worker", stage, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return Measurement(**json.loads(done.stdout))


def report(corpus_records: int, size_mb: float, rows: list[Measurement], small: Measurement) -> str:
    raw_rate = rows[0].rate
    lines = [
        f"Corpus: {corpus_records:,} records, {size_mb:,.0f} MB of XML (real sample records, renumbered).",
        "",
        "| stage | records/s | % of raw iterparse | seconds | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.stage} | {row.rate:,.0f} | {100 * row.rate / raw_rate:.0f}% | {row.seconds:.1f} | "
            f"{row.peak_rss_mb:,.0f} |"
        )
    large = rows[-1]
    growth = 100 * (large.peak_rss_mb / small.peak_rss_mb - 1)
    lines += [
        "",
        f"Peak RSS of parse+load: {small.peak_rss_mb:,.0f} MB at {small.records:,} records, "
        f"{large.peak_rss_mb:,.0f} MB at {large.records:,} records ({growth:+.0f}% for 10x the input).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=50_000, help="records in the large corpus")
    parser.add_argument("--worker", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asdict(measure_stage(args.worker, args.path))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        large = write_corpus(Path(tmp) / "large.xml", args.records)
        small = write_corpus(Path(tmp) / "small.xml", args.records // 10)
        rows = [measure(stage, large.path) for stage in STAGES]
        small_load = measure("load", small.path)
    print(report(large.records, large.size_bytes / 1e6, rows, small_load))


if __name__ == "__main__":
    main()
