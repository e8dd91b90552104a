"""Regex alternations of literal phrases, built as character tries.

Python's regex engine tries the branches of "seventeen|seven|..." one after another at every position;
a trie ("seven(?:teen|ty)?") shares the prefixes, which makes scanning several times faster. Longer
continuations are tried before stopping, so the longest phrase wins, as in a longest-first list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_Trie = dict[str, "_Trie"]


def _trie_regex(node: _Trie) -> str:
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def literal_alternation(phrases: Iterable[str]) -> str:
    """A regex (no groups that capture) matching any of the lower-cased phrases, longest first; compile it
    with re.IGNORECASE."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for char in phrase.lower():
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here
    return _trie_regex(trie)
