"""The `litwatch` command: one short function per command, each calling one library function."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from litwatch.config import Settings
from litwatch.errors import LitwatchError
from litwatch.topics import load_topics

app = typer.Typer(
    help="Watch PubMed for curated topics and keep each topic's evidence summary current.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
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


def main() -> None:
    """Console entry point: user mistakes become one sentence on stderr and exit code 1."""
    try:
        app()
    except LitwatchError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
