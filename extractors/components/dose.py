"""Dose mentions: amount (single or range) + unit, per what, frequency, duration, compound and form,
normalised to mg/day where the text allows. Spans go to `doc.spans["dose"]`, attrs on `span._.dose`.

mmol and mEq become mg only for magnesium (24.305 mg/mmol; 1 mEq = 0.5 mmol); IU and mL never do.
A number + unit followed by a concentration denominator ("0.8 mmol/L") or after a lab word
("serum magnesium 2 mg/dL") is a measurement, not a dose; so is a number after a spread sign
("14 ± 3 mg"), and an amount after "consumption" or "requirements" is an outcome.
Infusion rates ("1 g/h") are doses per hour, with no mg/day (the infusion's length is rarely stated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.models import DoseAttrs
from extractors.text import doc_text, sentence_ranges

DATA = Path(__file__).parent / "data"
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
RANGE_JOIN = r"\s*(?:-|–|—|to|and)\s*"
# "12 ± 3 mg", "SD 3 mg": the number is a spread around a mean, not an amount given.
_DISPERSION_BEFORE = re.compile(r"(?:±|\+/-|\+-|\bSD|\bSEM?)\s*[=:]?\s*$")


def parse_number(text: str, words: dict[str, float] | None = None) -> float:
    lowered = text.lower()
    if words and lowered in words:
        return float(words[lowered])
    return float(text.replace(",", ""))


@dataclass(frozen=True)
class DoseLexicon:
    """The compiled contents of data/dose.yaml."""

    amount: re.Pattern[str]
    unit_names: dict[str, str]
    unit_patterns: list[tuple[str, re.Pattern[str]]]
    unit_mg: dict[str, float | None]
    magnesium_mg_per_mmol: float
    concentration_after: re.Pattern[str]
    lab_before: re.Pattern[str]
    per: list[tuple[str, re.Pattern[str]]]
    frequencies: list[tuple[re.Pattern[str], float]]
    interval: re.Pattern[str]
    interval_unit_hours: dict[str, float]
    not_duration_before: re.Pattern[str]
    not_duration_after: re.Pattern[str]
    duration: re.Pattern[str]
    duration_unit_days: dict[str, float]
    compounds: re.Pattern[str]
    elemental: re.Pattern[str]
    forms: re.Pattern[str]
    numbers: dict[str, float]

    @classmethod
    def load(cls, path: Path) -> DoseLexicon:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        units: dict[str, list[Any]] = data["units"]
        unit_alternatives = "|".join(f"(?:{surface})" for surface, _ in units.values())
        amount = re.compile(
            rf"(?<![\w.,/⁄])(?P<low>{NUMBER})(?:{RANGE_JOIN}(?P<high>{NUMBER}))?\s*(?P<unit>{unit_alternatives})(?![\w])"
        )
        compounds = sorted(data["compounds"], key=len, reverse=True)
        flags = re.IGNORECASE
        return cls(
            amount=amount,
            unit_names={name: name for name in units},
            unit_patterns=[(name, re.compile(rf"(?:{surface})$")) for name, (surface, _) in units.items()],
            unit_mg={name: factor for name, (_, factor) in units.items()},
            magnesium_mg_per_mmol=float(data["magnesium_mg_per_mmol"]),
            concentration_after=re.compile(data["concentration_after"], flags),
            lab_before=re.compile(data["lab_before"], flags),
            per=[(name, re.compile(pattern, flags)) for name, pattern in data["per"].items()],
            frequencies=[(re.compile(p, flags), float(v)) for p, v in data["frequencies"].items()],
            interval=re.compile(data["interval"], flags),
            interval_unit_hours={k: float(v) for k, v in data["interval_unit_hours"].items()},
            not_duration_before=re.compile(data["not_duration_before"], flags),
            not_duration_after=re.compile(data["not_duration_after"], flags),
            duration=re.compile(data["duration"], flags),
            duration_unit_days={k: float(v) for k, v in data["duration_unit_days"].items()},
            compounds=re.compile(r"\b(?:" + "|".join(re.escape(c) for c in compounds) + r")\b", flags),
            elemental=re.compile(data["elemental"], flags),
            forms=re.compile(data["forms"], flags),
            numbers={k: float(v) for k, v in data["numbers"].items()},
        )

    def canonical_unit(self, surface: str) -> str:
        return next(name for name, pattern in self.unit_patterns if pattern.fullmatch(surface))


@dataclass(frozen=True)
class DoseFinding:
    """One dose in a sentence: the amount span (sentence-relative offsets), its attrs and its parts."""

    start: int
    end: int
    attrs: DoseAttrs
    parts: list[tuple[str, int, int]]


class DoseExtractor:
    def __init__(self, lexicon: DoseLexicon, window: int) -> None:
        self.lexicon = lexicon
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        text = doc_text(doc)
        for base, end in sentence_ranges(doc):
            for finding in self.find(text[base:end]):
                amount = doc.char_span(
                    base + finding.start, base + finding.end, "amount", alignment_mode="expand"
                )
                if amount is None:
                    continue
                amount._.dose = finding.attrs
                spans.append(amount)
                for label, start, end in finding.parts:
                    part = doc.char_span(base + start, base + end, label, alignment_mode="expand")
                    if part is not None:
                        part._.dose = finding.attrs
                        spans.append(part)
        doc.spans["dose"] = spans
        return doc

    def find(self, text: str) -> list[DoseFinding]:
        """Doses in one sentence; public so tests and scoring can run it on plain strings."""
        lex = self.lexicon
        findings: list[DoseFinding] = []
        for match in lex.amount.finditer(text):
            after = text[match.end() :]
            if lex.concentration_after.match(after) and not any(p.match(after) for _, p in lex.per):
                continue
            before = text[max(0, match.start() - 60) : match.start()]
            if lex.lab_before.search(before) or _DISPERSION_BEFORE.search(before):
                continue
            findings.append(self._finding(text, match))
        return findings

    def _finding(self, text: str, match: re.Match[str]) -> DoseFinding:
        lex = self.lexicon
        unit = lex.canonical_unit(match.group("unit"))
        low = parse_number(match.group("low"))
        high = parse_number(match.group("high")) if match.group("high") else low
        after = text[match.end() :]
        per = next((name for name, pattern in lex.per if pattern.match(after)), None)
        window_end = min(len(text), match.end() + self.window)
        window_start = max(0, match.start() - self.window)
        parts: list[tuple[str, int, int]] = []

        frequency = self._first(lex.frequencies, text, match.end(), window_end)
        interval = self._interval(text, match.end(), window_end)
        if interval is not None and (frequency is None or interval[1] < frequency[1]):
            frequency = interval
        frequency_per_day = None
        if frequency is not None:
            frequency_per_day = frequency[0]
            parts.append(("frequency", frequency[1], frequency[2]))
        duration_days = None
        duration = self._duration(text)
        if duration is not None:
            duration_days = self._duration_days(duration)
            parts.append(("duration", duration.start(), duration.end()))
        compound_match = self._nearest(lex.compounds, text, window_start, window_end, match.start())
        compound = None
        if compound_match is not None:
            compound = compound_match.group(0).lower()
            parts.append(("compound", compound_match.start(), compound_match.end()))
        form_match = self._nearest(lex.forms, text, window_start, window_end, match.start())
        elemental = True if lex.elemental.search(text, window_start, window_end) else None
        is_magnesium = "magnesium" in text.lower() or bool(re.search(r"\bMg(?:SO4|O|Cl2|2\+)?\b", text))
        mg_low, mg_high = self._mg_per_day(unit, low, high, per, frequency_per_day, is_magnesium)
        attrs = DoseAttrs(
            amount_low=low,
            amount_high=high,
            unit=unit,
            per="kg_day" if per == "kg_day" else per,  # type: ignore[arg-type]
            frequency_per_day=frequency_per_day if per != "day" else (frequency_per_day or 1.0),
            duration_days=duration_days,
            compound=compound,
            form=form_match.group(0).lower() if form_match else None,
            elemental=elemental,
            mg_per_day_low=mg_low,
            mg_per_day_high=mg_high,
        )
        return DoseFinding(match.start(), match.end(), attrs, parts)

    @staticmethod
    def _first(
        patterns: list[tuple[re.Pattern[str], float]], text: str, start: int, end: int
    ) -> tuple[float, int, int] | None:
        best: tuple[float, int, int] | None = None
        for pattern, value in patterns:
            found = pattern.search(text, start, end)
            if found and (best is None or found.start() < best[1]):
                best = (value, found.start(), found.end())
        return best

    @staticmethod
    def _nearest(
        pattern: re.Pattern[str], text: str, start: int, end: int, anchor: int
    ) -> re.Match[str] | None:
        matches = list(pattern.finditer(text, start, end))
        return min(matches, key=lambda m: abs(m.start() - anchor), default=None)

    def _interval(self, text: str, start: int, end: int) -> tuple[float, int, int] | None:
        """Doses per day from "every 8 hours" (3), "q12h" (2), "every 21 days", "every other day" (0.5)."""
        found = self.lexicon.interval.search(text, start, end)
        if found is None:
            return None
        if found.group("qn"):
            hours = float(found.group("qn"))
        else:
            count = 2.0 if found.group("other") else parse_number(found.group("n"), self.lexicon.numbers)
            unit = found.group("unit").lower().rstrip("s")
            hours = count * self.lexicon.interval_unit_hours[unit]
        return (round(24 / hours, 6), found.start(), found.end()) if hours > 0 else None

    def _duration(self, text: str) -> re.Match[str] | None:
        """The sentence's first dosing duration: "for 8 weeks", or a bare "8-week" / "12 weeks" that is
        no age, interval or time point."""
        lex = self.lexicon
        for found in lex.duration.finditer(text):
            bare = found.group("n2") is not None
            before = text[max(0, found.start() - 24) : found.start()]
            if bare and (
                lex.not_duration_before.search(before) or lex.not_duration_after.match(text, found.end())
            ):
                continue
            return found
        return None

    def _duration_days(self, found: re.Match[str]) -> float | None:
        amount = found.group("n") or found.group("n2")
        unit = (found.group("unit") or found.group("unit2")).lower().rstrip("s")
        factor = self.lexicon.duration_unit_days.get(unit)
        if factor is None:
            return None
        return round(parse_number(amount, self.lexicon.numbers) * factor, 2)

    def _mg_per_day(
        self, unit: str, low: float, high: float, per: str | None, per_day: float | None, is_magnesium: bool
    ) -> tuple[float | None, float | None]:
        factor = self.lexicon.unit_mg.get(unit)
        if unit == "mmol" and is_magnesium:
            factor = self.lexicon.magnesium_mg_per_mmol
        elif unit == "mEq" and is_magnesium:
            factor = self.lexicon.magnesium_mg_per_mmol / 2
        if factor is None or per in ("kg", "kg_day", "week", "hour"):
            return None, None
        if per == "day":
            multiplier = 1.0
        elif per_day is not None:
            multiplier = per_day
        else:
            return None, None
        return round(low * factor * multiplier, 3), round(high * factor * multiplier, 3)


@Language.factory("litwatch_dose", default_config={"lexicon_file": "dose.yaml", "window": 80})
def make_dose(nlp: Language, name: str, lexicon_file: str, window: int) -> DoseExtractor:
    return DoseExtractor(DoseLexicon.load(DATA / lexicon_file), window)
