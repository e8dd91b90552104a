"""A documented subset of PubMed query syntax: parse a query into a tree, then match it against records.

Supported (what the local E-utilities server and the demo corpus selection need):

- Boolean operators `AND`, `OR`, `NOT` in capitals, evaluated left to right with equal precedence as
  PubMed does (`a OR b AND c` is `(a OR b) AND c`); parentheses group; adjacent terms mean `AND`.
- Terms are words or "quoted phrases"; a trailing `*` truncates a word (`insomni*`).
- Field tags: `[tiab]` (title, abstract, other abstracts, author keywords), `[ti]`, `[ab]`, `[mh]`
  (a word or phrase inside a MeSH heading: an approximation of MeSH explosion), `[majr]` (major
  headings), `[pt]`, `[la]`, `[kw]`; long forms such as `[title/abstract]` and `[mesh terms]` too.
  Untagged terms search title, abstract, MeSH headings and keywords.
- Dates: `2020[dp]`, `2020/05[dp]`, `2019:2021[dp]` and `"2019/01/01"[edat] : "2019/06/30"[edat]`
  on `[dp]` (publication date), `[edat]` (Entrez date) and `[mdat]` (modification date).

Matching is case-insensitive on word boundaries: text is split into runs of letters and digits, and a
phrase matches consecutive words inside one field value (one heading, one keyword, the title...).
A query the subset cannot read raises QueryError, whose message reads like NCBI's error strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Literal

from litwatch.errors import InputError, LitwatchError
from litwatch.pubmed.records import PubmedRecord

TextField = Literal["all", "tiab", "ti", "ab", "mh", "majr", "pt", "la", "kw"]
DateField = Literal["dp", "edat", "mdat"]

FIELD_TAGS: dict[str, TextField | DateField] = {
    "tiab": "tiab",
    "title/abstract": "tiab",
    "ti": "ti",
    "title": "ti",
    "ab": "ab",
    "abstract": "ab",
    "mh": "mh",
    "mesh": "mh",
    "mesh terms": "mh",
    "majr": "majr",
    "mesh major topic": "majr",
    "pt": "pt",
    "publication type": "pt",
    "la": "la",
    "language": "la",
    "kw": "kw",
    "keyword": "kw",
    "all": "all",
    "all fields": "all",
    "dp": "dp",
    "pdat": "dp",
    "publication date": "dp",
    "edat": "edat",
    "entrez date": "edat",
    "mdat": "mdat",
    "modification date": "mdat",
}
DATE_FIELDS: frozenset[str] = frozenset({"dp", "edat", "mdat"})
# Fields each text tag reads; "all" is what an untagged term searches.
FIELD_SOURCES: dict[TextField, tuple[str, ...]] = {
    "all": ("title", "abstract", "mesh", "keywords"),
    "tiab": ("title", "abstract", "keywords"),
    "ti": ("title",),
    "ab": ("abstract",),
    "mh": ("mesh",),
    "majr": ("majr",),
    "pt": ("pt",),
    "la": ("la",),
    "kw": ("keywords",),
}
# ISO 639-2 codes as PubMed stores them, so `english[la]` finds "eng".
LANGUAGE_NAMES = {
    "eng": "english",
    "fre": "french",
    "ger": "german",
    "spa": "spanish",
    "ita": "italian",
    "jpn": "japanese",
    "chi": "chinese",
    "rus": "russian",
    "por": "portuguese",
    "dut": "dutch",
    "pol": "polish",
    "kor": "korean",
}

_WORD = re.compile(r"\w+")
_TOKEN = re.compile(
    r"""\s*(?:(?P<open>\()|(?P<close>\))|(?P<colon>:(?=\s|"))|(?P<phrase>"[^"]*"?)|(?P<word>[^\s()"\[\]]+))"""
    r"""(?:\s*\[(?P<tag>[^\]]*)\]?)?"""
)
_OPERATORS = frozenset({"AND", "OR", "NOT"})


class QueryError(LitwatchError):
    """A query outside the supported subset; `field_not_found` names an unknown field tag."""

    def __init__(self, message: str, *, field_not_found: str | None = None) -> None:
        super().__init__(message)
        self.field_not_found = field_not_found


@dataclass(frozen=True)
class Word:
    """One query word; `prefix` when it ended in `*` (truncation)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class TextTerm:
    """A word or phrase searched in one field group."""

    words: tuple[Word, ...]
    field: TextField = "all"


@dataclass(frozen=True)
class DateTerm:
    """An inclusive date range on publication, Entrez or modification date."""

    field: DateField
    start: date
    end: date


@dataclass(frozen=True)
class BoolOp:
    op: Literal["AND", "OR", "NOT"]
    left: Query
    right: Query


Query = TextTerm | DateTerm | BoolOp


@dataclass(frozen=True)
class _Token:
    kind: Literal["open", "close", "colon", "op", "term"]
    text: str
    position: int
    tag: str | None = None
    quoted: bool = False


def words_of(text: str) -> tuple[str, ...]:
    """Lower-cased runs of letters and digits: the unit every match is made on."""
    return tuple(word.lower() for word in _WORD.findall(text))


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(query):
        if not query[position:].strip():
            break
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            raise QueryError(f"Invalid query syntax near character {position + 1}: {query[position:]!r}.")
        kind = _kind_of(match)
        start = match.start(kind)
        text = match.group(kind)
        tag = match.group("tag")
        if kind == "phrase":
            if not text.endswith('"') or len(text) < 2:
                raise QueryError(f"Unmatched quotation mark at character {start + 1}.")
            tokens.append(_Token("term", text[1:-1], start, tag, quoted=True))
        elif kind == "word" and text in _OPERATORS and tag is None:
            tokens.append(_Token("op", text, start))
        elif kind == "word":
            tokens.append(_Token("term", text, start, tag))
        else:
            if tag is not None:
                raise QueryError(f"Field tag [{tag}] must follow a term, at character {start + 1}.")
            tokens.append(_Token(kind, text, start))  # type: ignore[arg-type]
        position = match.end()
    return tokens


def _kind_of(match: re.Match[str]) -> str:
    for kind in ("open", "close", "colon", "phrase", "word"):
        if match.group(kind) is not None:
            return kind
    raise AssertionError("the token pattern always matches one kind")


class _Parser:
    """Recursive descent over the tokens: expr := operand ((op)? operand)*, left to right."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def parse(self) -> Query:
        if not self.tokens:
            raise QueryError("Empty query: give at least one term.")
        query = self._expression()
        if self.index < len(self.tokens):
            token = self.tokens[self.index]
            raise QueryError(f"Unmatched ')' at character {token.position + 1}.")
        return query

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _expression(self) -> Query:
        left = self._operand()
        while (token := self._peek()) is not None and token.kind != "close":
            op: Literal["AND", "OR", "NOT"] = "AND"
            if token.kind == "op":
                op = token.text  # type: ignore[assignment]
                self.index += 1
            left = BoolOp(op, left, self._operand())
        return left

    def _operand(self) -> Query:
        token = self._peek()
        if token is None:
            raise QueryError("Query ends where a term was expected.")
        self.index += 1
        if token.kind == "open":
            inner = self._expression()
            closing = self._peek()
            if closing is None or closing.kind != "close":
                raise QueryError(f"Unmatched '(' at character {token.position + 1}.")
            self.index += 1
            return inner
        if token.kind != "term":
            raise QueryError(
                f"Unexpected {token.text!r} at character {token.position + 1}: a term was expected."
            )
        following = self._peek()
        if following is not None and following.kind == "colon":
            self.index += 1
            end = self._peek()
            if end is None or end.kind != "term":
                raise QueryError(f"Date range at character {token.position + 1} has no end date.")
            self.index += 1
            return _date_range(token, end)
        return _term(token)


def _field(token: _Token) -> TextField | DateField:
    if token.tag is None:
        return "all"
    name = " ".join(token.tag.lower().split())
    found = FIELD_TAGS.get(name)
    if found is None:
        raise QueryError(f"Field not found: [{token.tag}].", field_not_found=token.tag)
    return found


def _term(token: _Token) -> Query:
    tag = _field(token)
    if tag in DATE_FIELDS:
        if ":" in token.text and not token.quoted:
            start_text, end_text = token.text.split(":", 1)
            return DateTerm(tag, _date_bound(start_text, token)[0], _date_bound(end_text, token)[1])  # type: ignore[arg-type]
        start, end = _date_bound(token.text, token)
        return DateTerm(tag, start, end)  # type: ignore[arg-type]
    words = tuple(Word(text=w.lower().rstrip("*"), prefix=w.endswith("*")) for w in _query_words(token.text))
    words = tuple(w for w in words if w.text)
    if not words:
        raise QueryError(f"Term {token.text!r} at character {token.position + 1} has no searchable words.")
    return TextTerm(words, tag)  # type: ignore[arg-type]


def _query_words(text: str) -> list[str]:
    """Words of a query term, keeping a trailing `*` on the word it truncates."""
    return re.findall(r"\w+\*?", text)


def _date_range(start: _Token, end: _Token) -> DateTerm:
    tag = _field(start)
    if tag not in DATE_FIELDS or _field(end) != tag:
        raise QueryError(f"A range at character {start.position + 1} needs the same date tag on both ends.")
    return DateTerm(tag, _date_bound(start.text, start)[0], _date_bound(end.text, end)[1])  # type: ignore[arg-type]


def parse_date_bound(text: str) -> tuple[date, date]:
    """First and last day of `YYYY`, `YYYY/MM` or `YYYY/MM/DD` (also with `-` or `.`), as NCBI reads them."""
    parts = [int(part) for part in re.split(r"[/.-]", text.strip())]
    if not 1 <= len(parts) <= 3 or not 1000 <= parts[0] <= 9999:
        raise ValueError(text)
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month_start = date(year, parts[1], 1)
    month_end = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if len(parts) == 2:
        return month_start, month_end
    day = date(year, parts[1], parts[2])
    return day, day


def _date_bound(text: str, token: _Token) -> tuple[date, date]:
    try:
        return parse_date_bound(text)
    except ValueError as exc:
        raise QueryError(
            f"Invalid date {text!r} at character {token.position + 1}: use YYYY, YYYY/MM or YYYY/MM/DD."
        ) from exc


def parse_query(query: str) -> Query:
    """The tree of a query string, or QueryError saying what is wrong and where."""
    return _Parser(_tokens(query)).parse()


@dataclass
class SearchDocument:
    """A record prepared for matching: its words per field and its three dates."""

    record: PubmedRecord
    edat: date
    mdat: date
    segments: dict[str, list[tuple[str, ...]]] = field(init=False)

    def __post_init__(self) -> None:
        record = self.record
        self.segments = {
            "title": [words_of(record.title), words_of(record.vernacular_title or "")],
            "abstract": [words_of(s.text) for s in record.abstract_sections]
            + [words_of(o.text) for o in record.other_abstracts]
            + ([] if record.abstract_sections else [words_of(record.abstract)]),
            "mesh": [words_of(term) for term in record.mesh_terms],
            "majr": [words_of(term) for term in record.mesh_major],
            "keywords": [words_of(keyword) for keyword in record.keywords],
            "pt": [words_of(kind) for kind in record.publication_types],
            "la": [words_of(f"{code} {LANGUAGE_NAMES.get(code.lower(), '')}") for code in record.languages],
        }

    @property
    def pmid(self) -> int:
        return self.record.pmid

    @property
    def pdat(self) -> date | None:
        if self.record.pub_date is not None:
            return self.record.pub_date
        return date(self.record.pub_year, 1, 1) if self.record.pub_year else None

    @cached_property
    def vocabulary(self) -> dict[str, frozenset[str]]:
        """All words per field: a set lookup rejects most records before any phrase scan."""
        return {name: frozenset(w for seg in segs for w in seg) for name, segs in self.segments.items()}

    def date(self, which: DateField) -> date | None:
        return {"dp": self.pdat, "edat": self.edat, "mdat": self.mdat}[which]


def _word_matches(word: Word, candidate: str) -> bool:
    return candidate.startswith(word.text) if word.prefix else candidate == word.text


def _in_vocabulary(word: Word, vocabulary: frozenset[str]) -> bool:
    if not word.prefix:
        return word.text in vocabulary
    return any(candidate.startswith(word.text) for candidate in vocabulary)


def _phrase_in(words: tuple[Word, ...], segment: tuple[str, ...]) -> bool:
    span = len(words)
    for start in range(len(segment) - span + 1):
        if all(_word_matches(w, segment[start + i]) for i, w in enumerate(words)):
            return True
    return False


def _text_matches(term: TextTerm, document: SearchDocument) -> bool:
    for source in FIELD_SOURCES[term.field]:
        vocabulary = document.vocabulary[source]
        if not all(_in_vocabulary(w, vocabulary) for w in term.words):
            continue
        if len(term.words) == 1 or any(_phrase_in(term.words, seg) for seg in document.segments[source]):
            return True
    return False


def matches(query: Query, document: SearchDocument | PubmedRecord) -> bool:
    """Whether a record satisfies a query tree (a bare record is dated by its Entrez/revision dates)."""
    if isinstance(document, PubmedRecord):
        document = document_for(document)
    if isinstance(query, BoolOp):
        left = matches(query.left, document)
        if query.op == "AND":
            return left and matches(query.right, document)
        if query.op == "OR":
            return left or matches(query.right, document)
        return left and not matches(query.right, document)
    if isinstance(query, DateTerm):
        value = document.date(query.field)
        return value is not None and query.start <= value <= query.end
    return _text_matches(query, document)


def record_dates(record: PubmedRecord) -> tuple[date, date]:
    """(edat, mdat) of a record: Entrez date, else the earliest date it has; mdat is DateRevised or edat."""
    edat = record.entrez_date or record.date_completed or record.date_revised or record.pub_date
    if edat is None and record.pub_year:
        edat = date(record.pub_year, 1, 1)
    if edat is None:
        raise InputError(f"PMID {record.pmid} has no Entrez, completion, revision or publication date.")
    return edat, record.date_revised or edat


def document_for(record: PubmedRecord) -> SearchDocument:
    edat, mdat = record_dates(record)
    return SearchDocument(record, edat, mdat)


@dataclass(frozen=True)
class DateFilter:
    """esearch's datetype/mindate/maxdate: an inclusive window on one date field."""

    field: DateField
    start: date
    end: date

    @classmethod
    def from_params(cls, datetype: str, mindate: str, maxdate: str) -> DateFilter:
        name = {"pdat": "dp", "edat": "edat", "mdat": "mdat"}.get(datetype.lower())
        if name is None:
            raise QueryError(f"Invalid datetype '{datetype}': use edat, mdat or pdat.")
        try:
            return cls(name, parse_date_bound(mindate)[0], parse_date_bound(maxdate)[1])  # type: ignore[arg-type]
        except ValueError as exc:
            raise QueryError(f"Invalid mindate/maxdate '{mindate}'/'{maxdate}': use YYYY/MM/DD.") from exc


def search(
    documents: Iterable[SearchDocument], query: str | Query, date_filter: DateFilter | None = None
) -> list[int]:
    """PMIDs of the matching documents, newest PMID first (PubMed's default order for E-utilities)."""
    tree = parse_query(query) if isinstance(query, str) else query
    if date_filter is not None:
        tree = BoolOp("AND", DateTerm(date_filter.field, date_filter.start, date_filter.end), tree)
    return sorted((d.pmid for d in documents if matches(tree, d)), reverse=True)


def translate(query: Query) -> str:
    """A QueryTranslation string in NCBI's style, e.g. `magnesium[tiab] AND sleep[All Fields]`."""
    if isinstance(query, BoolOp):
        return f"({translate(query.left)} {query.op} {translate(query.right)})"
    if isinstance(query, DateTerm):
        return (
            f'"{query.start:%Y/%m/%d}"[{query.field.upper()}] : "{query.end:%Y/%m/%d}"[{query.field.upper()}]'
        )
    text = " ".join(w.text + ("*" if w.prefix else "") for w in query.words)
    label = "All Fields" if query.field == "all" else query.field
    return f'"{text}"[{label}]' if len(query.words) > 1 else f"{text}[{label}]"
