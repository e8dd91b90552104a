"""Sending digests to a real SMTP server on loopback: once per run, retried after failures, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import duckdb
import pytest

from litwatch.config import Settings
from litwatch.digest.send import send_digest
from litwatch.errors import DigestError
from litwatch.topics import Schedule, Topic
from tests.digest_support import (
    HOSTILE_TITLE,
    Inbox,
    Paper,
    Received,
    add_flags,
    add_paper,
    flag,
    free_port,
    new_run,
    smtp_server,
)
from warehouse.connection import connect

TOPIC = Topic(
    id="magnesium-sleep",
    question="Does magnesium help you sleep?",
    query="magnesium AND sleep",
    recipients=["curator@example.org", "second@example.org"],
)
SENDER = "litwatch@example.org"


def settings(tmp_path: Path, smtp_url: str | None) -> Settings:
    env = {"LITWATCH_SMTP_FROM": SENDER, "LITWATCH_OUTBOX": str(tmp_path / "outbox")}
    return Settings.from_env({**env, "LITWATCH_SMTP_URL": smtp_url} if smtp_url else env)


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(db_path) as con:
        yield con


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def smtp_url(inbox: Inbox) -> Iterator[str]:
    with smtp_server(inbox) as port:
        yield f"smtp://127.0.0.1:{port}?timeout=10"


def _pmids_in(received: Received) -> set[int]:
    text = received.part("text/plain")
    return {int(line.rsplit("/", 2)[-2]) for line in text.splitlines() if "pubmed.ncbi.nlm.nih.gov/" in line}


def _status(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[str, int, str | None]:
    row = con.execute(
        "SELECT status, attempts, error FROM digests WHERE topic = ? AND run_id = ?", [TOPIC.id, run_id]
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def _night_one(con: duckdb.DuckDBPyConnection) -> str:
    run = new_run(con, TOPIC.id)
    add_paper(con, TOPIC.id, run, Paper(101, HOSTILE_TITLE, design="meta_analysis", sample_size=151))
    add_paper(con, TOPIC.id, run, Paper(102, "Magnesium glycinate and sleep quality in older adults"))
    add_paper(con, TOPIC.id, run, Paper(103, "Magnesium sulfate in anaesthesia", relevant=False))
    add_flags(
        con,
        TOPIC.id,
        run,
        flag(101, "first_evidence", "sleep onset latency", tier=1, effect="benefit"),
        flag(
            101, "verdict_change", "sleep onset latency", from_verdict="insufficient", to_verdict="supported"
        ),
    )
    return run


def test_digest_arrives_with_headers_parts_and_content(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    run = _night_one(con)
    result = send_digest(settings(tmp_path, smtp_url), con, TOPIC, run)

    record = result.record
    assert (record.status, record.delivery, record.n_flagged, record.n_new) == ("sent", "smtp", 1, 1)
    (received,) = inbox.received
    message = received.message
    assert received.mail_from == SENDER
    assert received.rcpt_tos == TOPIC.recipients
    assert message["From"] == SENDER
    assert message["To"] == "curator@example.org, second@example.org"
    assert message["Subject"] == "[litwatch] magnesium-sleep: 1 flagged, 1 new paper"
    assert message["Message-ID"] == result.record.message_id
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]

    text, html = received.part("text/plain"), received.part("text/html")
    for body in (text, html):
        flagged_at = body.index("Verdict on sleep onset latency changed from insufficient to supported.")
        assert "First evidence on sleep onset latency (meta-analysis / systematic review, benefit)." in body
        assert flagged_at < body.index("Magnesium glycinate and sleep quality in older adults")
        assert (
            "https://pubmed.ncbi.nlm.nih.gov/101/" in body and "https://pubmed.ncbi.nlm.nih.gov/102/" in body
        )
        assert "/103/" not in body
        assert "Dose: amount: 500 mg magnesium oxide daily (500 mg/day)" in body
        assert "sleep onset latency: decreased, significant (benefit)" in body
    assert HOSTILE_TITLE in text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert _status(con, run) == ("sent", 1, None)


def test_rerunning_a_sent_digest_sends_nothing(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    run = _night_one(con)
    send_digest(settings(tmp_path, smtp_url), con, TOPIC, run)
    again = send_digest(settings(tmp_path, smtp_url), con, TOPIC, run)
    assert again.already_done and again.record.status == "sent"
    assert len(inbox.received) == 1


def test_nothing_new_sends_nothing_and_records_skipped(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    send_digest(settings(tmp_path, smtp_url), con, TOPIC, _night_one(con))
    quiet_night = new_run(con, TOPIC.id)
    add_paper(con, TOPIC.id, quiet_night, Paper(104, "Magnesium and leg cramps", relevant=False))

    result = send_digest(settings(tmp_path, smtp_url), con, TOPIC, quiet_night)

    assert result.record.status == "skipped"
    assert len(inbox.received) == 1
    assert _status(con, quiet_night) == ("skipped", 0, None)


def test_empty_digest_is_sent_when_the_topic_asks_for_it(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    topic = TOPIC.model_copy(update={"schedule": Schedule(send_empty_digest=True)})
    result = send_digest(settings(tmp_path, smtp_url), con, topic, new_run(con, TOPIC.id))
    assert result.record.status == "sent"
    (received,) = inbox.received
    assert received.message["Subject"] == "[litwatch] magnesium-sleep: no new papers"
    assert "No new papers and no flags since the last digest." in received.part("text/plain")


def test_rejected_digest_is_sent_exactly_once_by_the_next_run(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    first = _night_one(con)
    inbox.reject = True
    failed = send_digest(settings(tmp_path, smtp_url), con, TOPIC, first)
    assert failed.record.status == "failed" and "554" in (failed.record.error or "")
    assert inbox.received == []
    assert _status(con, first)[0] == "failed"

    inbox.reject = False
    second = new_run(con, TOPIC.id)
    add_paper(con, TOPIC.id, second, Paper(105, "Magnesium L-threonate and sleep in adults"))
    result = send_digest(settings(tmp_path, smtp_url), con, TOPIC, second)

    assert [r.record.run_id for r in result.retried] == [first] and result.retried[0].record.status == "sent"
    assert result.record.status == "sent"
    assert [_pmids_in(r) for r in inbox.received] == [{101, 102}, {105}]
    assert inbox.received[0].message["Message-ID"] == failed.record.message_id
    assert _status(con, first) == ("sent", 2, None)

    third = new_run(con, TOPIC.id)
    assert send_digest(settings(tmp_path, smtp_url), con, TOPIC, third).record.status == "skipped"
    assert send_digest(settings(tmp_path, smtp_url), con, TOPIC, second).already_done
    assert len(inbox.received) == 2


def test_unreachable_server_leaves_the_digest_unsent_until_it_answers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox
) -> None:
    run = _night_one(con)
    port = free_port()  # nothing listens here yet: connection refused
    url = f"smtp://127.0.0.1:{port}?timeout=5"
    failed = send_digest(settings(tmp_path, url), con, TOPIC, run)
    assert failed.record.status == "failed" and "could not be used" in (failed.record.error or "")

    with smtp_server(inbox) as live_port:
        live = f"smtp://127.0.0.1:{live_port}?timeout=10"
        result = send_digest(settings(tmp_path, live), con, TOPIC, run)
        assert send_digest(settings(tmp_path, live), con, TOPIC, run).already_done
    assert result.record.status == "sent" and not result.retried
    assert [_pmids_in(r) for r in inbox.received] == [{101, 102}]


def test_crash_after_handover_resends_the_identical_message(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    """At-least-once: a digest left `sending` by a crash goes again, byte for byte, same Message-ID."""
    run = _night_one(con)
    send_digest(settings(tmp_path, smtp_url), con, TOPIC, run)
    con.execute("UPDATE digests SET status = 'sending', sent_at = NULL WHERE run_id = ?", [run])

    result = send_digest(settings(tmp_path, smtp_url), con, TOPIC, run)

    assert result.record.status == "sent" and not result.already_done
    first, repeat = inbox.received
    assert first.message["Message-ID"] == repeat.message["Message-ID"]
    assert first.message.as_bytes() == repeat.message.as_bytes()


def test_dry_run_writes_a_parseable_eml_and_owns_its_papers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, inbox: Inbox, smtp_url: str
) -> None:
    run = _night_one(con)
    result = send_digest(settings(tmp_path, None), con, TOPIC, run, dry_run=True)

    record = result.record
    assert record.status == "sent" and record.delivery == "outbox" and record.eml_path is not None
    eml = Path(record.eml_path)
    assert eml.parent == tmp_path / "outbox" and eml.suffix == ".eml"
    parsed = message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "[litwatch] magnesium-sleep: 1 flagged, 1 new paper"
    assert parsed["Message-ID"] == result.record.message_id
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    stored = con.execute("SELECT delivery, eml_path FROM digests WHERE run_id = ?", [run]).fetchone()
    assert stored == ("outbox", str(eml))

    # The outbox delivered it: a real send for the same run does nothing, and nothing is repeated.
    assert send_digest(settings(tmp_path, smtp_url), con, TOPIC, run).already_done
    empty = send_digest(settings(tmp_path, smtp_url), con, TOPIC, new_run(con, TOPIC.id))
    assert empty.record.status == "skipped"
    assert inbox.received == []


def test_missing_smtp_url_or_recipients_is_one_sentence_and_records_nothing(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    run = _night_one(con)
    with pytest.raises(DigestError, match="LITWATCH_SMTP_URL is not set"):
        send_digest(settings(tmp_path, None), con, TOPIC, run)
    nobody = TOPIC.model_copy(update={"recipients": []})
    with pytest.raises(DigestError, match="has no recipients"):
        send_digest(settings(tmp_path, "smtp://127.0.0.1:25"), con, nobody, run)
    assert con.execute("SELECT count(*) FROM digests").fetchone() == (0,)
