"""Abbreviation definitions in text, after Schwartz & Hearst (2003): "A simple algorithm for identifying
abbreviation definitions in biomedical text", Pacific Symposium on Biocomputing 8:451-462.

For each parenthesis "long form (SF)" (or "SF (long form)"), the short form must be 2-10 characters, at
most two words, start with a letter or digit and contain a letter; the long form is the shortest run of
preceding words (at most min(|SF| + 5, 2|SF|)) whose characters match the short form's from right to left,
the first short-form character starting a word. Results go on `doc._.abbreviations` as
`extractors.models.Abbreviation` (Doc char offsets).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.models import Abbreviation
from extractors.text import doc_text, sentence_ranges

PARENTHESIS = re.compile(r"\(([^()]{1,80})\)")
WORD = re.compile(r"\S+")


def is_short_form(candidate: str) -> bool:
    words = candidate.split()
    return (
        2 <= len(candidate) <= 10
        and len(words) <= 2
        and candidate[0].isalnum()
        and any(ch.isalpha() for ch in candidate)
    )


def best_long_form(short: str, long: str) -> int | None:
    """Start index in `long` of the shortest suffix that defines `short`, or None (S&H Fig. 2)."""
    s_index = len(short) - 1
    l_index = len(long) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (
            long[l_index].lower() != char or (s_index == 0 and l_index > 0 and long[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    return long.rfind(" ", 0, l_index + 1) + 1


def _preceding_words(text: str, end: int, limit: int, floor: int) -> int:
    """Start offset of the last `limit` words before `end`, not before `floor` (the sentence start)."""
    starts = [m.start() + floor for m in WORD.finditer(text[floor:end])]
    return starts[-limit] if len(starts) >= limit else (starts[0] if starts else end)


def find_abbreviations(text: str, sentence_starts: list[int]) -> list[Abbreviation]:
    found: list[Abbreviation] = []
    for match in PARENTHESIS.finditer(text):
        inner = match.group(1).split(";")[0].split(",")[0].strip()
        inner_start = text.index(inner, match.start(1)) if inner else match.start(1)
        floor = max((s for s in sentence_starts if s <= match.start()), default=0)
        before_end = match.start()
        while before_end > floor and text[before_end - 1].isspace():
            before_end -= 1
        if is_short_form(inner):
            limit = min(len(inner) + 5, 2 * len(inner))
            window_start = _preceding_words(text, before_end, limit, floor)
            candidate = _definition(inner, inner_start, text, window_start, before_end)
        else:
            # Reversed form "SF (long form)": the word before the parenthesis is the short form.
            word_start = _preceding_words(text, before_end, 1, floor)
            short = text[word_start:before_end]
            candidate = None
            if is_short_form(short) and len(inner.split()) <= min(len(short) + 5, 2 * len(short)):
                candidate = _definition(short, word_start, text, inner_start, inner_start + len(inner))
        if candidate is not None:
            found.append(candidate)
    return found


def _definition(
    short: str, short_start: int, text: str, long_start: int, long_end: int
) -> Abbreviation | None:
    window = text[long_start:long_end]
    start = best_long_form(short, window)
    if start is None:
        return None
    long = window[start:]
    if len(long) <= len(short) or short.lower() in long.lower().split():
        return None
    return Abbreviation(
        short=short,
        long=long,
        short_start=short_start,
        short_end=short_start + len(short),
        long_start=long_start + start,
        long_end=long_end,
    )


class AbbreviationDetector:
    def __call__(self, doc: Doc) -> Doc:
        starts = [start for start, _ in sentence_ranges(doc)]
        doc._.abbreviations = find_abbreviations(doc_text(doc), starts)
        return doc


@Language.factory("litwatch_abbreviations")
def make_abbreviations(nlp: Language, name: str) -> AbbreviationDetector:
    return AbbreviationDetector()
