"""Typed content of a digest: what the warehouse hands to the composer and what sending reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from litwatch.digest.words import flag_sentence
from litwatch.evidence.diff import Flag

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"

DigestStatus = Literal["sending", "sent", "failed", "skipped"]
Delivery = Literal["smtp", "outbox"]


class DeliveryError(Exception):
    """A digest that could not be handed over (server unreachable or refusing, outbox unwritable)."""


@dataclass(frozen=True)
class Receipt:
    """How a digest was handed over; `refused` lists recipients the server turned down."""

    delivery: Delivery
    eml_path: str | None = None
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestItem:
    """One paper as a digest lists it; `flags` is empty for a new paper that changed nothing."""

    pmid: int
    title: str
    journal: str | None = None
    year: int | None = None
    design: str | None = None
    sample_size: int | None = None
    retracted: bool = False
    dose_lines: tuple[str, ...] = ()
    population_lines: tuple[str, ...] = ()
    outcome_lines: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def link(self) -> str:
        return PUBMED_URL.format(pmid=self.pmid)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the study is flagged, one sentence per flag."""
        return tuple(flag_sentence(flag) for flag in self.flags)


@dataclass(frozen=True)
class Digest:
    """Everything one digest lists: flagged studies first, then the other new relevant papers.

    `flag_runs` are the runs whose flags it reports; together with the items' PMIDs they are what
    the digest takes ownership of, so no later digest repeats them.
    """

    topic: str
    run_id: str
    flagged: tuple[DigestItem, ...] = ()
    new: tuple[DigestItem, ...] = ()
    flag_runs: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.flagged and not self.new

    @property
    def pmids(self) -> list[int]:
        return [item.pmid for item in (*self.flagged, *self.new)]


@dataclass(frozen=True)
class DigestRecord:
    """A row of the `digests` table."""

    topic: str
    run_id: str
    status: DigestStatus
    recipients: tuple[str, ...]
    subject: str | None
    message_id: str | None
    n_flagged: int
    n_new: int
    message: str | None
    delivery: Delivery | None = None
    eml_path: str | None = None
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class DigestResult:
    """What `send_digest` did for one topic and run (its `digests` row as it now stands), plus the
    earlier unsent digests it retried."""

    record: DigestRecord
    already_done: bool = False
    retried: tuple[DigestResult, ...] = ()

    def summary(self) -> str:
        """One line for the terminal and for flow logs."""
        record = self.record
        what = f"digest {record.topic} / {record.run_id}"
        if self.already_done:
            return f"{what}: already {record.status}, nothing sent."
        if record.status == "skipped":
            return f"{what}: nothing new, nothing sent."
        if record.status == "failed":
            return f"{what}: not sent ({record.error}); it will be retried on the next run."
        where = f"written to {record.eml_path}" if record.delivery == "outbox" else "sent over SMTP"
        return f"{what}: {record.n_flagged} flagged, {record.n_new} new, {where}."
