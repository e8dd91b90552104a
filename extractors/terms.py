"""Topic terms as regular expressions. Free of spaCy, so the warehouse readers can use them too."""

from __future__ import annotations

import re
from functools import lru_cache

from litwatch.topics import Topic


@lru_cache(maxsize=1024)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word alternation; terms of up to 3 characters ("Mg") match case-sensitively. Compiled once
    per set of terms (a topic's, or its outcomes' plus the abbreviations an abstract defines)."""
    parts = []
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        escaped = re.escape(term).replace(r"\ ", r"[\s-]+")
        parts.append(escaped if len(term) <= 3 else f"(?i:{escaped})")
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])") if parts else None


def intervention_pattern(topic: Topic) -> re.Pattern[str] | None:
    """Any of the topic's intervention terms and forms, as a whole word."""
    return term_pattern(tuple(topic.intervention.all_terms))
