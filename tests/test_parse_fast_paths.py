"""The parser's shortcuts for the common case give exactly what the general path gives, edge cases too."""

from __future__ import annotations

import itertools

from litwatch.pubmed.dates import PartialDate, first_month, month_number, parse_int, ymd_date
from litwatch.pubmed.xml_text import normalise_space

# Every whitespace kind str.split() knows about, plus unprintable non-space characters and plain letters.
_TEXT_ALPHABET = tuple(" \t\n\r\xa0\u2009\u3000\x1f\x85\xad\u200baé")
_DATE_PARTS = (None, "", " 5", "Jan", "٣", "²", "0", "00", "01", "02", "12", "13", "29", "31", "32", "2020")


def test_normalise_space_matches_split_and_join_for_every_short_text() -> None:
    for length in range(4):
        for chars in itertools.product(_TEXT_ALPHABET, repeat=length):
            text = "".join(chars)
            assert normalise_space(text) == " ".join(text.split()), repr(text)


def test_numeric_ymd_shortcut_matches_the_partial_date_rules() -> None:
    for year, month, day in itertools.product(_DATE_PARTS, repeat=3):
        try:
            expected: object = PartialDate(parse_int(year), month_number(month), parse_int(day)).as_date()
        except ValueError as exc:
            expected = type(exc)
        try:
            got: object = ymd_date(year, month, day)
        except ValueError as exc:
            got = type(exc)
        assert got == expected, (year, month, day)


def test_single_word_month_shortcut_matches_the_tokenised_rule() -> None:
    expected = {"Jun": 6, "june": 6, "Sept.": 9, "06": 6, "6": 6, "Spring": 3, "May-Jun": 5, " Jun": 6}
    expected |= {"Juné": 6, "٣": 3}  # the month is the first [A-Za-z]+ or Unicode \d+ run
    for word in (*expected, "13", "0", "²", "", None):
        assert first_month(word) == expected.get(word or ""), word
