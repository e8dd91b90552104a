"""The indexed outcome mapping (one `cdist` per abstract, phrase lookups) maps every mention exactly as
the rules of `extractors.outcome_mapping` read one naming at a time, which this file spells out plainly."""

from __future__ import annotations

import random
import re
from pathlib import Path

from rapidfuzz import fuzz

from extractors.models import Abbreviation, Mention, OutcomeAttrs
from extractors.outcome_mapping import FUZZY_THRESHOLD, concept_for, map_mentions, normalise
from litwatch.topics import Better, Measure, Outcome, Topic, load_topic_file

TOPICS = sorted((Path(__file__).resolve().parents[1] / "topics").glob("*.yaml"))
WORD = re.compile(r"[A-Za-z0-9]+")


def _reference(text: str, abbreviations: list[Abbreviation], topic: Topic) -> tuple[str, Better] | None:
    """The straightforward mapping: every naming scored in topic order, the first best kept."""
    expanded = text
    for a in sorted(abbreviations, key=lambda a: len(a.short), reverse=True):
        expanded = re.sub(r"(?<![A-Za-z0-9])" + re.escape(a.short) + r"(?![A-Za-z0-9])", a.long, expanded)
    plain, wide = normalise(text), normalise(expanded)
    words = set(WORD.findall(text)) | set(WORD.findall(expanded))
    best: tuple[float, tuple[str, Better]] | None = None
    for outcome in topic.outcomes:
        namings: list[Outcome | Measure] = [outcome, *outcome.measures]
        for naming in namings:
            phrases = [normalise(p) for p in (naming.name, *naming.synonyms)]
            contained = [p for p in phrases if p and (f" {p} " in f" {plain} " or f" {p} " in f" {wide} ")]
            if plain in phrases or wide in phrases or text.strip() in naming.abbreviations:
                score = 100.0
            elif contained or any(a in words for a in naming.abbreviations):
                score = 90.0 + min(max((len(p) for p in contained), default=0), 99) / 10.0
            else:
                score = max(
                    max(fuzz.token_sort_ratio(plain, p), fuzz.token_sort_ratio(wide, p)) for p in phrases
                )
            if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
                best = (score, (outcome.name, naming.better))
    return best[1] if best else None


def _variants(phrase: str, rng: random.Random) -> list[str]:
    """The phrase as mentions write it: with context words, reordered, misspelt, hyphenated, cut."""
    words = phrase.split()
    cut = rng.randrange(len(phrase))
    return [
        phrase,
        phrase.upper(),
        f"change in {phrase}",
        f"{phrase} at week 8",
        f"mean {phrase} scores",
        " ".join(reversed(words)),
        "-".join(words),
        phrase[:cut] + phrase[cut + 1 :],
        phrase[:cut] + "x" + phrase[cut:],
        " ".join(words[:-1]) or phrase,
        " ".join(words[1:]) or phrase,
        f"{phrase} and {rng.choice(['blood pressure', 'sleep', 'mood', 'total sleep'])}",
    ]


def _cases(topic: Topic, rng: random.Random) -> list[tuple[str, list[Abbreviation]]]:
    namings: list[Outcome | Measure] = [*topic.outcomes, *(m for o in topic.outcomes for m in o.measures)]
    phrases = [p for n in namings for p in (n.name, *n.synonyms)]
    shorts = [a for o in topic.outcomes for a in o.all_abbreviations]
    cases: list[tuple[str, list[Abbreviation]]] = []
    for phrase in phrases:
        cases += [(text, []) for text in _variants(phrase, rng)]
        # An abbreviation the abstract defines, used alone and in context.
        short = "".join(w[0] for w in phrase.split()).upper()
        defined = [
            Abbreviation(short=short, long=phrase, short_start=0, short_end=0, long_start=0, long_end=0)
        ]
        cases += [
            (short, defined),
            (f"change in {short} score", defined),
            (f"{short}-related outcome", defined),
        ]
    for short in shorts:
        cases += [(short, []), (short.lower(), []), (f"global {short} score", []), (f" {short} ", [])]
    cases += [(text, []) for text in ("blood pressure", "adverse events", "sleep apnoea", "HbA1c", "mood")]
    return cases


def test_indexed_mapping_equals_the_straightforward_one_on_every_topic() -> None:
    rng = random.Random(5)
    compared = 0
    for path in TOPICS:
        topic = load_topic_file(path)
        for text, abbreviations in _cases(topic, rng):
            match = concept_for(text, abbreviations, topic)
            got = (match.outcome.name, match.better) if match else None
            assert got == _reference(text, abbreviations, topic), (topic.id, text)
            compared += 1
    assert compared > 500


def test_one_abstracts_mentions_map_together_as_they_do_one_at_a_time() -> None:
    topic = load_topic_file(TOPICS[0])
    cases = _cases(topic, random.Random(7))
    mentions = [
        Mention(
            kind="outcome",
            label="outcome",
            section="abstract",
            start_char=i,
            end_char=i + len(text),
            text=text,
            outcome=OutcomeAttrs(),
        )
        for i, (text, _) in enumerate(cases)
    ]
    together = [m.concept for m in map_mentions(mentions, [], topic)]
    assert together == [(r[0] if (r := _reference(m.text, [], topic)) else None) for m in mentions]
    assert sum(c is not None for c in together) > len(cases) // 2
