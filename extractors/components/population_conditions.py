"""Condition phrases in a sentence that describes the participants: "women with breast cancer" ->
"breast cancer". A phrase is a noun phrase that ends on a disease or procedure word (a head: "cancer",
"-itis", "adenotonsillectomy") at a clean boundary: punctuation, a function word, a verb or a people noun
follows, never a noun that turns the head into a modifier ("stress reduction", "pain scores"). Three
sources: a head word extended left over content words; what follows a people noun and a cue ("patients
with", "undergoing"), cut back to its last head; the words before a people noun ("asthmatic children").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FLAGS = re.IGNORECASE
WORD = re.compile(r"[\w'-]+")
PUNCTUATION = re.compile(r"[,.;:()\[\]\n]")
NEXT_WORD = re.compile(r"[ \t]*([\w'-]+)")
NUMBERED_KIND = re.compile(r"\b(?:type|stage|grade|class)\s+$", re.IGNORECASE)
ROMAN_NUMERAL = re.compile(r"(?:i{1,3}|iv|v)(?:[-–](?:i{1,3}|iv|v))?")
CONDITION_ABBREVIATION = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9-]{1,9})\s*[);,]")
# A phrase after a cue with no head word may still end on an upper-case abbreviation ("with NIDDM").
ABBREVIATION = re.compile(r"[A-Z][A-Z0-9-]{1,7}s?")
# Cues whose object is a procedure, which the head words may lack ("undergoing IVF").
PROCEDURE_CUE = re.compile(r"undergo|underwent|scheduled|requiring|admitted|referred|hospitali", FLAGS)
# "cancer of the cervix", "fracture of the distal radius": a head's "of" part.
OF_PART = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?(?=[A-Za-z])")
# Words inside a condition phrase, never at its end.
PHRASE_LINKS = frozenset({"of", "and", "or", "to", "the"})
# Two condition phrases joined by "and"/"or" are one ("head and neck cancer", "asthma or COPD").
CONDITION_JOINER = re.compile(r"\s*(?:and|or|/|&)\s*", re.IGNORECASE)
MAX_LEFT_WORDS = 5
MAX_CUE_WORDS = 10
HEAD_CACHE_SIZE = 100_000


def alternation(text: str) -> str:
    """A YAML block of "a|b|\n c" as one regex alternation."""
    return "|".join(part.strip() for part in text.split("|") if part.strip())


def _words(text: str) -> frozenset[str]:
    return frozenset(alternation(text).lower().split("|"))


@dataclass(frozen=True)
class ConditionLexicon:
    # A disease or procedure word, whole ("cancer", "tumours") or by its ending ("-itis", "-ectomy").
    head: re.Pattern[str]
    cue: re.Pattern[str]
    tail: re.Pattern[str]
    people_noun: re.Pattern[str]
    not_before_people: frozenset[str]
    participles: frozenset[str]
    stop: frozenset[str]
    # "mindfulness-based", "nurse-led": compound modifiers of an intervention, never of a condition.
    stop_suffixes: tuple[str, ...]
    # "stress reduction", "pain scores": nouns after a head that make it a modifier.
    not_after_head: frozenset[str]
    number_words: frozenset[str]

    @classmethod
    def from_data(cls, data: dict[str, Any], people: str, number_words: frozenset[str]) -> ConditionLexicon:
        """`data`: population.yaml; `people`: the alternation of people nouns."""
        return cls(
            head=re.compile(
                rf"(?:{alternation(data['condition_heads'])})|[\w'-]*(?:{alternation(data['condition_suffixes'])})",
                FLAGS,
            ),
            cue=re.compile(rf"\b(?:{people}){data['condition_cues']}|{data['condition_cues_alone']}", FLAGS),
            tail=re.compile(data["condition_tails"], FLAGS),
            # Not "patient-reported", "patient-centred": a people noun as a compound's modifier.
            people_noun=re.compile(rf"\b(?:{people})\b(?!-)", FLAGS),
            not_before_people=_words(data["not_condition_before_people"]) | _words(data["demonyms"]),
            participles=_words(data["condition_participles"]),
            stop=_words(data["condition_stop"]) | _words(data["demonyms"]),
            stop_suffixes=tuple(data["condition_stop_suffixes"]),
            not_after_head=_words(data["not_condition_after_head"]),
            number_words=number_words,
        )


class ConditionFinder:
    def __init__(self, lexicon: ConditionLexicon) -> None:
        self.lexicon = lexicon
        self._heads: dict[str, bool] = {}  # a word's verdict, so each distinct word is matched once

    def spans(self, text: str) -> list[tuple[int, int, bool]]:
        """Condition phrases of `text` as (start, end, of the participants); none crosses punctuation or a
        line break. A phrase is the participants' where a people noun ties it to them ("patients with X",
        "X patients"), not only a disease word in a sentence about them ("to improve fatigue in patients
        with cancer": cancer is, fatigue is not)."""
        tied = self._after_cues(text) + self._before_people(text)
        merged = self._merge(self._from_heads(text) + tied, text)
        found = [(start, end, any(s < end and start < e for s, e in tied)) for start, end in merged]
        # "autism spectrum disorder (ASD)": the abbreviation defined right after a condition names it too.
        abbreviations = [
            (*m.span(1), of_participants)
            for _, end, of_participants in found
            if (m := CONDITION_ABBREVIATION.match(text, end))
        ]
        ties: dict[tuple[int, int], bool] = {}
        for start, end, of_participants in found + abbreviations:
            ties[start, end] = ties.get((start, end), False) or of_participants
        return sorted((start, end, of_participants) for (start, end), of_participants in ties.items())

    def _is_head(self, word: str) -> bool:
        verdict = self._heads.get(word)
        if verdict is None:
            lowered = word.lower()
            verdict = lowered not in self.lexicon.stop and self.lexicon.head.fullmatch(lowered) is not None
            if len(self._heads) < HEAD_CACHE_SIZE:
                self._heads[word] = verdict
        return verdict

    def _is_stop(self, word: str) -> bool:
        lowered = word.lower()
        return lowered in self.lexicon.stop or lowered.endswith(self.lexicon.stop_suffixes)

    def _head_end(self, text: str, head: re.Match[str]) -> int | None:
        """Where a phrase ending on `head` ends ("diabetes mellitus", "cancer of the cervix"), or None when
        the head modifies a noun after it ("stress reduction")."""
        tail = self.lexicon.tail.match(text, head.end())
        end = tail.end() if tail else head.end()
        of_end = self._of_part_end(text, end)
        if of_end is not None:
            return of_end
        return end if self._clean_after(text, end) else None

    def _of_part_end(self, text: str, end: int) -> int | None:
        """Up to two content words after "of (the)" that a clean boundary follows."""
        of_part = OF_PART.match(text, end)
        if of_part is None:
            return None
        found, position = None, of_part.end()
        for _ in range(2):
            word = NEXT_WORD.match(text, position)
            if word is None or self._is_stop(word.group(1)):
                break
            position = word.end()
            found = position if self._ends_phrase(text, position) else found
        return found

    def _clean_after(self, text: str, position: int) -> bool:
        """A phrase may end at `position`: what follows is not a noun that the phrase modifies."""
        following = NEXT_WORD.match(text, position)
        return following is None or following.group(1).lower() not in self.lexicon.not_after_head

    def _ends_phrase(self, text: str, position: int) -> bool:
        """Punctuation, the text's end, a function word or a people noun follows `position`."""
        following = NEXT_WORD.match(text, position)
        if following is None:
            return True
        word = following.group(1)
        return self._is_stop(word) or self.lexicon.people_noun.fullmatch(word) is not None

    def _from_heads(self, text: str) -> list[tuple[int, int]]:
        """A head word extended left over up to five content words ("advanced head and neck cancer")."""
        spans: list[tuple[int, int]] = []
        for head in WORD.finditer(text):
            if not self._is_head(head.group(0)):
                continue
            end = self._head_end(text, head)
            if end is None:
                continue
            start = head.start()
            words = list(WORD.finditer(text, max(0, head.start() - 120), head.start()))
            for word in reversed(words[-MAX_LEFT_WORDS:]):
                if not self._joins(text, word, start):
                    break
                start = word.start()
            spans.append((start, end))
        return spans

    def _after_cues(self, text: str) -> list[tuple[int, int]]:
        """ "patients with mild to moderate asthma": the words after a cue, up to ten across "of / and / or /
        to / the", cut back to the last head that may end a phrase (or an abbreviation ending it)."""
        spans: list[tuple[int, int]] = []
        for cue in self.lexicon.cue.finditer(text):
            last = cue.end()
            end: int | None = None
            content: re.Match[str] | None = None
            for count, word in enumerate(WORD.finditer(text, cue.end(), cue.end() + 160)):
                is_link = word.group(0).lower() in PHRASE_LINKS and count > 0
                joins = is_link or self._joins(text, word, last if count else word.start())
                if count >= MAX_CUE_WORDS or not joins:
                    break
                if count and PUNCTUATION.search(text, last, word.start()):
                    break
                last = word.end()
                if is_link:
                    continue
                content = word
                if self._is_head(word.group(0)):
                    head_end = self._head_end(text, word)
                    end = max(end or 0, head_end) if head_end else end
            if end is None and content is not None and self._ends_phrase(text, content.end()):
                # No head word: an abbreviation ("with NIDDM"), or a short procedure ("undergoing IVF").
                is_procedure = PROCEDURE_CUE.search(cue.group(0)) and content.end() - cue.end() <= 40
                end = content.end() if ABBREVIATION.fullmatch(content.group(0)) or is_procedure else None
            if end is not None and end > cue.end():
                spans.append((cue.end(), end))
        return spans

    def _before_people(self, text: str) -> list[tuple[int, int]]:
        """ "asthmatic children", "renal transplant recipients", "mentally ill adults": the words before a
        people noun, unless they name age, sex, origin or the study ("young", "male", "randomised")."""
        spans: list[tuple[int, int]] = []
        for noun in self.lexicon.people_noun.finditer(text):
            run: list[re.Match[str]] = []
            for word in reversed(list(WORD.finditer(text, max(0, noun.start() - 60), noun.start()))[-3:]):
                lowered = word.group(0).lower()
                neighbour = run[-1].start() if run else noun.start()
                if lowered in self.lexicon.not_before_people or not self._joins(text, word, neighbour):
                    break
                run.append(word)
            if run and not self._names_an_act(run):
                spans.append((run[-1].start(), run[0].end()))
        return spans

    def _names_an_act(self, run: list[re.Match[str]]) -> bool:
        """One -ed / -ing word that is no condition participle, what was done to or by the people
        ("matched", "placebo-treated", "community-dwelling"), or half a split compound ("non-")."""
        if len(run) != 1:
            return False
        word = run[0].group(0).lower()
        if word.endswith("-"):
            return True  # the first half of a split compound ("non- and low-responders")
        last = word.rsplit("-", 1)[-1]
        return word.endswith(("ed", "ing")) and last not in self.lexicon.participles

    def _joins(self, text: str, word: re.Match[str], neighbour: int) -> bool:
        """`word` may join the phrase next to it: a content word with no punctuation in between."""
        lowered = word.group(0).lower()
        if self._is_stop(lowered):
            return False
        is_number = lowered[0].isdigit() or ROMAN_NUMERAL.fullmatch(lowered) is not None
        if is_number and not NUMBERED_KIND.search(text, max(0, word.start() - 8), word.start()):
            return False  # a number joins only as "type 2", "stage III", "grade 1", not "ASA I-II"
        if all(part in self.lexicon.number_words for part in lowered.split("-")):
            return False  # "Forty-one migraine subjects": the count is not part of the condition
        gap = text[word.end() : neighbour] if word.end() <= neighbour else text[neighbour : word.start()]
        return not PUNCTUATION.search(gap)

    @staticmethod
    def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and (start <= merged[-1][1] or CONDITION_JOINER.fullmatch(text, merged[-1][1], start)):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged
