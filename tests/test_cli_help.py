"""Every command's `--help` on an 80-column terminal: an example naming the command, prose reflowed."""

from __future__ import annotations

from itertools import pairwise

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from litwatch.cli import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
WIDTH = 80


def _help_text(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": str(WIDTH), "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return result.output


def _description_lines(help_text: str) -> list[str]:
    """The lines between the usage line and the first option panel."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.lstrip().startswith("╭"))
    return [line.rstrip() for line in lines[start:end]]


def test_the_cli_has_the_commands_the_readme_lists() -> None:
    listed = {"import", "sql", "topics", "extract", "summarise", "report", "digest", "harvest", "run", "demo"}
    assert listed <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_its_description_with_an_example_of_the_command(command: str) -> None:
    description = " ".join(" ".join(_description_lines(_help_text(command))).split())
    assert f"Example: litwatch {command}" in description


@pytest.mark.parametrize("command", COMMANDS)
def test_help_prose_is_reflowed_to_the_terminal_not_broken_where_the_docstring_breaks(command: str) -> None:
    lines = _description_lines(_help_text(command))
    for line, following in pairwise(lines):
        if line and following:
            # Within a paragraph a line ends early only when the next word would not have fitted.
            assert len(line) + 1 + len(following.split()[0]) > WIDTH - 1, f"{line!r} / {following!r}"
