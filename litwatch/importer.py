"""`litwatch import`: load PubMed files for a topic, file by file, each whole or not at all.

The import stops at the first file that cannot be read: that file leaves nothing behind, files
before it stay loaded (each is its own transaction), files after it are not touched, and the run is
recorded as failed with the error sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

from litwatch.config import Settings
from litwatch.errors import InputError, LitwatchError
from litwatch.topics import get_topic
from warehouse.articles import LoadResult
from warehouse.connection import connect
from warehouse.imports import load_file
from warehouse.runs import finish_run, start_run

# Bounds DuckDB's cache so an import's memory stays flat as files grow (measured in bench/bench_load.py).
IMPORT_MEMORY_LIMIT = "128MB"


@dataclass
class ImportSummary:
    """Totals over the files of one import run."""

    run_id: str
    files: int = 0  # loaded
    files_failed: int = 0  # 0 or 1: the import stops at the first bad file
    totals: LoadResult = field(default_factory=LoadResult)

    def line(self) -> str:
        t = self.totals
        files = self.files + self.files_failed
        return (
            f"{files} files: new {t.new}, revised {t.revised}, unchanged {t.unchanged}, "
            f"deleted {t.deleted}, failed {self.files_failed}"
        )


def import_files(
    settings: Settings,
    topic_id: str,
    files: Sequence[Path],
    progress: bool,
    on_finish: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import `files` into the warehouse for `topic_id`; raises a LitwatchError on the first bad file.

    `on_finish` receives the final summary once the run is recorded, also when a file failed (then
    just before the error is raised), so the CLI can print the summary line either way.
    """
    topic = get_topic(settings.topics_dir, topic_id)
    _check_files(files)
    with connect(settings.db_path, memory_limit=IMPORT_MEMORY_LIMIT) as con, _progress(progress) as bar:
        summary = ImportSummary(run_id=start_run(con, "import", topic.id))
        try:
            for path in files:
                task = bar.add_task(path.name, total=None) if bar else None
                result = load_file(
                    con, path, topic=topic.id, run_id=summary.run_id, on_batch=_advance(bar, task)
                )
                summary.files += 1
                summary.totals.add(result)
        except BaseException as exc:  # also Ctrl-C: the file is rolled back; never leave a 'running' run
            summary.files_failed = 1
            counts = summary.totals.run_counts(files=summary.files, files_failed=1)
            finish_run(con, summary.run_id, counts, error=str(exc) or type(exc).__name__)
            if on_finish is not None:
                on_finish(summary)
            if not isinstance(exc, LitwatchError):
                raise
            before = f" and the {summary.files} file(s) before it stay loaded" if summary.files else ""
            raise type(exc)(f"{str(exc).rstrip('.')}; nothing from this file was stored{before}.") from exc
        finish_run(con, summary.run_id, summary.totals.run_counts(files=summary.files, files_failed=0))
    if on_finish is not None:
        on_finish(summary)
    return summary


def _check_files(files: Sequence[Path]) -> None:
    """Refuse before the warehouse is opened, so a typo never starts a run."""
    if not files:
        raise InputError("Give at least one file to import.")
    for path in files:
        if not path.is_file():
            raise InputError(f"File {path} does not exist or is not a file.")


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A per-file counter of records parsed, on a terminal only."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        SpinnerColumn(),
        TextColumn("{task.completed:,} records parsed"),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        yield bar


def _advance(bar: Progress | None, task: TaskID | None) -> Callable[[int], None] | None:
    if bar is None or task is None:
        return None
    return lambda n: bar.advance(task, n)
