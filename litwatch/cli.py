"""The `litwatch` command: one short function per command, each calling one library function."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from extractors.scoring.splits import Split
from litwatch.config import Settings
from litwatch.errors import InputError, LitwatchError
from litwatch.topics import load_topics

app = typer.Typer(
    help="Watch PubMed for curated topics and keep each topic's evidence summary current.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)
# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)


@app.command("topics")
def topics_command() -> None:
    """List and validate the topic files in LITWATCH_TOPICS (default ./topics).

    Example: litwatch topics
    """
    settings = Settings.from_env()
    topics = load_topics(settings.topics_dir)
    table = Table("id", "question", "outcomes", "recipients")
    for topic in topics:
        table.add_row(
            topic.id,
            topic.question,
            ", ".join(o.name for o in topic.outcomes) or "-",
            str(len(topic.recipients)),
        )
    console.print(table)
    console.print(f"{len(topics)} topic(s) valid in {settings.topics_dir}")


@app.command("import")
def import_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
    files: Annotated[list[Path], typer.Argument(help="PubMed XML (.xml, .xml.gz) or MEDLINE text files.")],
) -> None:
    """Import PubMed files for a topic into the warehouse (LITWATCH_DB).

    Reads efetch XML, baseline and daily update files (.xml or .xml.gz,
    DeleteCitation included) and MEDLINE text exports (.txt, .nbib).
    Each file loads whole or not at all: the import stops at the first bad
    file (one sentence naming it and the line), keeping the files before it.
    Re-importing a file changes nothing; a changed record adds a version;
    a DeleteCitation marks the article deleted and keeps its history.
    Ends with: N files: new X, revised Y, unchanged Z, deleted D, failed F.

    Example: litwatch import --topic magnesium-sleep pubmed-result.xml more.xml.gz
    """
    from litwatch.importer import import_files

    import_files(
        Settings.from_env(),
        topic,
        files,
        progress=err_console.is_terminal,
        on_finish=lambda summary: console.print(summary.line(), highlight=False),
    )


@app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(help="One read-only statement (SELECT, WITH, DESCRIBE, SHOW).")],
    output_format: Annotated[str, typer.Option("--format", help="Output as table, csv or json.")] = "table",
) -> None:
    """Run one read-only SQL query against the warehouse (LITWATCH_DB).

    Prints a table, CSV or JSON. The file is opened read-only, and write
    statements (INSERT, UPDATE, DELETE, CREATE, COPY, ATTACH, SET, ...) are
    refused before anything runs. Tables and views (each in the README's data
    dictionaries): articles, article_versions, topic_articles, imports, runs;
    mentions, doses, populations, studies, outcomes; summaries, flags, digests.

    Example: litwatch sql "SELECT pmid, title FROM articles LIMIT 5" --format csv
    """
    from litwatch.sql import render_csv, render_json, render_table, run_query

    renderers = {"table": render_table, "csv": render_csv, "json": render_json}
    if output_format not in renderers:
        raise InputError(f"Unknown format '{output_format}' (use table, csv or json).")
    result = run_query(Settings.from_env().db_path, query)
    rendered = renderers[output_format](result)
    if isinstance(rendered, str):
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")
    else:
        console.print(rendered)


@app.command("summarise")
def summarise_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
) -> None:
    """Summarise a topic's evidence, store the snapshot, diff it against the last one and print the flags.

    Per canonical outcome: the relevant, non-retracted studies, their tiers, participants, benefit /
    null / harm counts and a verdict (supported, mixed, not supported, insufficient) by the documented
    rules V1-V6. The snapshot goes to `summaries`, the flags to `flags`, under a new `summarise` run.

    Example: litwatch summarise --topic magnesium-sleep
    """
    from litwatch.evidence.commands import run_summarise
    from litwatch.evidence.diff import describe_flag

    result = run_summarise(Settings.from_env(), topic)
    table = Table("outcome", "verdict", "rule", "strength", "studies", "participants")
    for outcome in result.summary.outcomes:
        v = outcome.verdict
        table.add_row(
            outcome.name, v.label, v.rule_id, v.strength, str(len(outcome.studies)), str(outcome.participants)
        )
    console.print(table)
    for flag in result.flags:
        console.print(f"PMID {flag.pmid} [bold]{flag.reason}[/]: {describe_flag(flag)}", highlight=False)
    console.print(result.line(), highlight=False)


@app.command("report")
def report_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
    output_format: Annotated[str, typer.Option("--format", help="md, html or json.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Write a topic's evidence report: introduction, findings by kind of evidence, verdicts, sources.

    Built deterministically from the warehouse (opened read-only): one sentence per finding with its
    numbers and PMID, a conclusion per outcome with strength and caveats, PubMed links. HTML is one
    self-contained file with a chart per outcome; JSON follows litwatch/evidence/report.schema.json.

    Example: litwatch report --topic magnesium-sleep --format html --out magnesium-sleep.html
    """
    from litwatch.evidence.commands import produce_report

    text = produce_report(Settings.from_env(), topic, output_format, out)
    if out is None:
        sys.stdout.write(text)
    else:
        err_console.print(f"Report for {topic} written to {out} ({len(text):,} characters).", highlight=False)


