"""Turn a result clause into the text the finding classifier reads: marked arms and outcome plus cue tokens.

The same function serves training (Evidence Inference prompts, where intervention and comparator are
known) and extraction (where only generic comparators such as "placebo" can be marked), so what the
classifier learns is what it sees at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from extractors.findings.arms import compare_arms
from extractors.findings.spans import CharSpan
from extractors.findings.statistics import Statistics, parse_statistics
from extractors.phrase_regex import literal_alternation

CUES_PATH = Path(__file__).with_name("cues.yaml")
INTERVENTION_MARK = "intvx"
COMPARATOR_MARK = "compx"
OUTCOME_MARK = "outcx"
# A phrase of the prompt is located in a sentence when rapidfuzz's partial_ratio alignment reaches this.
ARM_MATCH_THRESHOLD = 80
CLAUSE_BREAK = re.compile(
    r";|,\s+and\b|\bwhereas\b|\bwhile\b|\bbut\b|\bhowever\b|\balthough\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Cues:
    """The cue lexicon, compiled once."""

    not_significant: re.Pattern[str]
    significant: re.Pattern[str]
    increase: re.Pattern[str]
    decrease: re.Pattern[str]
    improve: re.Pattern[str]
    worsen: re.Pattern[str]
    comparator: re.Pattern[str]
    intervention: re.Pattern[str]


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases as whole words, case-insensitive; the longest one wins where several match."""
    return re.compile(r"\b(?:" + literal_alternation(phrases) + r")\b", re.IGNORECASE)


@cache
def load_cues(path: Path = CUES_PATH) -> Cues:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Cues(**{name: _phrase_pattern(data[name]) for name in Cues.__dataclass_fields__})


@cache
def generic_arm_words(path: Path = CUES_PATH) -> frozenset[str]:
    """Words that never name an arm on their own ("group", "daily", "weeks")."""
    return frozenset(yaml.safe_load(path.read_text(encoding="utf-8"))["generic_arm_words"])


@cache
def outcome_stop_words(path: Path = CUES_PATH) -> frozenset[str]:
    """Words of an outcome description that say nothing about which outcome it is ("mean", "the")."""
    return frozenset(yaml.safe_load(path.read_text(encoding="utf-8"))["outcome_stop_words"])


def locate_phrase(phrase: str, text: str, threshold: float = ARM_MATCH_THRESHOLD) -> CharSpan | None:
    """Where a prompt phrase (an arm or an outcome) best matches inside `text`, if it matches well enough."""
    phrase = phrase.strip()
    if not phrase or not text:
        return None
    alignment = fuzz.partial_ratio_alignment(phrase.lower(), text.lower())
    if alignment is None or alignment.score < threshold:
        return None
    return CharSpan(alignment.dest_start, alignment.dest_end)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+-]{2,}")


def _distinctive(word: str) -> bool:
    """A single word names an arm only if it is specific: an acronym ("CLF", "NVA237") or a long word."""
    return sum(c.isupper() or c.isdigit() for c in word) >= 2 or len(word) >= 7


_ACRONYM_SKIP = frozenset({"of", "and", "the", "with", "plus", "in", "for", "to", "a", "an", "or"})


def _initials(head: str) -> str | None:
    """The acronym of a 3-6 word name ("Cyclophosphamide Methotrexate Fluorouracil" -> "CMF")."""
    words = [w for w in re.findall(r"[A-Za-z]+", head) if w.lower() not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words).upper() if 3 <= len(words) <= 6 else None


_GROUP_LABEL = re.compile(r"\b(?:groups?|arms?)\s+([A-Z]|[IVX]{1,4}|\d{1,2})\b(?![.,]\d)", re.IGNORECASE)


def _group_labels(description: str) -> list[str]:
    """The labels of "group A", "arm 2", "groups II" in an arm description."""
    return [match[1] for match in _GROUP_LABEL.finditer(description)]


def arm_keys(description: str, other: str = "") -> list[str]:
    """Short names an arm goes by in a sentence: the description, its parts in and before brackets,
    its specific words that the other arm's description lacks ("CLF" for "controlled limited formula
    (CLF)"), and the initials of its name ("CMF")."""
    description = description.strip()
    keys = [description, *re.findall(r"\(([^()]{2,40})\)", description)]
    head = description.split("(")[0].strip()
    if head:
        keys.append(head)
        initials = _initials(head)
        if initials and initials != _initials(other.split("(")[0]):
            keys.append(initials)
    # "Group A: ...", "(group II)", "... in group 1": the label a sentence may use instead ("group II",
    # "II group"; not "A group", which reads as "a group").
    other_labels = {label.lower() for label in _group_labels(other)}
    for label in _group_labels(description):
        if label.lower() not in other_labels:
            keys.extend([f"group {label}", *([f"{label} group"] if label.lower() not in {"a", "i"} else [])])
    other_words = {w.lower() for w in _WORD.findall(other)} | generic_arm_words()
    keys.extend(w for w in _WORD.findall(description) if _distinctive(w) and w.lower() not in other_words)
    return [k for k in dict.fromkeys(keys) if k]


