"""Population mentions: sample size, age, sex, condition and setting, as spans in
`doc.spans["population"]` with `span._.population` (PopulationAttrs), and the article's sample size
on `doc._.sample_size`.

Sample size: a count of people is scored (3 = total cue such as "a total of" / "involving", or an
enrolment verb such as "were randomised"; 1 = a bare count; 0.5 = one arm "n = 30"). The article's
size is the first best-scored count; when no count scores 3, the arms of one sentence are summed
("n = 30 ... n = 32" -> 62). A meta-analysis's "12 trials involving 1,234 participants" scores 3, so
the pooled total wins over per-trial figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.extensions import register_extensions
from extractors.models import PopulationAttrs

DATA = Path(__file__).parent / "data"
DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
FLAGS = re.IGNORECASE


def _alternation(text: str) -> str:
    return "|".join(part.strip() for part in text.split("|") if part.strip())


@dataclass(frozen=True)
class Count:
    """A candidate sample size in one sentence (sentence-relative offsets of the number)."""

    value: int
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class PopulationLexicon:
    number_words: dict[str, int]
    count: re.Pattern[str]
    arm: re.Pattern[str]
    enrolment_after: re.Pattern[str]
    enrolment_before: re.Pattern[str]
    total_before: re.Pattern[str]
    partial_before: re.Pattern[str]
    ages: list[re.Pattern[str]]
    age_groups: list[tuple[str, re.Pattern[str]]]
    sexes: list[tuple[str, re.Pattern[str]]]
    condition_head: re.Pattern[str]
    condition_cue: re.Pattern[str]
    condition_stop: frozenset[str]
    settings: list[re.Pattern[str]]

    @classmethod
    def load(cls, path: Path) -> PopulationLexicon:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = {str(k): int(v) for k, v in data["number_words"].items()}
        word_alt = "|".join(sorted(words, key=len, reverse=True))
        number = rf"(?:{DIGITS}|(?:{word_alt})(?:(?:-|\s+|\s+and\s+)(?:{word_alt}))*)"
        nouns = _alternation(data["population_nouns"])
        verbs = _alternation(data["enrolment_verbs"])
        heads = _alternation(data["condition_heads"])
        return cls(
            number_words=words,
            count=re.compile(
                rf"(?<![\w.,/±-])(?P<num>{number})\s+{data['noun_modifiers']}(?:{nouns})\b", FLAGS
            ),
            arm=re.compile(rf"\b(?P<sym>n)\s*=\s*(?P<num>{DIGITS})\b"),
            enrolment_after=re.compile(
                rf"^\s*(?:\([^)]*\)\s*)?(?:who\s+)?(?:were|was|had\s+been|have\s+been|are)?\s*"
                rf"(?:randomly\s+|prospectively\s+|consecutively\s+)?(?:{verbs})\b",
                FLAGS,
            ),
            enrolment_before=re.compile(
                rf"\b(?:{verbs})\s+(?:a\s+total\s+of\s+|all\s+|the\s+)?$", FLAGS
            ),
            total_before=re.compile(data["total_cues"], FLAGS),
            partial_before=re.compile(r"\b(?:of\s+(?:the|these)|only|remaining)\s+$", FLAGS),
            ages=[re.compile(p, FLAGS) for p in data["age"]],
            age_groups=[(k, re.compile(v, FLAGS)) for k, v in data["age_groups"].items()],
            sexes=[(k, re.compile(v, FLAGS)) for k, v in data["sex"].items()],
            condition_head=re.compile(rf"^(?:{heads})$|{data['condition_suffixes']}", FLAGS),
            condition_cue=re.compile(data["condition_cues"], FLAGS),
            condition_stop=frozenset(_alternation(data["condition_stop"]).lower().split("|")),
            settings=[re.compile(p, FLAGS) for p in data["setting"]],
        )

    def parse_count(self, text: str) -> int:
        """'1,234' -> 1234; 'One hundred and seventy-six' -> 176."""
        if text[0].isdigit():
            return int(text.replace(",", ""))
        total, current = 0, 0
        for word in re.split(r"[-\s]+", text.lower()):
            if word == "and":
                continue
            value = self.number_words[word]
            if value == 100:
                current = max(current, 1) * 100
            elif value == 1000:
                total, current = total + max(current, 1) * 1000, 0
            else:
                current += value
        return total + current


class PopulationExtractor:
    def __init__(self, lexicon: PopulationLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        counts_by_sentence: list[list[Count]] = []
        for sent in doc.sents:
            counts = self.counts(sent.text)
            counts_by_sentence.append(counts)
            for count in counts:
                self._add(doc, spans, sent.start_char, count.start, count.end, "sample_size",
                          PopulationAttrs(sample_size=count.value))
            for label, start, end, attrs in self.descriptors(sent.text):
                self._add(doc, spans, sent.start_char, start, end, label, attrs)
        doc.spans["population"] = spans
        doc._.sample_size = self.sample_size(counts_by_sentence)
        return doc

    @staticmethod
    def _add(
        doc: Doc, spans: list[Span], base: int, start: int, end: int, label: str, attrs: PopulationAttrs
    ) -> None:
        span = doc.char_span(base + start, base + end, label, alignment_mode="expand")
        if span is not None:
            span._.population = attrs
            spans.append(span)

    def counts(self, sentence: str) -> list[Count]:
        """Candidate sample sizes in one sentence, scored."""
        lex = self.lexicon
        found: list[Count] = []
        for match in lex.count.finditer(sentence):
            before = sentence[: match.start()]
            after_noun = sentence[match.end() :]
            if before.rstrip().endswith("%") or lex.partial_before.search(before):
                score = 0.5
            elif (
                lex.total_before.search(before)
                or lex.enrolment_before.search(before)
                or lex.enrolment_after.match(after_noun)
            ):
                score = 3.0
            else:
                score = 1.0
            value = lex.parse_count(match.group("num"))
            if value >= 2:
                found.append(Count(value, match.start("num"), match.end("num"), score))
        for match in lex.arm.finditer(sentence):
            total = match.group("sym") == "N" or lex.total_before.search(sentence[: match.start()])
            found.append(Count(int(match.group("num").replace(",", "")), match.start("num"),
                               match.end("num"), 2.0 if total else 0.5))
        return sorted(found, key=lambda c: c.start)

    @staticmethod
    def sample_size(counts_by_sentence: list[list[Count]]) -> int | None:
        """The article's total: a first strong count, else one sentence's arms summed, else the first."""
        strong = [c for counts in counts_by_sentence for c in counts if c.score >= 3.0]
        if strong:
            return strong[0].value
        for counts in counts_by_sentence:
            arms = [c for c in counts if c.score == 0.5]
            if len(arms) >= 2:
                return sum(c.value for c in arms)
        rest = [c for counts in counts_by_sentence for c in counts if c.score >= 1.0]
        return max(rest, key=lambda c: c.score).value if rest else None

    def descriptors(self, sentence: str) -> list[tuple[str, int, int, PopulationAttrs]]:
        """Age, sex, condition and setting spans in one sentence."""
        found: list[tuple[str, int, int, PopulationAttrs]] = []
        for start, end in self._non_overlapping(self.lexicon.ages, sentence):
            found.append(("age", start, end, self.age_attrs(sentence[start:end])))
        for sex, pattern in self.lexicon.sexes:
            for match in pattern.finditer(sentence):
                found.append(("sex", match.start(), match.end(), PopulationAttrs(sex=sex)))  # type: ignore[arg-type]
        for start, end in self.conditions(sentence):
            found.append(("condition", start, end, PopulationAttrs(condition=sentence[start:end].lower())))
        for start, end in self._non_overlapping(self.lexicon.settings, sentence):
            found.append(("setting", start, end, PopulationAttrs(setting=sentence[start:end].lower())))
        return found

    @staticmethod
    def _non_overlapping(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
        spans = sorted(
            ((m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.group(0).strip()),
            key=lambda se: (se[0], -se[1]),
        )
        kept: list[tuple[int, int]] = []
        for start, end in spans:
            while start < end and text[start].isspace():
                start += 1
            if start >= end or (kept and start < kept[-1][1]):
                continue
            if kept and not text[kept[-1][1] : start].strip():
                kept[-1] = (kept[-1][0], end)  # "children aged 5 to 12 years" is one age span
            else:
                kept.append((start, end))
        return kept

    def age_attrs(self, text: str) -> PopulationAttrs:
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
        attrs = PopulationAttrs()
        if re.search(r"\bmean\b", text, FLAGS) and numbers:
            attrs.age_mean = numbers[0]
        elif len(numbers) >= 2:
            attrs.age_low, attrs.age_high = numbers[0], numbers[1]
        elif numbers:
            if re.search(r"older|over|above|≥|>|at\s+least", text, FLAGS):
                attrs.age_low = numbers[0]
            elif re.search(r"younger|under|<|≤", text, FLAGS):
                attrs.age_high = numbers[0]
            else:
                attrs.age_low = attrs.age_high = numbers[0]
        for group, pattern in self.lexicon.age_groups:
            if pattern.search(text):
                attrs.age_group = group  # type: ignore[assignment]
                break
        return attrs

    def conditions(self, sentence: str) -> list[tuple[int, int]]:
        """Phrases ending in a disease head word, extended left over content words; and what follows
        "patients with" up to a stop word."""
        lex = self.lexicon
        tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[\w'-]+", sentence)]
        spans: list[tuple[int, int]] = []
        for i, (_, end, word) in enumerate(tokens):
            if lex.condition_head.search(word) and word.lower() not in lex.condition_stop:
                first = i
                while first > 0 and i - first < 5 and self._joins(sentence, tokens, first - 1):
                    first -= 1
                spans.append((tokens[first][0], end))
        for cue in lex.condition_cue.finditer(sentence):
            index = next((k for k, t in enumerate(tokens) if t[0] >= cue.end()), None)
            if index is None:
                continue
            last = index - 1
            while last + 1 < len(tokens) and last + 1 - index < 6 and self._joins(sentence, tokens, last + 1):
                last += 1
            if last >= index:
                spans.append((tokens[index][0], tokens[last][1]))
        return self._merge(spans)

    def _joins(self, sentence: str, tokens: list[tuple[int, int, str]], k: int) -> bool:
        """Token k may be part of a condition phrase: a content word, not punctuation-separated."""
        start, end, word = tokens[k]
        lowered = word.lower()
        if lowered in self.lexicon.condition_stop or word[0].isdigit():
            return False
        neighbour_gap = sentence[end : tokens[k + 1][0]] if k + 1 < len(tokens) else ""
        return not re.search(r"[,.;:()\[\]]", neighbour_gap)

    @staticmethod
    def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


@Language.factory("litwatch_population", default_config={"lexicon_file": "population.yaml"})
def make_population(nlp: Language, name: str, lexicon_file: str) -> PopulationExtractor:
    register_extensions()
    return PopulationExtractor(PopulationLexicon.load(DATA / lexicon_file))
