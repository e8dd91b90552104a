"""`litwatch demo`: replay several nights of PubMed offline and run the nightly flow for each demo topic.

Everything lives under one output folder: a fresh warehouse, the demo topics, the reports (md, html,
json), and the outbox of dry-run digests (.eml). Each night the bundled corpus, cut to what PubMed
showed that night (see `replay`), is served by the local E-utilities server on a free loopback port,
and the nightly flow runs for every demo topic with that night's date as the harvest's end.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from flows.results import NightlyResult, TopicFailure
from litwatch.config import Settings
from litwatch.demo.replay import Night, load_bundled_records, replay
from litwatch.errors import InputError, TopicError
from litwatch.paths import remove_path
from litwatch.pubmed.corpus import Corpus
from litwatch.pubmed.eutils_server import serve_in_thread

DEMO_TOPICS = ("melatonin-sleep", "exercise-sleep", "magnesium-sleep")
DEFAULT_NIGHTS = 4
WAREHOUSE_NAME = "litwatch.duckdb"
# What a previous demo left in the output folder; only these are removed before a new run.
DEMO_ARTEFACTS = (WAREHOUSE_NAME, f"{WAREHOUSE_NAME}.wal", "topics", "reports", "outbox")


@dataclass(frozen=True)
class DemoNight:
    """One replayed night and what the nightly flow did on it."""

    night: Night
    result: NightlyResult


@dataclass(frozen=True)
class DemoResult:
    """The whole demo: its nights and where everything was written."""

    settings: Settings
    nights: list[DemoNight] = field(default_factory=list)

    @property
    def failures(self) -> list[TopicFailure]:
        return [f for n in self.nights for f in n.result.failures]

    def reports(self) -> list[Path]:
        folder = self.settings.reports_dir
        return sorted(folder.glob("*.md")) + sorted(folder.glob("*.html"))

    def digests(self) -> list[Path]:
        return sorted(self.settings.outbox_dir.glob("*.eml"))


def repo_topics_dir() -> Path:
    """The topics folder of the source tree this package runs from."""
    return Path(__file__).resolve().parents[2] / "topics"


def demo_settings(out_dir: Path) -> Settings:
    """Settings of a demo run: everything under `out_dir`, the E-utilities URL set per night."""
    return Settings(
        db_path=out_dir / WAREHOUSE_NAME,
        topics_dir=out_dir / "topics",
        eutils_url="",
        ncbi_email="litwatch-demo@example.org",
        ncbi_api_key=None,
        smtp_url=None,
        smtp_from="litwatch-demo@localhost",
        outbox_dir=out_dir / "outbox",
        reports_dir=out_dir / "reports",
    )


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    """The flow reads its settings from the environment: set them for one night, then restore."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def prepare_output(out_dir: Path, topics_source: Path) -> Settings:
    """A fresh demo folder: earlier demo artefacts removed, the demo topics copied in."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"Demo output {out_dir} exists and is not a folder.")
    for name in DEMO_ARTEFACTS:
        remove_path(out_dir / name)
    settings = demo_settings(out_dir)
    settings.topics_dir.mkdir(parents=True)
    for topic_id in DEMO_TOPICS:
        source = topics_source / f"{topic_id}.yaml"
        if not source.exists():
            raise TopicError(f"Demo topic file {source} is missing; run the demo from a litwatch checkout.")
        shutil.copy(source, settings.topics_dir / source.name)
    return settings


def _corpus(night: Night) -> Corpus:
    corpus = Corpus()
    corpus.add(night.records)
    return corpus


def run_demo(
    out_dir: Path,
    nights: int = DEFAULT_NIGHTS,
    *,
    topics_source: Path | None = None,
    on_night: Callable[[DemoNight], None] | None = None,
) -> DemoResult:
    """Replay `nights` nights into a fresh warehouse under `out_dir`; `on_night` sees each night end."""
    from flows.local import prepare_prefect_environment, run_nightly
    from flows.results import NightlyRunFailed

    prepare_prefect_environment(log_level="WARNING")  # the demo prints its own summary
    records = load_bundled_records()
    plan = replay(records, nights)
    settings = prepare_output(out_dir, topics_source or repo_topics_dir())
    result = DemoResult(settings)
    for night in plan:
        with serve_in_thread(_corpus(night)) as server:
            night_settings = replace(settings, eutils_url=server.url)
            with _environ(night_settings.to_env()):
                try:
                    outcome = run_nightly(list(DEMO_TOPICS), until=night.day, dry_run=True)
                except NightlyRunFailed as failed:
                    outcome = failed.result
        done = DemoNight(night, outcome)
        result.nights.append(done)
        if on_night is not None:
            on_night(done)
    return result
