"""A warehouse with papers, extractions and flags for digest tests, and a real SMTP server on loopback."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import duckdb
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from litwatch.evidence.diff import Flag, FlagDetail, FlagReason
from warehouse.evidence import store_flags
from warehouse.runs import start_run, utc_now

EXTRACTOR_VERSION = "digest-test-1"

HOSTILE_TITLE = '<script>alert(1)</script> & "quotes"'


@dataclass(frozen=True)
class Paper:
    pmid: int
    title: str
    relevant: bool = True
    design: str = "rct"
    sample_size: int | None = 60
    journal: str = "J Sleep Res"
    year: int = 2024
    # (text, normalised mg/day); (label, text, attrs); (concept or None, direction, significant, effect)
    doses: tuple[tuple[str, float | None], ...] = (("500 mg magnesium oxide daily", 500.0),)
    populations: tuple[tuple[str, str, Mapping[str, object]], ...] = (
        ("age", "older adults", {"age_group": "older_adults"}),
        ("condition", "insomnia", {"condition": "insomnia"}),
    )
    outcomes: tuple[tuple[str | None, str, bool, str], ...] = (
        ("sleep onset latency", "decrease", True, "benefit"),
    )
    # holds every span's text, in the order above, when given; by default the span texts joined by spaces
    abstract: str = ""


def new_run(con: duckdb.DuckDBPyConnection, topic: str) -> str:
    return start_run(con, "nightly", topic)


def add_paper(con: duckdb.DuckDBPyConnection, topic: str, run_id: str, paper: Paper) -> None:
    """The paper as harvest and extraction leave it: article, topic membership, extraction, mentions."""
    now = utc_now()
    con.execute("INSERT INTO topic_articles VALUES (?, ?, ?, 'harvest', ?)", [topic, paper.pmid, now, run_id])
    con.execute(
        "INSERT INTO extractions VALUES (?, 1, ?, ?, 'text', ?, NULL, ?)",
        [paper.pmid, EXTRACTOR_VERSION, paper.design, paper.sample_size, now],
    )
    con.execute(
        "INSERT INTO topic_relevance VALUES (?, ?, 1, ?, ?, 'test')",
        [topic, paper.pmid, EXTRACTOR_VERSION, paper.relevant],
    )
    spans: list[tuple[str, str, str, dict[str, object]]] = [
        ("dose", "amount", text, {"mg_per_day_low": mg, "mg_per_day_high": mg}) for text, mg in paper.doses
    ]
    spans += [("population", label, text, dict(attrs)) for label, text, attrs in paper.populations]
    spans += [
        ("outcome", "outcome", concept or "a measure", {"direction": direction, "significant": significant})
        for concept, direction, significant, _ in paper.outcomes
    ]
    abstract = paper.abstract or " ".join(text for _, _, text, _ in spans)
    starts: list[int] = []
    for _, _, text, _ in spans:  # offsets index the abstract, as extraction stores them
        starts.append(abstract.index(text, starts[-1] + 1 if starts else 0))
    con.execute(
        "INSERT INTO articles (pmid, version, title, abstract, journal, pub_year, content_hash, updated_at) "
        "VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
        [paper.pmid, paper.title, abstract, paper.journal, paper.year, f"hash{paper.pmid}", now],
    )
    first_outcome = len(spans) - len(paper.outcomes)
    ends = [start + len(text) for start, (_, _, text, _) in zip(starts, spans, strict=True)]
    for start, end, (kind, label, text, attrs) in zip(starts, ends, spans, strict=True):
        con.execute(
            "INSERT INTO mentions VALUES (?, 1, ?, ?, 'abstract', ?, ?, ?, ?, ?)",
            [paper.pmid, kind, label, start, end, text, json.dumps(attrs), EXTRACTOR_VERSION],
        )
    for start, end, (concept, _, _, effect) in zip(
        starts[first_outcome:], ends[first_outcome:], paper.outcomes, strict=True
    ):
        con.execute(
            "INSERT INTO topic_outcomes VALUES (?, ?, 1, ?, 'abstract', ?, ?, ?, ?, NULL)",
            [topic, paper.pmid, EXTRACTOR_VERSION, start, end, concept, effect],
        )


def flag(pmid: int, reason: FlagReason, outcome: str | None = None, **detail: Any) -> Flag:
    return Flag(topic="t", pmid=pmid, run_id="r", reason=reason, outcome=outcome, detail=FlagDetail(**detail))


def add_flags(con: duckdb.DuckDBPyConnection, topic: str, run_id: str, *flags: Flag) -> None:
    """The flags a run's evidence diff raised, stored as the diff stores them."""
    store_flags(con, topic, run_id, list(flags), utc_now())


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())
        raise AssertionError(f"no {content_type} part")


@dataclass
class Inbox:
    """aiosmtpd handler keeping every accepted message; `reject` makes it answer 554 to DATA."""

    received: list[Received] = field(default_factory=list)
    reject: bool = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.reject:
            return "554 5.7.1 Message rejected by policy"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = message_from_bytes(content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 OK"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        valid = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=valid, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox, **smtp_options: Any) -> Iterator[int]:
    """A real SMTP server on 127.0.0.1 for the duration of the block; yields its port."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield int(controller.port)
    finally:
        controller.stop()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) PEM files for 127.0.0.1 / localhost, made with `cryptography`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def server_tls_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context
