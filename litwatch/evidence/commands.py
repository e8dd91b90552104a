"""Entry points for the `summarise`, `report` and `flags` commands: open the warehouse, call the step.

Kept apart from `service` so the nightly flow can call the steps on a connection it already holds.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from litwatch.config import Settings
from litwatch.errors import InputError
from litwatch.evidence.diff import Flag
from litwatch.evidence.render import ReportFormat, render
from litwatch.evidence.service import SummaryResult, summarise_topic, topic_flags, topic_report
from litwatch.topics import get_topic
from warehouse.connection import connect
from warehouse.runs import RunCounts, finish_run, start_run

REPORT_FORMATS: tuple[ReportFormat, ...] = ("md", "html", "json")


def run_summarise(settings: Settings, topic_id: str) -> SummaryResult:
    """Summarise one topic in its own `summarise` run (recorded in `runs`)."""
    topic = get_topic(settings.topics_dir, topic_id)
    with connect(settings.db_path) as con:
        run_id = start_run(con, "summarise", topic.id)
        try:
            result = summarise_topic(con, topic, run_id)
        except Exception as exc:
            finish_run(con, run_id, RunCounts(), error=str(exc).splitlines()[0] if str(exc) else repr(exc))
            raise
        finish_run(con, run_id, RunCounts(detail={"flags": len(result.flags)}))
    return result


def _write_whole(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a failure never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def produce_report(
    settings: Settings, topic_id: str, fmt: str, out: Path | None, *, now: datetime | None = None
) -> str:
    """The topic's report in `fmt`; written whole to `out` when given. Returns the rendered text."""
    if fmt not in REPORT_FORMATS:
        raise InputError(f"Unknown report format '{fmt}' (use md, html or json).")
    return produce_reports(settings, topic_id, {fmt: out}, now=now)[fmt]


def produce_reports(
    settings: Settings,
    topic_id: str,
    outputs: Mapping[ReportFormat, Path | None],
    *,
    now: datetime | None = None,
) -> dict[ReportFormat, str]:
    """The topic's report built once and rendered in each format of `outputs`; each text is written
    whole to its path when given. Returns the rendered texts by format."""
    topic = get_topic(settings.topics_dir, topic_id)
    with connect(settings.db_path, read_only=True) as con:
        report = topic_report(con, topic, now=now)
    texts = {fmt: render(report, fmt) for fmt in outputs}
    for fmt, out in outputs.items():
        if out is not None:
            _write_whole(out, texts[fmt])
    return texts


def read_flags(settings: Settings, topic_id: str, run_id: str | None) -> list[Flag]:
    """Flags of one run of the topic (default: its latest summarised run)."""
    topic = get_topic(settings.topics_dir, topic_id)
    with connect(settings.db_path, read_only=True) as con:
        return topic_flags(con, topic.id, run_id)


def flags_json(flags: list[Flag]) -> str:
    """The flags as a JSON array; unset detail fields are omitted, `from`/`to` keep their names."""
    rows = [
        {
            "pmid": f.pmid,
            "run_id": f.run_id,
            "reason": f.reason,
            "outcome": f.outcome,
            "detail": json.loads(f.detail.to_json()),
        }
        for f in flags
    ]
    return json.dumps(rows, indent=2) + "\n"
