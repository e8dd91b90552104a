"""Scores as rich tables (for the terminal) and JSON (for the README and CI)."""

from __future__ import annotations

import json

from rich.console import Group
from rich.table import Table
from rich.text import Text

from extractors.scoring.metrics import DatasetScore


def score_table(score: DatasetScore) -> Group:
    table = Table(
        "field",
        "level",
        "support",
        "precision",
        "recall",
        "F1",
        "accuracy",
        title=f"{score.dataset}: {score.split}",
    )
    for row in score.fields:
        cells = (row.precision, row.recall, row.f1, row.accuracy)
        table.add_row(
            row.field, row.level, str(row.support), *("-" if c is None else f"{c:.3f}" for c in cells)
        )
    published = [
        Text(f"  reported: {f.field} {f.metric} {f.value:.3f} ({f.source})") for f in score.published
    ]
    return Group(table, *published)


def scores_json(scores: list[DatasetScore]) -> str:
    return json.dumps([score.model_dump() for score in scores], indent=2)