def locate_arm(description: str, text: str, other: str = "", outcome: str = "") -> CharSpan | None:
    """The first place an arm is named in `text`: a close fuzzy match of the whole description, or the
    earliest exact (case-insensitive) occurrence of one of its keys that is not also a word of the outcome."""
    whole = locate_phrase(description, text, threshold=90) if len(description) <= len(text) else None
    hits = [whole] if whole else []
    outcome_lower = outcome.lower()
    for key in arm_keys(description, other)[1:]:
        if key.lower() in outcome_lower:
            continue
        match = re.search(r"(?<![A-Za-z0-9])" + re.escape(key) + r"(?![A-Za-z0-9])", text, re.IGNORECASE)
        if match:
            hits.append(CharSpan(match.start(), match.end()))
    return min(hits, key=lambda span: span.start) if hits else None


# A verb of its own, which a list's last item lacks.
_OWN_VERB = re.compile(
    r"\b(?:was|were|is|are|had|has|have|did|does|do|showed|remained|became|appeared|tended|resulted|"
    r"occurred|differed|changed)\b|n't",
    re.IGNORECASE,
)


def _ends_a_list(text: str, previous: int, joint: re.Match[str], following: int) -> bool:
    """ "improved mobility (P=0.01), fatigue (P=0.02), and sleep quality (P=0.05)": the ", and" before a
    list's last item, which names no change or verb of its own, joins that item to the list's clause."""
    if not joint.group().startswith(","):
        return False
    after = text[joint.end() : following]
    return "," in text[previous : joint.start()] and _OWN_VERB.search(after) is None and not _cue_names(after)


@lru_cache(maxsize=4096)  # every outcome of a sentence asks again
def _clause_bounds(text: str) -> tuple[int, ...]:
    joints = list(CLAUSE_BREAK.finditer(text))
    bounds = [0]
    for i, joint in enumerate(joints):
        following = joints[i + 1].start() if i + 1 < len(joints) else len(text)
        if not _ends_a_list(text, bounds[-1], joint, following):
            bounds.append(joint.start())
    return (*bounds, len(text))


def clause_around(text: str, span: CharSpan | None) -> tuple[str, int]:
    """The clause of a sentence that contains `span` (split at ";", "whereas", "but"...), and its offset."""
    if span is None:
        return text, 0
    for start, end in pairwise(_clause_bounds(text)):
        if start <= span.start < end:
            # A clause without numbers or cue words would lose the verdict, so keep the sentence then.
            clause = text[start:end]
            return (clause, start) if len(clause.split()) >= 4 else (text, 0)
    return text, 0


def _mark(text: str, spans: list[tuple[CharSpan, str]]) -> str:
    """Replace non-overlapping spans by their marker words, left to right."""
    pieces: list[str] = []
    cursor = 0
    for span, mark in sorted(spans, key=lambda item: item[0].start):
        if span.start < cursor:
            continue
        pieces.extend([text[cursor : span.start], f" {mark} "])
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


@lru_cache(maxsize=4096)
def _first_direction_word(text: str) -> tuple[int, str] | None:
    """Where the first increase or decrease word of a clause is, and which it is."""
    cues = load_cues()
    matches = ((getattr(cues, name).search(text), name) for name in ("increase", "decrease"))
    found = [(match.start(), name) for match, name in matches if match]
    return min(found) if found else None


@lru_cache(maxsize=4096)
def _cue_names(text: str) -> tuple[str, ...]:
    """The cue classes whose words occur in a clause (the same clause is read once per outcome in it)."""
    cues = load_cues()
    names = ("not_significant", "significant", "increase", "decrease", "improve", "worsen")
    return tuple(name for name in names if getattr(cues, name).search(text))


