"""PubMed date forms (Year/Month/Day, Season, MedlineDate, MEDLINE text `DP`) turned into dates.

Shared by the XML parser and the MEDLINE text import, which use the same free-text date syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# The first month of the season that lies in the stated year (winter of 2017 starts in its January).
SEASON_MONTHS = {"winter": 1, "spring": 3, "summer": 6, "fall": 9, "autumn": 9}

_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_WORD_OR_NUMBER = re.compile(r"[A-Za-z]+|\d+")


@dataclass(frozen=True)
class PartialDate:
    """A publication date as precise as the source states it; `as_date` fills missing parts with 1."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def as_date(self) -> date | None:
        if self.year is None:
            return None
        try:
            return date(self.year, self.month or 1, self.day or 1)
        except ValueError:
            return date(self.year, self.month or 1, 1) if self.month else date(self.year, 1, 1)


def month_number(text: str | None) -> int | None:
    """Month from a number ("06"), a name or abbreviation ("Jun", "June") or a season ("Spring")."""
    if not text:
        return None
    token = text.strip().lower().rstrip(".")
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(token) or SEASON_MONTHS.get(token)


def first_month(text: str | None) -> int | None:
    """Month of the first word of a Season or month range: "Spring" is 3, "May-Jun" is 5."""
    if text and text.isascii() and (text.isalpha() or text.isdigit()):
        return month_number(text)  # a single word or number ("Jun", "06"): no need to tokenise
    tokens = _WORD_OR_NUMBER.findall(text or "")
    return month_number(tokens[0]) if tokens else None


def parse_int(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isdigit() else None


def ymd_date(year: str | None, month: str | None, day: str | None) -> date | None:
    """A complete date from numeric Year/Month/Day elements (DateCompleted, DateRevised, History)."""
    if year and month and day and year.isdigit() and month.isdigit() and day.isdigit():
        # The usual all-numeric case, a few times cheaper than the general path it falls back to.
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            pass
    return PartialDate(parse_int(year), month_number(month), parse_int(day)).as_date()


def parse_free_date(text: str) -> PartialDate:
    """Year, month and day from free text such as "1998 Dec-1999 Jan", "2015 Oct-Dec", "2002 Sep 15".

    The first year is taken, then the month (or season) right after it, then a day right after that:
    a range is dated by its start.
    """
    match = _YEAR.search(text)
    if match is None:
        return PartialDate()
    year = int(match.group(1))
    tokens = _WORD_OR_NUMBER.findall(text[match.end() :])
    month = month_number(tokens[0]) if tokens and not tokens[0].isdigit() else None
    day = None
    if month is not None and len(tokens) > 1 and tokens[1].isdigit() and 1 <= int(tokens[1]) <= 31:
        day = int(tokens[1])
    return PartialDate(year, month, day)