@app.command("flags")
def flags_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: latest summarised run).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the studies a summarise run flagged, with machine-readable reasons and details.

    Reasons: first_evidence, higher_tier, verdict_change, contradicts, largest_sample, new_population,
    new_dose_range, retraction, expression_of_concern, revised_extraction.

    Example: litwatch flags --topic magnesium-sleep --format json
    """
    from litwatch.evidence.commands import flags_json, read_flags
    from litwatch.evidence.diff import describe_flag

    if output_format not in ("table", "json"):
        raise InputError(f"Unknown format '{output_format}' (use table or json).")
    flags = read_flags(Settings.from_env(), topic, run)
    if output_format == "json":
        sys.stdout.write(flags_json(flags))
        return
    table = Table("pmid", "reason", "outcome", "detail")
    for flag in flags:
        table.add_row(str(flag.pmid), flag.reason, flag.outcome or "-", describe_flag(flag))
    console.print(table)
    console.print(f"{len(flags)} flag(s)", highlight=False)


@app.command("extract")
def extract_command(
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="Only articles of this topic id (repeatable).")
    ] = None,
    n_process: Annotated[int, typer.Option("--n-process", min=1, help="Extraction worker processes.")] = 1,
) -> None:
    """Run the extraction pipeline (dose, population, design, relevance per topic) over every stored
    article version the current extractor version has not processed yet, and store the mentions.

    Re-runs only what it must: a new extractor version or a revised article (a new stored version)
    is extracted again; articles with no text are recorded as skipped with the reason.

    Example: litwatch extract --topic magnesium-sleep --n-process 2
    """
    from rich.progress import Progress

    from litwatch.extraction import extract_articles

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Extracting", total=None)
        summary = extract_articles(
            Settings.from_env(), topic or None, n_process,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(summary.line(), highlight=False)


@app.command("digest")
def digest_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run).")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write an .eml file to LITWATCH_OUTBOX instead of mailing.")
    ] = False,
) -> None:
    """Mail a topic's digest for a run: flagged studies first with their reasons, then the other new
    relevant papers, each with design, sample size, dose/population/outcome lines and a PubMed link.

    One digest per topic per run: a run whose digest was sent (or skipped) sends nothing again; a
    run with nothing new sends nothing unless the topic's schedule sets send_empty_digest. Earlier
    digests that could not be sent go first. SMTP comes from LITWATCH_SMTP_URL (smtp://, smtps://,
    smtp+starttls://, user:password@) and LITWATCH_SMTP_FROM; recipients from the topic file. With
    --dry-run the message is written to LITWATCH_OUTBOX (default ./outbox) and counts as delivered.

    Example: litwatch digest --topic magnesium-sleep --dry-run
    """
    from litwatch.digest.send import send_topic_digest

    result = send_topic_digest(Settings.from_env(), topic, run, dry_run)
    for earlier in result.retried:
        console.print(earlier.summary(), highlight=False, soft_wrap=True)
    console.print(result.summary(), highlight=False, soft_wrap=True)


@app.command("harvest")
def harvest_command(
    topic: Annotated[str, typer.Option("--topic", help="Topic id (a YAML file in LITWATCH_TOPICS).")],
    since: Annotated[str | None, typer.Option("--since", help="First day searched, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (default: today).")] = None,
) -> None:
    """Harvest a topic's new and revised PubMed records from the E-utilities into the warehouse.

    Searches the topic query on Entrez date (new records) and modification date (revisions) from the
    topic's watermark minus its overlap window (schedule.overlap_days, default 3) to today; a first
    harvest without --since takes the topic's whole history. Fetches in batches of 500 through the
    history server at 3 requests/s (10 with NCBI_API_KEY), retrying 429/5xx/timeouts/truncated bodies.
    The watermark advances only when everything was fetched; a failed or killed run is resumed by the
    next one. Endpoint: LITWATCH_EUTILS_URL (NCBI by default, or `litwatch eutils-server`); NCBI_EMAIL.

    Example: litwatch harvest --topic magnesium-sleep --since 2024-01-01
    """
    from litwatch.harvest import harvest_topic, parse_day, terminal_progress
    from litwatch.topics import get_topic

    settings = Settings.from_env()
    chosen = get_topic(settings.topics_dir, topic)
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    with terminal_progress(err_console.is_terminal) as progress:
        summary = harvest_topic(settings, chosen, since=first, until=last, progress=progress)
    console.print(summary.line(), highlight=False)


def _rate(flag: str, what: str) -> Any:
    return typer.Option(flag, help=f"Share of requests (0-1) {what}.")


@app.command("eutils-server")
def eutils_server_command(
    corpus: Annotated[
        list[Path],
        typer.Option("--corpus", help="PubMed XML/JSONL file or folder (repeatable); with --record, the "
                     "JSONL file to append to."),
    ],
    port: Annotated[int, typer.Option("--port", help="TCP port (0 picks a free one).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    max_hits: Annotated[int, typer.Option("--max-hits", help="Retrievable results per search.")] = 10_000,
    fault_429: Annotated[float, _rate("--fault-429", "answered 429 with Retry-After")] = 0.0,
    fault_5xx: Annotated[float, _rate("--fault-5xx", "answered 503")] = 0.0,
    fault_reset: Annotated[float, _rate("--fault-reset", "whose connection is dropped")] = 0.0,
    fault_truncate: Annotated[float, _rate("--fault-truncate", "whose body is cut short")] = 0.0,
    fault_slow: Annotated[float, _rate("--fault-slow", "delayed by --slow-seconds")] = 0.0,
    slow_seconds: Annotated[float, typer.Option("--slow-seconds", help="Delay of a slow response.")] = 2.0,
    retry_after: Annotated[int, typer.Option("--retry-after", help="Retry-After seconds of a 429.")] = 1,
    webenv_max_uses: Annotated[
        int | None, typer.Option("--webenv-max-uses", help="Expire a WebEnv after N efetches.")
    ] = None,
    webenv_ttl: Annotated[float | None, typer.Option("--webenv-ttl", help="WebEnv lifetime, s.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fault generator.")] = 0,
    record: Annotated[bool, typer.Option("--record", help="Proxy to --upstream, keep records.")] = False,
    upstream: Annotated[str | None, typer.Option("--upstream", help="E-utilities URL to record.")] = None,
) -> None:
    """Serve esearch/efetch/epost over a local corpus, with optional fault injection, or record a live one.

    Speaks enough of the E-utilities protocol for `litwatch harvest` (see docs: query subset, history
    server, 10,000-result cap, NCBI-shaped errors). Point LITWATCH_EUTILS_URL at the printed URL.
    With --record --upstream URL, requests are forwarded to URL and every efetched record is appended
    to the --corpus JSONL file, so a replay corpus can be refreshed where there is internet.

    Example: litwatch eutils-server --corpus corpus.jsonl --port 8765 --fault-429 0.05 --seed 1
    """
    from litwatch.pubmed.eutils_faults import FaultConfig
    from litwatch.pubmed.eutils_server import serve_from_cli

    faults = FaultConfig(
        rate_429=fault_429, rate_5xx=fault_5xx, rate_reset=fault_reset, rate_truncate=fault_truncate,
        rate_slow=fault_slow, slow_seconds=slow_seconds, retry_after_seconds=retry_after,
        webenv_max_uses=webenv_max_uses, webenv_ttl_seconds=webenv_ttl, seed=seed,
    )
    if record and upstream is None:
        raise InputError("--record needs --upstream URL, the E-utilities endpoint to record.")
    serve_from_cli(
        corpus, faults=faults, max_hits=max_hits, host=host, port=port, upstream=upstream if record else None,
        on_ready=lambda url: err_console.print(f"E-utilities at {url} (Ctrl-C stops)", highlight=False),
    )


@app.command("run")
def run_command(
    topics: Annotated[
        list[str] | None, typer.Option("--topic", help="Topic id to run (repeatable; default: every topic).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write digests to LITWATCH_OUTBOX, send nothing.")
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for a run of the same topic to end (default 0).")
    ] = 0.0,
) -> None:
    """Run the nightly flow now, in this process: harvest, extract, summarise and diff, report, digest.

    The same Prefect flow as the `nightly` deployment in prefect.yaml, with no server to set up: with
    PREFECT_API_URL unset Prefect starts a temporary local API for the run. Each topic runs under its
    own lock (a second run of the same topic refuses, or waits --wait seconds); a failing topic does
    not stop the others, and the command exits 1 naming each topic that failed. Reports go to
    LITWATCH_REPORTS (default ./reports), digests over SMTP (LITWATCH_SMTP_URL) or, with --dry-run,
    to LITWATCH_OUTBOX.

    Example: litwatch run --topic magnesium-sleep --dry-run
    """
    from flows.local import run_nightly
    from flows.results import NightlyRunFailed

    try:
        result = run_nightly(topics or None, dry_run=dry_run, lock_wait_seconds=wait)
    except NightlyRunFailed as failed:
        for night in failed.result.nights:
            console.print(night.line(), highlight=False)
        raise
    for night in result.nights:
        console.print(night.line(), highlight=False)
    console.print(result.message(), highlight=False)


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the warehouse, reports and digests.")] = Path(
        "demo-output"
    ),
    nights: Annotated[int, typer.Option("--nights", help="Nights of PubMed to replay (at least 2).")] = 4,
) -> None:
    """Replay several nights of PubMed offline and run the nightly flow for each demo topic every night.

    A bundled corpus of real PubMed abstracts (litwatch/demo/SOURCE.md) is served by the local
    E-utilities server, night by night: records appear in PMID order (their entry dates are
    simulated), a revision and a retraction notice are scripted on the later nights. The topics
    melatonin-sleep, exercise-sleep and magnesium-sleep run every night with digests written as .eml
    files. Everything goes to a fresh folder (default ./demo-output); no network is used.

    Example: litwatch demo --out demo-output --nights 4
    """
    from litwatch.demo.runner import run_demo
    from litwatch.demo.summary import final_summary, night_table

    result = run_demo(out, nights, on_night=lambda done: console.print(night_table(done)))
    console.print(final_summary(result))
    if result.failures:
        raise LitwatchError(f"{len(result.failures)} topic run(s) failed in the demo (see the tables above).")


@app.command("evaluate")
def evaluate_command(
    dataset: Annotated[list[str], typer.Option("--dataset", help="Scoring dataset (repeatable), or 'all'.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write scores as JSON here.")] = None,
    data: Annotated[Path, typer.Option("--data", help="Shared annotated data.")] = Path("../shared/data"),
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N documents.")] = None,
    split: Annotated[
        Split,
        typer.Option(
            "--split",
            help="Which part: dev, or train (the part rules and models were tuned on; only datasets with a "
            "hash-chosen dev part have one: pico_corpus, evidence_outcomes, pico_corpus_outcomes).",
        ),
    ] = "dev",
) -> None:
    """Score the extraction pipeline on annotated dev data: precision, recall and F1 per field (the
    `level` column says token, span or document), or accuracy for per-abstract fields. `--split train`
    scores the training part instead, to show what tuning saw; it is never the figure to quote.

    Datasets: ebm_nlp_participants, pico_corpus, evidencemap_counts, dose_interventions,
    design_publication_types, evidence_outcomes, pico_corpus_outcomes, evidence_inference, rct_art
    (and any other module in extractors/scoring/datasets/), or 'all'.

    Example: litwatch evaluate --dataset dose_interventions --json scores.json
    Example: litwatch evaluate --dataset pico_corpus --split train --data ../shared/data
    """
    from extractors.scoring.evaluate import evaluate_datasets
    from extractors.scoring.render import score_table, scores_json

    scores = evaluate_datasets(dataset, data, limit, split=split)
    for score in scores:
        console.print(score_table(score))
    if json_out is not None:
        json_out.write_text(scores_json(scores), encoding="utf-8")
    version = scores[0].extractor_version if scores else "-"
    console.print(f"Scored {len(scores)} dataset(s) with extractor {version}.", highlight=False)


def main() -> None:
    """Console entry point: user mistakes become one sentence on stderr and exit code 1."""
    try:
        app()
    except LitwatchError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