def _direction_arm_tokens(text: str, arms: dict[str, CharSpan]) -> list[str]:
    """Which arm is named just before and just after the first direction word: "compx increased" and
    "higher in intvx than compx" point opposite ways for the intervention."""
    first = _first_direction_word(text)
    if first is None or not arms:
        return []
    position, direction = first
    tokens: list[str] = []
    before = [(span.end, name) for name, span in arms.items() if span.end <= position]
    after = [(span.start, name) for name, span in arms.items() if span.start > position]
    if before:
        tokens.append(f"cue{direction}after{max(before)[1][:4]}")
    if after:
        tokens.append(f"cue{direction}before{min(after)[1][:4]}")
    return tokens


def cue_tokens(text: str, stats: Statistics, arms: dict[str, CharSpan]) -> list[str]:
    """Pseudo-words for what rules can read off a clause; the classifier weighs them."""
    tokens: list[str] = []
    verdict = stats.significant
    if verdict is not None:
        tokens.append("cuesig" if verdict else "cuens")
    if any(p.significant for p in stats.p_values):
        tokens.append("cuepsig")
    if any(p.significant is False for p in stats.p_values):
        tokens.append("cuepns")
    effect = stats.main_effect
    if effect is not None:
        tokens.append("cueeffectbelownull" if effect.value < effect.null_value else "cueeffectabovenull")
    tokens.extend(f"cue{name.replace('_', '')}" for name in _cue_names(text))
    intervention, comparator = arms.get("intervention"), arms.get("comparator")
    tokens.extend(_direction_arm_tokens(text, arms))
    if intervention and comparator:
        tokens.append("cueorderic" if intervention.start < comparator.start else "cueorderci")
    arm_direction = compare_arms(text, stats, arms)
    if arm_direction is not None:
        tokens.append("cuearmihigher" if arm_direction == "increase" else "cuearmilower")
    return tokens


@lru_cache(maxsize=4096)
def _has_significance_cue(text: str) -> bool:
    cues = load_cues()
    stats = parse_statistics(text)
    return bool(
        stats.p_values
        or stats.intervals
        or stats.marked_not_significant
        or cues.significant.search(text)
        or cues.not_significant.search(text)
    )


def _generic_arm(clause: str, name: str, arms: dict[str, CharSpan]) -> CharSpan | None:
    """The first generic name of an arm ("placebo", "the treatment group") outside the arms found."""
    for match in getattr(load_cues(), name).finditer(clause):
        if not any(span.start < match.end() and match.start() < span.end for span in arms.values()):
            return CharSpan(match.start(), match.end())
    return None


@dataclass(frozen=True)
class FindingContext:
    """The clause around one outcome, where its arms and outcome sit, its statistics, and the
    classifier's input text."""

    clause: str
    outcome: CharSpan | None
    arms: dict[str, CharSpan]
    stats: Statistics
    marks: list[tuple[CharSpan, str]]

    @cached_property
    def classifier_text(self) -> str:
        """Built on first use: extraction asks only for the clauses the rules leave open."""
        marked = _mark(self.clause, self.marks)
        return " ".join([marked.strip(), *cue_tokens(self.clause, self.stats, self.arms)])


def finding_context(
    sentence: str,
    outcome: CharSpan | None,
    intervention: CharSpan | None = None,
    comparator: CharSpan | None = None,
) -> FindingContext:
    """Cut the clause around the outcome, mark arms and outcome, and append the cue tokens."""
    clause, offset = clause_around(sentence, outcome)
    if not _has_significance_cue(clause):
        # "X was higher with A, but the difference was not significant": the verdict is in the next clause.
        clause, offset = sentence, 0

    def shift(span: CharSpan | None) -> CharSpan | None:
        if span is None or span.start < offset or span.end > offset + len(clause):
            return None
        return CharSpan(span.start - offset, span.end - offset)

    arms = {
        name: s for name, s in (("intervention", shift(intervention)), ("comparator", shift(comparator))) if s
    }
    for name in ("comparator", "intervention"):
        if name not in arms:
            generic = _generic_arm(clause, name, arms)
            if generic is not None:
                arms[name] = generic
    stats = parse_statistics(clause)
    marks = [
        (span, INTERVENTION_MARK if name == "intervention" else COMPARATOR_MARK)
        for name, span in arms.items()
    ]
    local_outcome = shift(outcome)
    if local_outcome is not None:
        marks.append((local_outcome, OUTCOME_MARK))
    return FindingContext(clause, local_outcome, arms, stats, marks)


def finding_text(
    sentence: str,
    outcome: CharSpan | None,
    intervention: CharSpan | None = None,
    comparator: CharSpan | None = None,
) -> str:
    """The classifier's input for one outcome in one sentence."""
    return finding_context(sentence, outcome, intervention, comparator).classifier_text
