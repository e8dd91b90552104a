"""The demo's terminal summary: a table per night, then the final verdicts and where everything is."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from litwatch.demo.runner import DemoNight, DemoResult


def _flags(reasons: dict[str, int]) -> str:
    total = sum(reasons.values())
    if not total:
        return "0"
    return f"{total} (" + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())) + ")"


def night_table(done: DemoNight) -> RenderableType:
    """What each topic saw and raised on one night."""
    night = done.night
    table = Table(title=f"Night {night.number} ({night.day:%Y-%m-%d})", title_justify="left")
    for column in ("topic", "new", "revised", "new relevant", "relevant", "flags", "digest"):
        table.add_column(column, justify="right" if column not in ("topic", "flags", "digest") else "left")
    for t in done.result.nights:
        digest = ".eml written" if t.digest_path else "none: nothing new to tell"
        table.add_row(t.topic, str(t.new), str(t.revised), str(t.new_relevant), str(t.relevant),
                      _flags(t.flag_reasons), digest)
    parts: list[RenderableType] = [table]
    parts.extend(Text(f"  scripted: {event}") for event in night.events)
    parts.extend(Text(f"  FAILED {f.topic}: {f.error}", style="red") for f in done.result.failures)
    return Group(*parts)


def final_summary(result: DemoResult) -> RenderableType:
    """Final verdicts per topic and outcome, then the paths of reports, digests and the warehouse."""
    verdicts = Table(title="Final verdicts", title_justify="left")
    for column in ("topic", "outcome", "verdict"):
        verdicts.add_column(column)
    last = result.nights[-1].result if result.nights else None
    for night in last.nights if last else []:
        if set(night.verdicts.values()) <= {"insufficient"}:
            # Nothing to tell apart: one line, not a row per outcome.
            verdicts.add_row(night.topic, f"all {len(night.verdicts)}", "insufficient evidence")
            continue
        for outcome, verdict in night.verdicts.items():
            verdicts.add_row(night.topic, outcome, verdict)
    settings = result.settings
    digests = result.digests()
    lines = [
        f"Reports (md + html + json): {settings.reports_dir}/",
        *(f"  {path}" for path in result.reports()),
        f"Digests (.eml, dry run): {settings.outbox_dir}/ ({len(digests)} file(s))",
        *(f"  {path.name}" for path in digests),
        f"Flags and everything else: {settings.db_path}",
        f"  e.g. LITWATCH_DB={settings.db_path} litwatch sql \"SELECT topic, pmid, reason FROM flags\"",
    ]
    return Group(verdicts, Text("\n".join(lines)))
