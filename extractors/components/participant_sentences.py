"""Which sentences of an abstract describe its participants: a linear (logistic) classifier over a
sentence's words and word pairs, its section heading, its place in the abstract and whether it is the
title. `litwatch_population` keeps age, sex and condition mentions only in such sentences, because the
annotated corpora (EBM-NLP) mark those descriptors only inside participant descriptions; a disease named
in the results or the background is not the population's condition.

Weights are trained by `extractors/training/train_participants.py` on the EBM-NLP crowd Participants spans
(Nguyen et al. 2017) and stored in `data/participant_sentences.json`; scoring a sentence costs a few dict
look-ups per word.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path

FEATURE_WORD = re.compile(r"[a-z]+|\d+")
# "METHODS Ten healthy volunteers ...", "PATIENTS AND METHODS: ...": an upper-case label opening a line.
HEADING = re.compile(r"^\W*([A-Z][A-Z /&,-]{3,40}?)\s*(?::|\s(?=[A-Z0-9(\[]))", re.MULTILINE)
POSITION_BUCKETS = 5


def sentence_features(text: str, ranges: list[tuple[int, int]], title_end: int) -> list[list[str]]:
    """The feature names of each sentence (char ranges into `text`); the title is the text before
    `title_end`."""
    headings = [(m.start(), m.group(1).strip().lower()) for m in HEADING.finditer(text)]
    body = [i for i, (start, _) in enumerate(ranges) if start >= title_end]
    place_in_body = {sentence: place for place, sentence in enumerate(body)}
    features: list[list[str]] = []
    for index, (start, end) in enumerate(ranges):
        words = ["0" if w[0].isdigit() else w for w in FEATURE_WORD.findall(text[start:end].lower())]
        names = {
            "bias",
            *(f"w:{w}" for w in words),
            *(f"b:{a}_{b}" for a, b in pairwise(words)),
        }
        if start < title_end:
            names.add("title")
        else:
            heading = next((label for at, label in reversed(headings) if at <= start), "none")
            names.add(f"h:{heading}")
            names.add(f"pos:{POSITION_BUCKETS * place_in_body[index] // len(body)}")
        features.append(sorted(names))
    return features


@dataclass(frozen=True)
class ParticipantSentences:
    weights: dict[str, float]
    threshold: float

    @classmethod
    def load(cls, path: Path) -> ParticipantSentences:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["threshold"]))

    def probability(self, names: Iterable[str]) -> float:
        score = sum(map(self.weights.get, names, repeat(0.0)))  # the same sum, in the same order
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def flags(self, text: str, ranges: list[tuple[int, int]], title_end: int) -> list[bool]:
        """For each sentence: does it describe the participants?"""
        return [
            self.probability(names) >= self.threshold for names in sentence_features(text, ranges, title_end)
        ]
