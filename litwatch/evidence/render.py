"""Render a `Report` as JSON (the source of truth), Markdown or a single self-contained HTML file.

Templates live beside this module; HTML is autoescaped (titles and sentences come from PubMed), and
Markdown backslash-escapes the characters a Markdown viewer would treat as HTML, so the plain text
still reads "p < 0.001".
"""

from __future__ import annotations

import re
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from litwatch.evidence.chart import chart_layout
from litwatch.evidence.report import Report

ReportFormat = Literal["md", "html", "json"]


_MARKDOWN_HTML = re.compile(r"([\\<>&])")


def _markdown_text(value: object) -> str:
    """CommonMark backslash escapes: inert in a viewer, readable as plain text."""
    return _MARKDOWN_HTML.sub(r"\\\1", str(value))


def _full_stop(value: str) -> str:
    """End a title with a full stop unless it already ends with punctuation (PubMed titles often do)."""
    return value if value.rstrip().endswith((".", "?", "!")) else f"{value}."


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("litwatch.evidence", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown_text
    env.filters["full_stop"] = _full_stop
    return env


def render_markdown(report: Report) -> str:
    return _environment().get_template("report.md.j2").render(r=report)


def render_html(report: Report) -> str:
    outcomes = [{"outcome": o, "chart": chart_layout(o)} for o in report.outcomes]
    return _environment().get_template("report.html.j2").render(r=report, outcomes=outcomes)


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render(report: Report, fmt: ReportFormat) -> str:
    renderers = {"md": render_markdown, "html": render_html, "json": render_json}
    return renderers[fmt](report)
