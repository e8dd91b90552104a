"""The literal-phrase trie alternation matches what a longest-first list of the phrases matches."""

from __future__ import annotations

import re

from extractors.phrase_regex import literal_alternation


def test_longest_phrase_wins_as_in_a_longest_first_list() -> None:
    words = ["seven", "seventeen", "seventy", "six", "sixteen"]
    trie = re.compile(rf"\b(?:{literal_alternation(words)})", re.IGNORECASE)
    listed = re.compile(r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")", re.IGNORECASE)
    text = "Seventeen boys, seventy girls, six men and sixteen women; seven left."
    assert [m.group(0) for m in trie.finditer(text)] == [m.group(0) for m in listed.finditer(text)]
    assert [m.group(0) for m in trie.finditer(text)] == ["Seventeen", "seventy", "six", "sixteen", "seven"]


def test_phrases_are_literal_and_case_folded() -> None:
    pattern = re.compile(rf"^(?:{literal_alternation(['a.b (c)', 'N+'])})$", re.IGNORECASE)
    assert pattern.match("A.B (C)") and pattern.match("n+")
    assert not pattern.match("axb (c)") and not pattern.match("nn")


def test_no_phrases_match_only_the_empty_string() -> None:
    assert literal_alternation([]) == ""
