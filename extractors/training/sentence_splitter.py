"""The project tokenizer and abstract sentencizer on a blank pipeline, so the training scripts read the
sentences extraction reads."""

from __future__ import annotations

import spacy
from spacy.language import Language

from extractors.components import register_all

TOKENIZER = {"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}}


def sentence_splitter() -> Language:
    """Tokenizer + the project's abstract sentencizer: the same boundaries extraction uses."""
    register_all()
    nlp = spacy.blank("en", config=TOKENIZER)
    nlp.add_pipe("litwatch_sentences")
    return nlp
