"""Population mentions: sample size, age, sex, condition and setting, as spans in
`doc.spans["population"]` with `span._.population` (PopulationAttrs), and the article's sample size
on `doc._.sample_size`.

Sample size: a count of people is scored (3 = total cue such as "a total of" / "involving", or an
enrolment verb such as "were randomised"; 1 = a bare count; 0.5 = one arm "n = 30"). The article's
size is the first best-scored count; when no count scores 3, the arms of one sentence are summed
("n = 30 ... n = 32" -> 62). A meta-analysis's "12 trials involving 1,234 participants" scores 3, so
the pooled total wins over per-trial figures.

Age, sex and condition are looked for only in the sentences that the participant-sentence classifier
(`participant_sentences.py`) judges to describe the participants; setting in every sentence. Condition
phrases come from `population_conditions.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.components.participant_sentences import ParticipantSentences
from extractors.components.population_conditions import ConditionFinder, ConditionLexicon, alternation
from extractors.models import Abbreviation, PopulationAttrs
from extractors.phrase_regex import literal_alternation
from extractors.text import doc_text, sentence_ranges

DATA = Path(__file__).parent / "data"
# Thousands may be split by a comma, a thin, narrow or punctuation space or, before a people noun ("266 064
# women"), a plain space.
THOUSANDS_SEPARATORS = ",\u2008\u2009\u202f "
COUNT_DIGITS = rf"\d{{1,3}}(?:[{THOUSANDS_SEPARATORS}]\d{{3}})+(?!\d)|\d+"
# "Of the 885 patients, 442 were assigned...": the pool a sentence divides is the total.
POOL_BEFORE = re.compile(r"^\W*(?:of|among|from)\s+(?:the\s+|all\s+|these\s+)?$", re.IGNORECASE)
POOL_SPLIT = re.compile(
    r"^[^.;,()]*,\s*(?:\d+|[a-z]+(?:-[a-z]+)?)\s*(?:\+|(?:patients\s+|women\s+)?(?:were|was)\s+(?:randomly\s+)?"
    r"(?:assigned|allocated|divided|randomi[sz]ed|treated\s+with|given))",
    re.IGNORECASE,
)
# "a randomized trial of 78 breast cancer patients": the study's population, unless a count is enrolled.
STUDY_OF_BEFORE = re.compile(r"\b(?:trial|study)\b[^.;()]{0,80}?\b(?:of|in|on|among)\s+$", re.IGNORECASE)
# The people a trial studied, before their "(n = 96)": "a trial of a consecutive series of patients".
STUDY_POPULATION_BEFORE = re.compile(
    r"\b(?:trial|study)\b[^.;()]{0,80}?\b(?:of|in|on|among)\b[^.;()]{0,80}$", re.IGNORECASE
)
ALLOCATED_TO = re.compile(r"\b(?:randomi[sz]ed|assigned|allocated)\s+(?:to|into|between)\b", re.IGNORECASE)
# "Of 299 enrolled patients": a participle of enrolment among the count's modifiers.
ENROLLED_MODIFIER = re.compile(r"\s(?:enrolled|randomi[sz]ed|recruited)\s", re.IGNORECASE)
# "to X and M to Y" / "in the A arm and M in the B arm" right after "randomly assigned N patients" /
# "included N patients": arms listed in turn.
ALLOCATION_REST = re.compile(
    r"^\s*(?:to|into|between|in\s+the\b[^.;,()]{0,60}?\b(?:group|arm)\b)", re.IGNORECASE
)
# "818 and 756 in the 4-HPR and control arm, respectively": a pair of counts named as the arms.
PAIR_OF_ARMS = re.compile(
    r"\s*(?:in|to|into)\s+the\b[^.;()]{0,60}?\b(?:arms?|groups?)\b[^.;()]{0,20}?\brespectively\b",
    re.IGNORECASE,
)
# "N patients were assigned to X and M to Y" / "N patients received X, M received Y": arms listed in turn.
ARM_ALLOCATION = re.compile(
    r"^\s*(?:(?:were|was)\s+)?(?:randomly\s+)?(?:(?:assigned|allocated|randomi[sz]ed)\s+(?:to|into)|received|receiving|"
    r"(?:enrolled|included)\s+in\s+the\b[^.;,()]{0,60}?\b(?:group|arm)\b)",
    re.IGNORECASE,
)
_PART_OF_START = r"(?<![\w.,/-])(?P<part>\d+)\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?of\s+(?:the\s+)?"
PART_OF = re.compile(_PART_OF_START + r"(?:planned\s+|targeted\s+|eligible\s+)?$")
# "62 (27%) of 231 patients": a part of a group, whose size is the denominator.
DENOMINATOR = re.compile(_PART_OF_START + r"(?P<num>\d+)\b(?!\s*(?:%|\.\d))")
WORD_PARTS = re.compile(r"(\W+)")
# A sex word that counts only part of the participants: "65% women", "women (65%)", "(11 males, aged ...)".
SHARE_BEFORE = re.compile(r"(?P<percent>\d+(?:\.\d+)?)\s*%\s*(?:(?:were|are)\s+)?$")
SHARE_AFTER = re.compile(r"^\s*[(,]\s*(?:n\s*=\s*)?(?:\d+\s*[,;]\s*)?(?P<percent>\d+(?:\.\d+)?)\s*%")
# A count opening a parenthesis or following a comma inside one: a breakdown, not an enrolment.
PART_COUNT_BEFORE = re.compile(r"\([^()]*?(?<![\w.])(?P<count>\d+)\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?$")
# "(30 women per arm)": an arm's count, so the arms are all of that sex.
PER_ARM_AFTER = re.compile(r"\s*(?:per|each|in\s+(?:each|both|every|the)\b)", re.IGNORECASE)
# The score of a result's denominator taken for an arm: weaker than any count of people stated as such.
DENOMINATOR_ARM = 0.25
# Words that set one group of a sentence against another.
ARM_CONTRAST = re.compile(r"\b(?:versus|vs\.?|compared|arms?|groups?|controls?|placebo)\b", re.IGNORECASE)
# An allocation participle without an auxiliary, then the clause's own verb, an event: "patients
# assigned to A died", "women randomized to placebo developed ...".
EVENT_AFTER_ALLOCATION = re.compile(
    r"\s*(?:randomi[sz]ed|assigned|allocated)\s+to\s+[^,.;()]{1,60}?\s(?:died|relapsed|recurred|developed|"
    r"experienced|progressed|responded|survived|suffered|discontinued|withdrew|dropped\s+out)\b",
    re.IGNORECASE,
)
# A target sample, not the one studied: "2,150 planned patients".
PLANNED = re.compile(r"\b(?:planned|targeted|intended|anticipated|projected)\b", re.IGNORECASE)
# An age summary's opening words, before its figure: "mean age", "median (range) age of the women was".
SUMMARY_AGE_START = re.compile(r"(?:mean|median|average)\b", re.IGNORECASE)
# "with 50 patients in each group": one arm's size.
EACH_ARM_AFTER = re.compile(r"\s*(?:in\s+each|per|in\s+both)\s+(?:\w+\s+)?(?:group|arm)s?\b", re.IGNORECASE)
# "The weekly arm had 52 assessable patients", "the other group consisted of 21 patients": one arm's
# size (not "the study group consisted of 120 patients", the whole sample).
ARM_HAS_BEFORE = re.compile(
    r"(?<!study\s)(?<!whole\s)(?<!entire\s)(?<!total\s)\b(?:arm|group)\s+(?:had|included|comprised|"
    r"consisted\s+of|contained)\s+$",
    re.IGNORECASE,
)
ONLY_BEFORE = re.compile(r"\bonly\s+$", re.IGNORECASE)
# "181 eyes of 167 patients", "40 knees in 32 patients": the count of the people whose parts were counted.
PARTS_OF = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:eyes|teeth|knees|hips|joints|limbs|feet|hands|lesions|ulcers|wounds|implants)"
    r"\s+(?:of|from|in)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# "128 boys, 21 girls", "26 men and 50 women", "10 males/26 females": a sample counted by sex.
_MALE, _FEMALE = r"(?:men|males?|boys)", r"(?:women|females?|girls)"
SEX_COUNT_JOIN = re.compile(
    rf"\s+(?:(?P<male>{_MALE})|{_FEMALE})\b\s*(?:,\s*(?:and\s+)?|;\s*|/\s*|\s+and\s+)", re.IGNORECASE
)
SEX_COUNT_NOUN = re.compile(rf"\s+(?:(?P<male>{_MALE})|{_FEMALE})\b", re.IGNORECASE)
# Between two groups of one enrolment: "and" at the end, no verb, pool or list punctuation before it.
JOINED_GROUP = re.compile(
    r"(?:(?!\b(?:were|was|had|have|has|is|are|received|underwent|completed|screened|assessed|eligible|"
    r"approached|excluded|invited|of|among|from|whom|which)\b)[^;:])*?\band\s+",
    re.IGNORECASE,
)
# "between the ages of 18 and 65 were enrolled": ages, not counts.
AGE_BEFORE = re.compile(r"\b(?:ages?|aged)\s+(?:of\s+|between\s+)?(?:\d+\s*(?:and|to|-)\s*)?$", re.IGNORECASE)
YEAR_BEFORE = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|\b(?:in|since|between|until|during|from|"
    r"to|and|year)\s*)$",
    re.IGNORECASE,
)
FLAGS = re.IGNORECASE
SINGULAR_PEOPLE = (
    "patient|subject|participant|child|adult|woman|man|individual|person|volunteer|infant|recipient|those"
)
# What a number followed by a word is not a count of people ("12 weeks", "3 centres", "2 groups").
NOT_PEOPLE_AFTER = (
    r"(?![\s-]+(?:years?|months?|weeks?|days?|hours?|percent|per\s+cent|of|to|and|or|mg|g|ml|times|trials|"
    r"studies|groups?|arms?|cent(?:er|re)s|sites|hospitals|institutions|practices|countries|cycles|sessions|"
    r"courses|doses|minutes|x|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b"
    # A cluster trial's units after their modifiers ("12 primary care practices", "24 secondary schools");
    # not "40 women from 12 practices".
    r"|[\s-]+(?:(?!(?:of|in|from|at|with|and|or|to|for|attending|across|within)\b)[A-Za-z][\w-]*\s+){1,2}"
    r"(?:practices|clinics|schools|hospitals|cent(?:er|re)s|sites|wards|villages|communities|clusters|"
    r"districts|workplaces|pharmacies)\b)"
)
OUTCOME_PERCENT = re.compile(r"[^.;()]{0,40}\(\s*\d+(?:\.\d+)?\s*%")


def _verb_after(verbs: str) -> re.Pattern[str]:
    """What follows a people noun up to one of `verbs`: "(n = 35) with breast cancer were randomised"."""
    return re.compile(
        rf"^\s*(?:\([^)]*\)\s*)?(?:(?:with|from|aged|in|at|over|under|older|younger)\b[^,.;()]{{0,150}}?)?(?:who\s+)?"
        rf"(?:were|was|had\s+been|have\s+been|are)?\s*"
        rf"(?:randomly\s+|prospectively\s+|consecutively\s+)?(?:{verbs})\b",
        FLAGS,
    )


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
    has_number: re.Pattern[str]
    count: re.Pattern[str]
    arm: re.Pattern[str]
    bare_enrolment: re.Pattern[str]
    more_arms: re.Pattern[str]
    not_a_count_before: re.Pattern[str]
    arm_context: re.Pattern[str]
    enrolment_after: re.Pattern[str]
    enrolment_before: re.Pattern[str]
    follow_up_after: re.Pattern[str]
    controls_after: re.Pattern[str]
    initial_enrolment: re.Pattern[str]
    verb_count: re.Pattern[str]
    study_count: re.Pattern[str]
    pair: re.Pattern[str]
    total_before: re.Pattern[str]
    partial_before: re.Pattern[str]
    ages: list[re.Pattern[str]]
    summary_ages: list[re.Pattern[str]]
    age_groups: list[tuple[str, re.Pattern[str]]]
    sexes: list[tuple[str, re.Pattern[str]]]
    conditions: ConditionLexicon
    eponyms: frozenset[str]
    settings: list[re.Pattern[str]]

    @classmethod
    def load(cls, path: Path) -> PopulationLexicon:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = {str(k): int(v) for k, v in data["number_words"].items()}
        word_alt = literal_alternation(words)
        # Atomic, so that "Thirty-seven and 36" is never cut back to "Thirty" to satisfy what follows.
        number = rf"(?>{COUNT_DIGITS}|(?:{word_alt})(?:(?:-|\s+|\s+and\s+)(?:{word_alt}))*)"
        nouns = alternation(data["population_nouns"])
        verbs = alternation(data["enrolment_verbs"])
        follow_up = alternation(data["follow_up_verbs"])
        # A trie, since the condition cues look for a people noun at every word.
        people = literal_alternation([*nouns.split("|"), *SINGULAR_PEOPLE.split("|")])
        summary_ages = [re.compile(p, FLAGS) for p in data["summary_age"]]
        return cls(
            number_words=words,
            # Every count pattern starts its number at a word boundary: a digit or a number word.
            has_number=re.compile(rf"\d|\b(?:{word_alt})", FLAGS),
            count=re.compile(
                # Not a rate ("4.30 per 1000 women-years").
                rf"(?<![\w.,/±≤≥<>~-])(?<!\bper\s)(?P<num>{number})\s+{data['noun_modifiers']}(?:{nouns})\b"
                r"(?!-(?:years?|months?|days?))",
                FLAGS,
            ),
            arm=re.compile(rf"\b(?P<sym>n)\s*=\s*(?P<num>{COUNT_DIGITS})\b", FLAGS),
            # "42 were randomized", "with 79 allocated to the experimental group": no noun after the number.
            bare_enrolment=re.compile(
                rf"(?<![\w.,/±≤≥<>~-])(?P<num>{number})\s+(?:(?:were|was|had\s+been)\s+(?:randomly\s+)?(?:{verbs})\b|"
                r"(?:randomly\s+)?(?:allocated|assigned|randomi[sz]ed)\s+(?=to\b))",
                FLAGS,
            ),
            more_arms=re.compile(
                rf"(?:,|;|\band\b|\bversus\b|\bvs\.?)\s*(?:and\s+)?(?P<num>{number})\s+(?:(?:{nouns})\s+)?"
                r"(?:(?:were|was)\s+)?(?:(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+)?(?:to|into|in(?!\s+(?:each|both|all)\b)|received|receiving)\b",
                FLAGS,
            ),
            not_a_count_before=re.compile(
                r"\b(?:age[ds]?|aged|median|mean|of|at|day|week|month|year|grade)\s+(?:of\s+)?$", FLAGS
            ),
            arm_context=re.compile(
                r"\b(?:group|groups|arm|arms|placebo|control|controls|versus|vs\.?|or|and|to|receiving|received|"
                r"treated|given)\W*$",
                FLAGS,
            ),
            enrolment_after=_verb_after(verbs),
            follow_up_after=_verb_after(follow_up),
            controls_after=re.compile(
                rf"^[^.;()]{{0,60}}?\band\s+(?P<num>{number})\s+(?:[\w-]+\s+){{0,3}}?controls\b", FLAGS
            ),
            # "Forty-six postmenopausal BCS (stage I-II) were randomized", "Methods: Eighty female, ...
            # patients (...) ... were randomly assigned": a sentence-initial number (after a section label)
            # whose noun the lexicon lacks, with an enrolment verb before the sentence ends.
            initial_enrolment=re.compile(
                rf"^\W*(?:[A-Z][A-Za-z ]{{2,30}}:\s*)?(?P<num>{number})(?=[\s-]+[A-Za-z]){NOT_PEOPLE_AFTER}"
                rf"[^.;]{{0,250}}?\b(?:were|was)\s+(?:randomly\s+)?(?:{verbs})\b",
                FLAGS,
            ),
            # "enrolled 1905 community-dwelling ... beneficiaries", "A sample of 141 Spanish-speaking
            # Latinas": a number right after a verb that only people take or a total cue, whatever noun.
            verb_count=re.compile(
                rf"(?:\b(?:randomi[sz]ed|enrolled|recruited|accrued)\s+(?:a\s+total\s+of\s+|all\s+)?|"
                rf"\ba\s+(?:total|sample|cohort)\s+of\s+)(?P<num>{number})"
                rf"(?=[\s-]+[A-Za-z]){NOT_PEOPLE_AFTER}",
                FLAGS,
            ),
            # "a randomized controlled trial in 71 BCS": the study's population, whatever noun follows (digits
            # only: "a study of two taxanes").
            study_count=re.compile(
                rf"\b(?:trial|study)\b[^.;()]{{0,80}}?\b(?:of|in|on|among)\s+(?P<num>{COUNT_DIGITS})"
                rf"(?=[\s-]+[A-Za-z]){NOT_PEOPLE_AFTER}",
                FLAGS,
            ),
            # "Thirty-seven and 36 patients were assigned to ...", "consisted of 22 and 21 patients,
            # respectively", "580 intervention and 655 control women completed": two arms in one breath.
            pair=re.compile(
                rf"(?<![\w.,/±≤≥<>~-])(?P<num>{number})(?:{NOT_PEOPLE_AFTER}\s+(?P<label>(?:[A-Za-z][\w-]*\s+){{1,2}}?)|\s+)"
                rf"and\s+(?P<second>{number})\s+(?P<noun>{data['noun_modifiers']}(?:{nouns})\b)?\s*"
                rf"(?:(?P<verb>(?:were|was)\s+(?:randomly\s+)?(?:{verbs})\b)|"
                rf"(?P<follow>(?:(?:were|was)\s+)?(?:{follow_up})\b))?",
                FLAGS,
            ),
            enrolment_before=re.compile(rf"\b(?:{verbs})\s+(?:a\s+total\s+of\s+|all\s+|the\s+)?$", FLAGS),
            total_before=re.compile(data["total_cues"], FLAGS),
            partial_before=re.compile(r"\b(?:of\s+(?:the|these)|remaining)\s+$", FLAGS),
            ages=summary_ages + [re.compile(p, FLAGS) for p in data["age"]],
            summary_ages=summary_ages,
            age_groups=[(k, re.compile(v, FLAGS)) for k, v in data["age_groups"].items()],
            sexes=[(k, re.compile(v, FLAGS)) for k, v in data["sex"].items()],
            conditions=ConditionLexicon.from_data(data, people, frozenset(words)),
            settings=[re.compile(p, FLAGS) for p in data["setting"]],
            eponyms=frozenset(str(name).lower() for name in data["eponyms"].split("|")),
        )

    def parse_count(self, text: str) -> int:
        """'1,234' -> 1234; 'One hundred and seventy-six' -> 176."""
        if text[0].isdigit():
            return int(re.sub(f"[{THOUSANDS_SEPARATORS}]", "", text))
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


def _lower_but_names(text: str, eponyms: frozenset[str]) -> str:
    """ "Stage IV lung cancer" -> "stage IV lung cancer", "HIV-infected", "hepatitis A", "Parkinson's
    disease": lower-cased for comparison and prose, but acronyms, Roman numerals, a letter after the first
    word and the names of eponymous diseases keep their capitals."""
    parts = WORD_PARTS.split(text)
    return "".join(
        part if (part.isupper() and (len(part) > 1 or i > 0)) or part.lower() in eponyms else part.lower()
        for i, part in enumerate(parts)
    )


def _expand_condition_abbreviations(
    spans: list[Span], abbreviations: list[Abbreviation], eponyms: frozenset[str]
) -> None:
    """ "36 PD patients" after "Parkinson's disease (PD)": the condition is named by its long form, so a
    report reads "people with Parkinson's disease" and two abstracts' "PD" and long form compare equal."""
    long_forms = {a.short: a.long for a in abbreviations}
    for span in spans:
        long_form = long_forms.get(span.text) if span.label_ == "condition" else None
        if long_form is not None:
            attrs = span._.population
            span._.population = attrs.model_copy(update={"condition": _lower_but_names(long_form, eponyms)})


