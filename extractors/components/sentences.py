"""Sentence boundaries for abstracts: every line (section label) starts a sentence, and so does an
upper-case, numeric or bracketed word after ". ! ?" unless the full stop belongs to an abbreviation
("vs.", "e.g.", "et al.").

Decimals and "P < .05" never split: a boundary needs whitespace after the full stop. Boundaries are
found on the text with one regular expression and written in one `Doc.from_array` call, because
per-token Python loops cost more than the rest of the pipeline.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy
import yaml
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractors.text import doc_text

DATA = Path(__file__).parent / "data"
CANDIDATE = re.compile(r"\n\s*(?=\S)|(?<=[.!?])[ \t]+(?=[A-Z0-9(\[\"'])")
LAST_WORD = re.compile(r"(\S+)$")


def sentence_start_offsets(text: str, abbreviations: frozenset[str]) -> list[int]:
    """Char offsets where sentences start (always including 0)."""
    starts = [0]
    for match in CANDIDATE.finditer(text):
        if match.group(0)[0] != "\n":
            before = LAST_WORD.search(text, max(0, match.start() - 20), match.start())
            if before is not None and before.group(1) in abbreviations:
                continue
        starts.append(match.end())
    return starts


class AbstractSentencizer:
    def __init__(self, abbreviations: frozenset[str]) -> None:
        self.abbreviations = abbreviations

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        token_starts = doc.to_array("IDX").astype("int64")
        flags = numpy.full(len(doc), -1, dtype="int64")
        offsets = numpy.asarray(sentence_start_offsets(doc_text(doc), self.abbreviations), dtype="int64")
        indices = numpy.searchsorted(token_starts, offsets)
        flags[indices[indices < len(doc)]] = 1
        flags[0] = 1
        doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc


@Language.factory(
    "litwatch_sentences",
    default_config={"abbreviations_file": "sentence_abbreviations.yaml"},
)
def make_sentences(nlp: Language, name: str, abbreviations_file: str) -> AbstractSentencizer:
    entries = yaml.safe_load((DATA / abbreviations_file).read_text(encoding="utf-8"))
    return AbstractSentencizer(frozenset(str(entry) for entry in entries))
