"""Tokenizer for abstracts: English defaults plus splits for numbers glued to units, ranges and signs.

"320-729mg" -> 320 - 729 mg; "p<0.05" -> p < 0.05; "12.5±3.2" -> 12.5 ± 3.2; "n=120" -> n = 120.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

EXTRA_INFIXES = [
    r"(?<=[0-9])[-–—](?=[0-9])",  # numeric ranges 320-729, 5–10
    r"[<>=±≤≥]",  # comparison and plus-minus signs
    r"(?<=[0-9])(?=(?:mg|g|µg|μg|mcg|ug|mmol|mEq|IU|kg|mL|ml|wk|d)\b)",  # 729mg -> 729 mg
    r"(?<=[0-9])/(?=[a-zA-Z])",  # 10/day
    r"(?<=[a-zA-Zµμ])/(?=[0-9])",  # 440mg/50mg
]
EXTRA_PREFIXES = [r"[<>=±≤≥~]"]


@registry.tokenizers("litwatch_abstract_tokenizer.v1")
def create_abstract_tokenizer() -> Callable[[Language], Tokenizer]:
    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = English.Defaults
        infixes = list(defaults.infixes or []) + EXTRA_INFIXES
        prefixes = list(defaults.prefixes or []) + EXTRA_PREFIXES
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search,
            suffix_search=compile_suffix_regex(list(defaults.suffixes or [])).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make_tokenizer
