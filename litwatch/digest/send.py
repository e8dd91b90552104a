"""Send a topic's digest for a run, exactly once, and retry digests that earlier runs could not send.

Each digest is recorded as `sending` (with the exact message) before it is handed to SMTP or the
outbox, then marked `sent` or `failed`. A `failed` or interrupted `sending` digest is re-sent byte
for byte, with its Message-ID, by the next call for that topic: delivery is at-least-once, and a
crash between the server's acceptance and the `sent` record can repeat one message, which
receivers can recognise by its Message-ID. A paper is never lost and never listed in two digests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import duckdb

from extractors.terms import intervention_pattern
from litwatch.config import Settings
from litwatch.digest.compose import compose_digest
from litwatch.digest.models import DeliveryError, DigestRecord, DigestResult, Receipt
from litwatch.digest.outbox import write_eml
from litwatch.digest.smtp import SmtpConfig, deliver_smtp, parse_smtp_url
from litwatch.errors import DigestError
from litwatch.topics import Topic, get_topic
from warehouse import digests as store
from warehouse.connection import connect


class Channel(Protocol):
    def deliver(self, record: DigestRecord) -> Receipt: ...


@dataclass(frozen=True)
class SmtpChannel:
    config: SmtpConfig
    sender: str

    def deliver(self, record: DigestRecord) -> Receipt:
        message = (record.message or "").encode("utf-8")
        refused = deliver_smtp(self.config, self.sender, list(record.recipients), message)
        return Receipt(delivery="smtp", refused=tuple(refused))


@dataclass(frozen=True)
class OutboxChannel:
    outbox_dir: Path

    def deliver(self, record: DigestRecord) -> Receipt:
        path = write_eml(self.outbox_dir, record.topic, record.run_id, (record.message or "").encode("utf-8"))
        return Receipt(delivery="outbox", eml_path=str(path))


def _channel(settings: Settings, topic: Topic, dry_run: bool) -> Channel:
    """Check the configuration before anything is recorded, so a mistake leaves no trace."""
    if dry_run:
        return OutboxChannel(settings.outbox_dir)
    if not settings.smtp_url:
        raise DigestError(
            "LITWATCH_SMTP_URL is not set; set it (e.g. smtp://user:pass@host:587) or use --dry-run."
        )
    if not topic.recipients:
        raise DigestError(f"Topic {topic.id} has no recipients; add some to its YAML file or use --dry-run.")
    return SmtpChannel(parse_smtp_url(settings.smtp_url), settings.smtp_from)


def _stored(con: duckdb.DuckDBPyConnection, topic_id: str, run_id: str) -> DigestRecord:
    """The digest row just written for (topic, run)."""
    record = store.get_digest(con, topic_id, run_id)
    assert record is not None  # every caller wrote the row first
    return record


def _attempt(con: duckdb.DuckDBPyConnection, record: DigestRecord, channel: Channel) -> DigestResult:
    """Hand a recorded digest to the channel and record the outcome."""
    try:
        receipt = channel.deliver(record)
    except DeliveryError as exc:
        store.record_failed(con, record.topic, record.run_id, str(exc))
    else:
        refused = f"refused by the server: {', '.join(receipt.refused)}" if receipt.refused else None
        store.record_sent(con, record.topic, record.run_id, receipt.delivery, receipt.eml_path, refused)
    return DigestResult(_stored(con, record.topic, record.run_id))


def _retry(con: duckdb.DuckDBPyConnection, record: DigestRecord, channel: Channel) -> DigestResult:
    store.record_retry(con, record.topic, record.run_id)
    return _attempt(con, record, channel)


def send_digest(
    settings: Settings, con: duckdb.DuckDBPyConnection, topic: Topic, run_id: str, dry_run: bool = False
) -> DigestResult:
    """Send (or, with `dry_run`, write to the outbox) the topic's digest for `run_id`.

    Earlier unsent digests of the topic go first, as they were composed. A run whose digest was
    sent or skipped sends nothing again. A run with nothing new records `skipped` and sends nothing,
    unless the topic's schedule sets `send_empty_digest`. Records are committed as they are made,
    so call this outside a transaction.
    """
    channel = _channel(settings, topic, dry_run)
    retried = tuple(
        _retry(con, record, channel)
        for record in store.unsent_digests(con, topic.id)
        if record.run_id != run_id
    )
    existing = store.get_digest(con, topic.id, run_id)
    if existing is not None and existing.status in ("sent", "skipped"):
        result = DigestResult(existing, already_done=True)
    elif existing is not None:
        result = _retry(con, existing, channel)
    else:
        digest = store.digest_for_run(con, topic.id, run_id, intervention=intervention_pattern(topic))
        if digest.is_empty and not topic.schedule.send_empty_digest:
            store.record_skipped(con, topic.id, run_id, topic.recipients)
            return DigestResult(_stored(con, topic.id, run_id), retried=retried)
        message = compose_digest(
            digest, sender=settings.smtp_from, recipients=topic.recipients, question=topic.question
        )
        store.record_composed(
            con,
            digest,
            topic.recipients,
            str(message["Subject"]),
            str(message["Message-ID"]),
            message.as_bytes().decode("utf-8"),
        )
        result = _attempt(con, _stored(con, topic.id, run_id), channel)
    return replace(result, retried=retried)


def send_topic_digest(settings: Settings, topic_id: str, run_id: str | None, dry_run: bool) -> DigestResult:
    """The `litwatch digest` command: the digest of one topic for a run (default: its latest run)."""
    topic = get_topic(settings.topics_dir, topic_id)
    with connect(settings.db_path) as con:
        if run_id is None:
            run_id = store.latest_run(con, topic.id)
            if run_id is None:
                raise DigestError(f"Topic {topic.id} has no runs yet; harvest or run it first.")
        elif not store.has_run(con, topic.id, run_id):
            raise DigestError(f"Run {run_id} is not a run of topic {topic.id} (see the runs table).")
        return send_digest(settings, con, topic, run_id, dry_run)
