"""A trained part of the pipeline: a saved spaCy pipeline plus its training record (`training.json`).

It lives in its component's own folder of the packaged pipeline (`extractors/model/<component>/`): the
training scripts write it there, the component's `from_disk` reads it and its `to_disk` writes it back
unchanged (spaCy re-serialises a loaded pipeline byte for byte), so every weight has one copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

TRAINING_RECORD = "training.json"


@dataclass(frozen=True)
class TrainedPart:
    nlp: Language
    record: str  # training.json verbatim, so packaging rewrites it byte for byte

    @classmethod
    def load(cls, path: Path) -> TrainedPart:
        return cls(spacy.load(path), (path / TRAINING_RECORD).read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        self.nlp.to_disk(path)
        (path / TRAINING_RECORD).write_text(self.record, encoding="utf-8")

    @property
    def training(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.record)
        return loaded


def loaded(part: TrainedPart | None, component: str) -> TrainedPart:
    """The component's trained part, or a clear error when the component was created without one."""
    if part is None:
        raise ValueError(
            f"{component} has no trained part: load the packaged pipeline (spacy.load('extractors/model')), "
            f"add it with source=, or call its from_disk"
        )
    return part
