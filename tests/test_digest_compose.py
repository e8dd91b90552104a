"""Composing a digest email: subject, Message-ID, both parts, escaping, flag reasons in words."""

from __future__ import annotations

import pytest

from litwatch.digest.compose import compose_digest, digest_message_id, digest_subject
from litwatch.digest.models import Digest, DigestItem
from litwatch.digest.words import dose_line, flag_sentence, outcome_line
from tests.digest_support import HOSTILE_TITLE, flag

HOSTILE = DigestItem(
    pmid=111,
    title=HOSTILE_TITLE,
    journal="J <b>Sleep</b>",
    year=2024,
    design="randomised controlled trial",
    sample_size=151,
    dose_lines=("500 mg <elemental> magnesium",),
    population_lines=("condition: older adults",),
    outcome_lines=("sleep onset latency: decreased, significant (benefit)",),
    flags=(flag(111, "first_evidence", "sleep onset latency", tier=2, effect="benefit"),),
)
PLAIN = DigestItem(pmid=222, title="Magnesium and sleep quality in adults")


def _digest(flagged: tuple[DigestItem, ...] = (HOSTILE,), new: tuple[DigestItem, ...] = (PLAIN,)) -> Digest:
    return Digest(topic="magnesium-sleep", run_id="run-1", flagged=flagged, new=new, flag_runs=("run-1",))


def test_subject_counts_flagged_and_new_papers() -> None:
    assert digest_subject(_digest()) == "[litwatch] magnesium-sleep: 1 flagged, 1 new paper"
    assert (
        digest_subject(_digest(flagged=(), new=(PLAIN, PLAIN))) == "[litwatch] magnesium-sleep: 2 new papers"
    )
    assert digest_subject(_digest(flagged=(), new=())) == "[litwatch] magnesium-sleep: no new papers"


def test_message_id_is_the_same_for_a_run_and_differs_between_runs() -> None:
    first = digest_message_id("magnesium-sleep", "run-1", "litwatch@example.org")
    assert first == digest_message_id("magnesium-sleep", "run-1", "litwatch@example.org")
    assert first != digest_message_id("magnesium-sleep", "run-2", "litwatch@example.org")
    assert first.startswith("<digest.magnesium-sleep.") and first.endswith("@example.org>")


def test_message_has_text_then_html_with_headers() -> None:
    message = compose_digest(
        _digest(), sender="litwatch@example.org", recipients=["a@example.org", "b@example.org"]
    )
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["To"] == "a@example.org, b@example.org"
    assert message["From"] == "litwatch@example.org"
    assert message["Message-ID"] == digest_message_id("magnesium-sleep", "run-1", "litwatch@example.org")


def test_html_escapes_hostile_titles_and_text_keeps_them_readable() -> None:
    message = compose_digest(_digest(), sender="litwatch@example.org", recipients=["a@example.org"])
    text, html = (part.get_content() for part in message.iter_parts())
    assert "<script>" not in html and "<b>Sleep" not in html and "<elemental>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert HOSTILE_TITLE in text


def test_flagged_items_come_first_with_reasons_and_links() -> None:
    message = compose_digest(_digest(), sender="litwatch@example.org", recipients=["a@example.org"])
    for part in message.iter_parts():
        body = part.get_content()
        assert body.index(
            "First evidence on sleep onset latency (randomised controlled trial, benefit)."
        ) < body.index(PLAIN.title)
        assert (
            "https://pubmed.ncbi.nlm.nih.gov/111/" in body and "https://pubmed.ncbi.nlm.nih.gov/222/" in body
        )
        assert "sample size: 151" in body and "not stated" in body


def test_empty_digest_says_so() -> None:
    message = compose_digest(_digest(flagged=(), new=()), sender="l@example.org", recipients=[])
    assert message["To"] == "undisclosed-recipients:;"
    text = next(message.iter_parts()).get_content()
    assert "No new papers and no flags since the last digest." in text


def test_flag_reasons_become_sentences() -> None:
    assert flag_sentence(
        flag(1, "verdict_change", "sleep quality", from_verdict="insufficient", to_verdict="supported")
    ) == ("Verdict on sleep quality changed from insufficient to supported.")
    assert flag_sentence(flag(1, "retraction", notice_pmid=99)) == "Retracted (notice PMID 99)."


def test_outcome_line_words() -> None:
    assert (
        outcome_line("sleep quality", "decrease", True, "benefit")
        == "sleep quality: decreased, significant (benefit)"
    )
    assert (
        outcome_line("sleep time", "no_change", False, "null")
        == "sleep time: no change, not significant (null)"
    )
    assert outcome_line("cortisol", None, None, "unclear") == "cortisol: direction unclear"
    assert outcome_line("fatigue", "unclear", True, "benefit") == "fatigue: improved, significant (benefit)"
    assert outcome_line("pain", "unclear", True, "harm") == "pain: worsened, significant (harm)"


@pytest.mark.parametrize(
    ("low", "high", "line"),
    [
        (None, None, "amount: 250 mg twice daily"),
        (500.0, 500.0, "amount: 250 mg twice daily (500 mg/day)"),
        (500.0, None, "amount: 250 mg twice daily (500 mg/day)"),
        (320.0, 729.5, "amount: 250 mg twice daily (320-729.5 mg/day)"),
    ],
)
def test_dose_lines_add_the_normalised_daily_dose(low: float | None, high: float | None, line: str) -> None:
    assert dose_line("amount", "250 mg twice daily", low, high) == line