def _mark_mixed_sexes(spans: list[Span], text: str, sample_size: int | None) -> None:
    """A sex word that counts only part of the participants is mixed: a share under 100 % beside it
    ("65% women", "women (58.5%)") or a breakdown smaller than the sample ("(11 males, ...)" of 18,
    not "(30 women per arm)")."""
    for span in (s for s in spans if s.label_ == "sex"):
        before = SHARE_BEFORE.search(text, max(0, span.start_char - 40), span.start_char)
        share = before or SHARE_AFTER.match(text[span.end_char : span.end_char + 40])
        part = PART_COUNT_BEFORE.search(text, max(0, span.start_char - 80), span.start_char)
        partial = (
            part is not None
            and sample_size is not None
            and int(part["count"]) < sample_size
            and PER_ARM_AFTER.match(text, span.end_char) is None
        )
        if (share is not None and float(share["percent"]) < 100) or partial:
            span._.population = PopulationAttrs(sex="mixed")


class PopulationExtractor:
    def __init__(
        self, lexicon: PopulationLexicon, participant_sentences: ParticipantSentences | None
    ) -> None:
        self.lexicon = lexicon
        self.participant_sentences = participant_sentences
        self.conditions = ConditionFinder(lexicon.conditions)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        counts_by_sentence: list[list[Count]] = []
        text = doc_text(doc)
        ranges = sentence_ranges(doc)
        for base, end in ranges:
            sentence = text[base:end]
            counts = self.counts(sentence)
            counts_by_sentence.append(counts)
            for count in counts:
                self._add(
                    doc,
                    spans,
                    base,
                    count.start,
                    count.end,
                    "sample_size",
                    PopulationAttrs(sample_size=count.value),
                )
        for start, end in self._non_overlapping(self.lexicon.settings, text):
            self._add(doc, spans, 0, start, end, "setting", PopulationAttrs(setting=text[start:end].lower()))
        # Age, sex and condition describe the population only where a sentence describes the participants
        # ("Patients with asthma were randomised"), not in the background or the results.
        participant_ranges = self._participant_ranges(text, ranges, doc._.title_length or 0)
        for base, end in participant_ranges:
            for label, start, stop, attrs in self.descriptors(text[base:end]):
                self._add(doc, spans, base, start, stop, label, attrs)
        # An age summary ("The median age was 74 years") describes them wherever it stands.
        described = set(participant_ranges)
        for base, end in (r for r in ranges if r not in described):
            sentence = text[base:end]
            for start, stop, attrs in self._ages(sentence, self.lexicon.summary_ages):
                self._add(doc, spans, base, start, stop, "age", attrs)
        doc.spans["population"] = spans
        doc._.sample_size = self.sample_size(counts_by_sentence)
        _mark_mixed_sexes(spans, text, doc._.sample_size)
        _expand_condition_abbreviations(spans, doc._.abbreviations or [], self.lexicon.eponyms)
        return doc

    def _participant_ranges(
        self, text: str, ranges: list[tuple[int, int]], title_end: int
    ) -> list[tuple[int, int]]:
        if self.participant_sentences is None:
            return ranges
        flags = self.participant_sentences.flags(text, ranges, title_end)
        return [span for span, flag in zip(ranges, flags, strict=True) if flag]

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
        if not lex.has_number.search(sentence):
            return []  # half the sentences: skips the count patterns' scans
        found: list[Count] = []
        for match in lex.count.finditer(sentence):
            before = sentence[: match.start()]
            after_noun = sentence[match.end() :]
            allocated = lex.enrolment_before.search(before) is not None
            if POOL_BEFORE.match(before) and POOL_SPLIT.match(after_noun):
                score = 3.0
            elif (
                before.rstrip().endswith("%")
                or lex.partial_before.search(before)
                # "only 20 completed"; but "Only 16 patients ... were enrolled" is the total
                or (ONLY_BEFORE.search(before[-8:]) and not lex.enrolment_after.match(after_noun))
                or EACH_ARM_AFTER.match(after_noun)
                or ARM_HAS_BEFORE.search(before)
            ):
                score = 0.5
            elif EVENT_AFTER_ALLOCATION.match(after_noun):
                score = 1.0  # "Fifty-six patients assigned to A died": those with an event, not an arm's size
            elif (
                (lex.total_before.search(before) and not lex.follow_up_after.match(after_noun))
                or allocated
                or lex.enrolment_after.match(after_noun)
                or ENROLLED_MODIFIER.search(match.group(0))
            ):
                score = 3.0
            # "A total of 94 women completed 5-year follow-up": completers, whatever cue comes before.
            elif lex.follow_up_after.match(after_noun) or STUDY_OF_BEFORE.search(before):
                score = 2.75
            else:
                score = 1.0
            value, (start, end) = lex.parse_count(match.group("num")), match.span("num")
            part = PART_OF.search(before, max(0, len(before) - 60))  # only its end can match
            planned = PLANNED.search(match.group(0)) is not None
            if part and (lex.enrolment_after.match(after_noun) or planned):
                # "68 (62%) of 109 patients ... were recruited", "74 of the planned 92 patients were
                # enrolled", "terminated at 338 of 2,150 planned patients": the part is the sample.
                value, (start, end), score = int(part.group("part")), part.span("part"), 3.0
            elif planned:
                score = 0.5  # "we planned to enrol 200 patients": a target, not who took part
            if ARM_ALLOCATION.match(after_noun) or (allocated and ALLOCATION_REST.match(after_noun)):
                further = self._further_arms(after_noun)
                value += further
                score = max(score, 2.5) if further else score
            is_cases = match.group(0).lower().endswith("cases")
            controls = lex.controls_after.match(after_noun) if is_cases else None
            if controls and score >= 1.0:
                # "756 incident cases and 789 hospital controls": a case-control study's total.
                value, score = value + lex.parse_count(controls.group("num")), 3.0
            if value >= 2 and not self._is_year(value, before):
                found.append(Count(value, start, end, score))
        for match in lex.bare_enrolment.finditer(sentence):
            before = sentence[: match.start()]
            if (
                lex.not_a_count_before.search(before)
                or AGE_BEFORE.search(before)
                or self._is_year(lex.parse_count(match.group("num")), before)
            ):
                continue
            if not any(c.start == match.start("num") for c in found):
                value = lex.parse_count(match.group("num"))
                rest = sentence[match.end() :]
                if ARM_ALLOCATION.match(rest) or ALLOCATION_REST.match(rest):
                    value += self._further_arms(rest)
                if value >= 2:
                    found.append(Count(value, match.start("num"), match.end("num"), 3.0))
        for match in lex.pair.finditer(sentence):
            before = sentence[: match.start()]
            first, second = lex.parse_count(match.group("num")), lex.parse_count(match.group("second"))
            if self._is_year(first, before) or self._is_year(second, "and ") or AGE_BEFORE.search(before):
                continue
            verb = match.group("verb") or match.group("follow")
            if match.group("label") and not (match.group("noun") and verb):
                continue  # "580 intervention and 655 control" needs a people noun and a verb after it
            if (
                verb
                or lex.total_before.search(before)
                or lex.enrolment_before.search(before)
                or PAIR_OF_ARMS.match(sentence, match.end())
            ):
                value = first + second
                found = [c for c in found if c.start not in (match.start("num"), match.start("second"))]
                score = 2.75 if match.group("follow") else 3.0
                found.append(Count(value, match.start("num"), match.end("num"), score))
        initial = lex.initial_enrolment.match(sentence)
        unnamed = [(m, 3.0) for m in ([initial] if initial else []) + list(lex.verb_count.finditer(sentence))]
        lowered = sentence.lower()
        studied = lex.study_count.finditer(sentence) if "trial" in lowered or "study" in lowered else ()
        for match, score in unnamed + [(m, 2.75) for m in studied]:
            value = lex.parse_count(match.group("num"))
            is_new = not any(c.start == match.start("num") for c in found)
            if value >= 2 and is_new and not self._is_year(value, sentence[: match.start("num")]):
                found.append(Count(value, match.start("num"), match.end("num"), score))
        arms = [self._arm_count(sentence, match) for match in lex.arm.finditer(sentence)]
        if len(arms) >= 2:
            # "randomized to A (N = 71) or B (N = 34)": several n = in a sentence are its arms.
            arms = self._pools_as_totals(sentence, arms)
            arms = [arm if arm.score >= 3.0 else Count(arm.value, arm.start, arm.end, 0.5) for arm in arms]
        found.extend(arms)
        found = self._denominators_as_arms(sentence, found)
        allocation = ALLOCATED_TO.search(sentence)
        bare = [c for c in found if c.score == 1.0 and allocation and c.start > allocation.end()]
        if len(bare) >= 2:
            # "randomized to control (...; 41 patients), low dose (...; 38 patients) or ...": the arms.
            found = [Count(c.value, c.start, c.end, 0.5) if c in bare else c for c in found]
        found = self._joined_groups(sentence, sorted(found, key=lambda c: c.start))
        found = self._sex_breakdowns(sentence, self._pools_as_totals(sentence, found))
        return self._people_not_parts(sentence, found)

    def _people_not_parts(self, sentence: str, counts: list[Count]) -> list[Count]:
        """ "A total of 181 eyes of 167 patients were included": the patients are the sample, at the
        score the parts' count had."""
        people: list[Count] = []
        for count in counts:
            parts = PARTS_OF.match(sentence, count.end)
            owners = self.lexicon.count.match(sentence, parts.end()) if parts else None
            if owners is None:
                people.append(count)
                continue
            value = self.lexicon.parse_count(owners.group("num"))
            people.append(Count(value, owners.start("num"), owners.end("num"), count.score))
        return people

    def _denominators_as_arms(self, sentence: str, counts: list[Count]) -> list[Count]:
        """ "62 (27%) of 231 patients survived with A and 63 (27%) of 232 with control": two groups'
        denominators, set against each other, are the arms (summed only where no other count exists)."""
        denominators = list(DENOMINATOR.finditer(sentence))
        starts = {m.start("num") for m in denominators}
        if len(denominators) < 2 or not ARM_CONTRAST.search(sentence):
            return counts
        if any(c.start in starts and c.score >= 2.5 for c in counts):
            return counts  # "of 231 randomised patients": an enrolled count stays the total
        arms = [
            Count(self.lexicon.parse_count(m.group("num")), m.start("num"), m.end("num"), DENOMINATOR_ARM)
            for m in denominators
        ]
        return sorted([c for c in counts if c.start not in starts] + arms, key=lambda c: c.start)

    @staticmethod
    def _joined_groups(sentence: str, counts: list[Count]) -> list[Count]:
        """ "Twenty-six patients with breast cancer (...) and 10 healthy women were studied": a bare count
        joined by "and" to an enrolled one (no verb between them) is the other group of that enrolment."""
        joined: list[Count] = []
        for count in counts:
            first = joined[-1] if joined else None
            if (
                first is not None
                and first.score == 1.0
                and count.score >= 2.75
                and JOINED_GROUP.fullmatch(sentence, first.end, count.start)
            ):
                joined[-1] = Count(first.value + count.value, first.start, first.end, count.score)
            else:
                joined.append(count)
        return joined

    @staticmethod
    def _sex_breakdowns(sentence: str, counts: list[Count]) -> list[Count]:
        """ "Subjects (128 boys, 21 girls) had a mean age of 9.3", "We enrolled 30 men and 28 women": a count
        of one sex followed by a bare count of the other is one sample, scored as the first; a total stated
        beside them ("76 patients (26 men and 50 women)") stays."""
        merged: list[Count] = []
        for count in counts:
            first = merged[-1] if merged else None
            join = SEX_COUNT_JOIN.fullmatch(sentence, first.end, count.start) if first else None
            noun = SEX_COUNT_NOUN.match(sentence, count.end)
            if (
                first is not None
                and join is not None
                and noun is not None
                and first.score >= 1.0
                and count.score == 1.0
                and (join["male"] is None) != (noun["male"] is None)
            ):
                merged[-1] = Count(first.value + count.value, first.start, first.end, first.score)
            else:
                merged.append(count)
        return merged

    @staticmethod
    def _pools_as_totals(sentence: str, counts: list[Count]) -> list[Count]:
        """ "Women (N=13388) ... were assigned to placebo (n = 6707) or tamoxifen (n = 6681)": a count that
        equals the sum of two or more consecutive counts after it in its sentence is their total (not an
        outcome's count such as "71 patients (33%) relapsed: A, 33 patients; B, 38 patients"). Also "In this
        subgroup (n = 48) 27 patients received A, 21 patients had B"."""
        totals = []
        for i, count in enumerate(counts):
            # An arm's "(n = 48)" is a pool only of counts of people named after it ("27 patients ...").
            later = [c.value for c in counts[i + 1 :] if count.score >= 1.0 or c.score >= 1.0]
            sums = {sum(later[j:k]) for j in range(len(later)) for k in range(j + 2, len(later) + 1)}
            is_pool = count.value in sums and not OUTCOME_PERCENT.match(sentence, count.end)
            totals.append(Count(count.value, count.start, count.end, 3.0) if is_pool else count)
        return totals

    @staticmethod
    def _is_year(value: int, before: str) -> bool:
        return 1950 <= value <= 2035 and YEAR_BEFORE.search(before) is not None

    def _further_arms(self, text: str) -> int:
        """ "266 patients were assigned to GT and 263 to paclitaxel": the arms after the first (263)."""
        sentence_rest = re.split(r"[.;]\s", text, maxsplit=1)[0]
        return sum(
            self.lexicon.parse_count(m.group("num")) for m in self.lexicon.more_arms.finditer(sentence_rest)
        )

    def _arm_count(self, sentence: str, match: re.Match[str]) -> Count:
        """ "women (n = 235) were randomised" is the total; "placebo (n = 30)" is one arm."""
        lex = self.lexicon
        before = sentence[: match.start()].rstrip(" (")
        after = sentence[match.end() :].lstrip(" )")
        if lex.enrolment_after.match(after) or lex.total_before.search(sentence[: match.start()]):
            score = 3.0
        elif match.group("sym") == "N" and not lex.arm_context.search(before):
            score = 2.0
        elif lex.arm_context.search(before) or not re.search(
            r"\b(?:patients|participants|subjects|women|men|"
            r"children|adults|individuals|volunteers)$",
            before,
        ):
            score = 0.5
        elif STUDY_POPULATION_BEFORE.search(before):
            score = 2.75  # "a trial of ... breast cancer patients (n = 96)": the study's population
        else:
            score = 1.0
        value = self.lexicon.parse_count(match.group("num"))
        return Count(value, match.start("num"), match.end("num"), score)

    @staticmethod
    def sample_size(counts_by_sentence: list[list[Count]]) -> int | None:
        """The article's total: a first strong count (down to a capital "N ="), else one sentence's arms
        summed, else the best bare count, else one sentence's result denominators summed, else the largest."""
        for threshold in (3.0, 2.75, 2.5, 2.0):
            for counts in counts_by_sentence:
                strong = [c for c in counts if c.score >= threshold]
                if not strong:
                    continue
                # "Fifty patients were treated with A, and 51 patients were treated with B": two groups listed
                # in turn add up; a first count as large as the second is its pool ("Of 98 enrolled, 86...").
                if len(strong) == 2 and strong[1].value > strong[0].value:
                    return strong[0].value + strong[1].value
                return strong[0].value
        for counts in counts_by_sentence:
            arms = [c for c in counts if c.score == 0.5]
            if len(arms) >= 2:
                return sum(c.value for c in arms)
        rest = [c for counts in counts_by_sentence for c in counts if c.score >= 1.0]
        if rest:
            return max(rest, key=lambda c: c.score).value
        for counts in counts_by_sentence:
            arms = [c for c in counts if c.score == DENOMINATOR_ARM]
            if len(arms) >= 2:
                return sum(c.value for c in arms)
        # Only single "(n = 130)" mentions: the largest is the best guess at the total.
        singles = [c.value for counts in counts_by_sentence for c in counts]
        return max(singles) if singles else None

    def descriptors(self, sentence: str) -> list[tuple[str, int, int, PopulationAttrs]]:
        """Age, sex and condition spans in a sentence."""
        found: list[tuple[str, int, int, PopulationAttrs]] = []
        ages = self._ages(sentence, self.lexicon.ages)
        found.extend(("age", start, end, attrs) for start, end, attrs in ages)
        for sex, pattern in self.lexicon.sexes:
            for match in pattern.finditer(sentence):
                attrs = PopulationAttrs(sex=sex)  # type: ignore[arg-type]
                found.append(("sex", match.start(), match.end(), attrs))
        for start, end, of_participants in self.conditions.spans(sentence):
            condition = _lower_but_names(sentence[start:end], self.lexicon.eponyms)
            attrs = PopulationAttrs(condition=condition, participants_condition=of_participants)
            found.append(("condition", start, end, attrs))
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

    def _ages(
        self, sentence: str, patterns: list[re.Pattern[str]]
    ) -> list[tuple[int, int, PopulationAttrs]]:
        """Age spans with their attributes; a summary's span is its figure ("mean age 45 years" -> "45
        years"): the words before it only say what it summarises, and they set `age_mean`."""
        found = []
        for start, end in self._non_overlapping(patterns, sentence):
            attrs = self.age_attrs(sentence[start:end])
            summary = SUMMARY_AGE_START.match(sentence, start)
            first_digit = re.search(r"\d", sentence[start:end]) if summary else None
            found.append((start + (first_digit.start() if first_digit else 0), end, attrs))
        return found

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


@Language.factory(
    "litwatch_population",
    default_config={
        "lexicon_file": "population.yaml",
        "participant_sentences_file": "participant_sentences.json",
    },
)
def make_population(
    nlp: Language, name: str, lexicon_file: str, participant_sentences_file: str
) -> PopulationExtractor:
    """`participant_sentences_file`: the sentence classifier's weights in `data/` ("" keeps descriptors in
    every sentence)."""
    gate = (
        ParticipantSentences.load(DATA / participant_sentences_file) if participant_sentences_file else None
    )
    return PopulationExtractor(PopulationLexicon.load(DATA / lexicon_file), gate)
