"""Layout of an outcome's evidence chart: one circle per study, row by tier, column by effect, area by
participants. Only numbers and labels are computed here; the HTML template draws the SVG (escaped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from litwatch.evidence.report import ReportOutcome
from litwatch.evidence.tiers import TIER_LABELS

EFFECT_COLUMNS = ("harm", "null", "unclear", "benefit")
EFFECT_COLOURS = {"harm": "#c0392b", "null": "#7f8c8d", "unclear": "#b7950b", "benefit": "#1e8449"}
LEFT, TOP, ROW, COLUMN = 250, 30, 34, 110
MIN_RADIUS, MAX_RADIUS = 3.0, 15.0
FULL_SIZE = 1000  # participants at which a circle reaches its largest; one scale for every chart


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    colour: str
    hollow: bool  # sample size unknown
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class ChartLayout:
    width: int
    height: int
    rows: list[AxisLabel]
    columns: list[AxisLabel]
    circles: list[Circle]
    grid_left: int
    grid_right: int


def _radius(participants: int | None) -> float:
    """Area grows with participants on a fixed scale, so charts of different outcomes compare."""
    if not participants:
        return MIN_RADIUS + 2
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(min(participants, FULL_SIZE) / FULL_SIZE)


def chart_layout(outcome: ReportOutcome) -> ChartLayout:
    """Positions for every study on the outcome; studies sharing a cell are spread side by side."""
    cells: dict[tuple[int, str], list[int]] = {}
    for index, point in enumerate(outcome.points):
        cells.setdefault((point.tier, point.effect), []).append(index)
    circles = []
    for (tier, effect), members in sorted(cells.items()):
        centre_x = LEFT + COLUMN * (EFFECT_COLUMNS.index(effect) + 0.5)
        step = min(2 * MAX_RADIUS + 2, (COLUMN - 2 * MAX_RADIUS) / max(len(members) - 1, 1))
        for slot, index in enumerate(members):
            point = outcome.points[index]
            size = f"{point.participants} participants" if point.participants else "sample size not reported"
            circles.append(
                Circle(
                    x=round(centre_x + (slot - (len(members) - 1) / 2) * step, 1),
                    y=TOP + ROW * (tier - 0.5),
                    r=round(_radius(point.participants), 1),
                    colour=EFFECT_COLOURS[effect],
                    hollow=not point.participants,
                    label=f"PMID {point.pmid}: {point.title} ({effect}, {size})",
                )
            )
    height = TOP + ROW * len(TIER_LABELS) + 10
    return ChartLayout(
        width=LEFT + COLUMN * len(EFFECT_COLUMNS) + 10,
        height=height,
        rows=[AxisLabel(LEFT - 8, TOP + ROW * (t - 0.5) + 4, label) for t, label in TIER_LABELS.items()],
        columns=[AxisLabel(LEFT + COLUMN * (i + 0.5), TOP - 12, e) for i, e in enumerate(EFFECT_COLUMNS)],
        circles=circles,
        grid_left=LEFT,
        grid_right=LEFT + COLUMN * len(EFFECT_COLUMNS),
    )
