"""Extraction throughput (abstracts/s) and peak memory: the whole pipeline at 1 and 2 processes, beside
the ceiling of tokenising alone (`spacy.blank("en")` and the pipeline's own tokenizer) on the same input.
The pipeline stages run `litwatch extract`'s own code path (`extract_batches`: pipeline, typed
extraction, relevance and outcome mapping for the magnesium-sleep topic), without the warehouse.

    uv run python -m bench.bench_extract --abstracts 2000 [--disable litwatch_outcomes,litwatch_findings]

A last subprocess times each pipeline component alone (CPU seconds per 1,000 abstracts, one process),
so a slow component is visible.

Input: EBM-NLP documents (real PubMed titles + abstracts, MeSH) from ../shared/data, repeated to the
requested count. Each stage runs in its own subprocess so its peak RSS (ru_maxrss, children included
for the worker processes) is its own. Reported: wall-clock rate, and CPU seconds of the parent and workers,
since the machine is shared and wall-clock alone undercounts what one core does.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from spacy.language import Language

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ebm_nlp" / "documents"
TOPIC_FILE = REPO / "topics" / "magnesium-sleep.yaml"
STAGES = ("blank_tokenizer", "litwatch_tokenizer", "pipeline_1", "pipeline_2")


@dataclass(frozen=True)
class Measurement:
    stage: str
    abstracts: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.abstracts / self.seconds

    @property
    def rate_per_cpu_second(self) -> float:
        return self.abstracts / self.cpu_seconds


def read_texts(count: int) -> list[tuple[str, str, list[str]]]:
    rows = [
        json.loads(line)
        for line in (DATA / "ebm_nlp_documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    articles = []
    for row in rows:
        title, _, abstract = row["text"].partition("\n\n")
        if abstract.strip():
            articles.append((title, abstract, row["mesh_terms"]))
    return [articles[i % len(articles)] for i in range(count)]


def pipeline(disable: list[str]) -> Language:
    from extractors.pipeline import load_pipeline

    nlp = load_pipeline()
    for name in disable:
        nlp.disable_pipe(name)
    return nlp


def run_stage(stage: str, count: int, disable: list[str]) -> Measurement:
    """Runs inside the subprocess."""
    import spacy

    from extractors.text import ArticleInput, article_text

    # Imported and loaded before the clock starts, like the pipeline: one-time costs, not throughput.
    from litwatch.extraction import BATCH_SIZE, ExtractionJob, batched, extract_batches
    from litwatch.topics import load_topic_file
    from warehouse.mentions import PendingArticle

    articles = read_texts(count)
    nlp = pipeline(disable)
    topic = load_topic_file(TOPIC_FILE)
    blank = spacy.blank("en")
    started, cpu_started = time.perf_counter(), time.process_time()
    if stage == "blank_tokenizer":
        for title, abstract, _ in articles:
            blank.make_doc(article_text(title, abstract))
    elif stage == "litwatch_tokenizer":
        for title, abstract, _ in articles:
            nlp.make_doc(article_text(title, abstract))
    else:
        jobs = (
            ExtractionJob(
                PendingArticle(ArticleInput(pmid=pmid, title=title, abstract=abstract, mesh_terms=mesh), []),
                [topic],
            )
            for pmid, (title, abstract, mesh) in enumerate(articles, start=1)
        )
        n_process = int(stage.rsplit("_", 1)[1])
        for _ in extract_batches(nlp, "bench", batched(jobs, BATCH_SIZE), n_process):
            pass
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu_started + children.ru_utime + children.ru_stime
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children.ru_maxrss)
    return Measurement(stage, count, seconds, cpu, peak_kb / 1024)


def component_costs(count: int, disable: list[str]) -> dict[str, float]:
    """CPU seconds per 1,000 abstracts for each component (runs inside a subprocess)."""
    from extractors.text import ArticleInput, make_article_doc

    nlp = pipeline(disable)
    started = time.process_time()
    docs = [
        make_article_doc(nlp, ArticleInput(title=title, abstract=abstract, mesh_terms=mesh))
        for title, abstract, mesh in read_texts(count)
    ]
    costs = {"tokenizer": time.process_time() - started}
    for name, component in nlp.pipeline:
        started = time.process_time()
        docs = [component(doc) for doc in docs]
        costs[name] = time.process_time() - started
    return {name: round(seconds * 1000 / count, 2) for name, seconds in costs.items()}


def _subprocess(stage: str, count: int, disable: str) -> str:
    command = [sys.executable, "-m", "bench.bench_extract", "--stage", stage, "--abstracts", str(count)]
    command += ["--disable", disable] if disable else []
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=2000)
    parser.add_argument("--disable", default="", help="Comma-separated components to leave out.")
    parser.add_argument("--stage", choices=(*STAGES, "components"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    disable = [name for name in args.disable.split(",") if name]
    if args.stage == "components":
        print(json.dumps(component_costs(args.abstracts, disable)))
        return
    if args.stage:
        print(json.dumps(asdict(run_stage(args.stage, args.abstracts, disable))))
        return
    print(f"{'stage':<20}{'abstracts':>10}{'seconds':>9}{'abstracts/s':>13}{'per CPU-s':>11}{'peak MB':>9}")
    for stage in STAGES:
        m = Measurement(**json.loads(_subprocess(stage, args.abstracts, args.disable)))
        print(
            f"{m.stage:<20}{m.abstracts:>10}{m.seconds:>9.1f}{m.rate:>13.0f}{m.rate_per_cpu_second:>11.0f}"
            f"{m.peak_rss_mb:>9.0f}"
        )

    print("CPU seconds per 1,000 abstracts, by component (one process):")
    for name, seconds in json.loads(_subprocess("components", args.abstracts, args.disable)).items():
        print(f"  {name:<28}{seconds:>8.2f}")


if __name__ == "__main__":
    main()
