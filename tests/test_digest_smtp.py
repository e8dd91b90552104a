"""LITWATCH_SMTP_URL parsing and delivery over plain SMTP with AUTH, STARTTLS and implicit TLS on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from litwatch.digest.models import DeliveryError
from litwatch.digest.smtp import SmtpConfig, deliver_smtp, parse_smtp_url
from litwatch.errors import DigestError
from tests.digest_support import Credentials, Inbox, self_signed_certificate, server_tls_context, smtp_server

MESSAGE = (
    b"From: l@example.org\r\nTo: c@example.org\r\nSubject: hello\r\nMessage-ID: <m@example.org>\r\n"
    b"\r\nBody.\r\n"
)
LOGIN = Credentials("curator", "p@ss:w/rd")
LOGIN_URL = "curator:p%40ss%3Aw%2Frd"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpConfig("mail.example.org", 25, "none")),
        (
            "smtp://u:p@mail.example.org:2525?starttls=true",
            SmtpConfig("mail.example.org", 2525, "starttls", "u", "p"),
        ),
        (
            "smtp+starttls://u:p%40x@mail.example.org",
            SmtpConfig("mail.example.org", 587, "starttls", "u", "p@x"),
        ),
        ("smtps://u:p@mail.example.org?timeout=5", SmtpConfig("mail.example.org", 465, "tls", "u", "p", 5.0)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpConfig) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "must start with smtp://"),
        ("smtp://u:secret@mail.example.org:notaport", "invalid port or timeout"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.org?timeout=0", "timeout must be a positive"),
        ("smtps://mail.example.org?cafile=/no/such.pem", "cafile /no/such.pem does not exist"),
    ],
)
def test_bad_smtp_urls_are_one_sentence_without_the_password(url: str, message: str) -> None:
    with pytest.raises(DigestError, match=message) as raised:
        parse_smtp_url(url)
    assert "secret" not in str(raised.value)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_auth_over_plain_smtp_on_loopback() -> None:
    inbox = Inbox()
    with smtp_server(inbox, authenticator=LOGIN, auth_required=True, auth_require_tls=False) as port:
        refused = deliver_smtp(
            parse_smtp_url(f"smtp://{LOGIN_URL}@127.0.0.1:{port}"),
            "l@example.org",
            ["c@example.org"],
            MESSAGE,
        )
        with pytest.raises(DeliveryError, match="535"):
            deliver_smtp(
                parse_smtp_url(f"smtp://curator:wrong@127.0.0.1:{port}"),
                "l@example.org",
                ["c@example.org"],
                MESSAGE,
            )
    assert refused == []
    assert [r.message["Message-ID"] for r in inbox.received] == ["<m@example.org>"]


def test_starttls_with_auth_and_a_private_ca(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    inbox = Inbox()
    options = {"tls_context": server_tls_context(cert, key), "require_starttls": True, "authenticator": LOGIN}
    with smtp_server(inbox, auth_required=True, **options) as port:
        trusted = f"smtp+starttls://{LOGIN_URL}@127.0.0.1:{port}?cafile={cert}"
        deliver_smtp(parse_smtp_url(trusted), "l@example.org", ["c@example.org"], MESSAGE)
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted = f"smtp://{LOGIN_URL}@127.0.0.1:{port}?starttls=true"
            deliver_smtp(parse_smtp_url(untrusted), "l@example.org", ["c@example.org"], MESSAGE)
    assert len(inbox.received) == 1


def test_implicit_tls(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=server_tls_context(cert, key)) as port:
        deliver_smtp(
            parse_smtp_url(f"smtps://127.0.0.1:{port}?cafile={cert}"),
            "l@example.org",
            ["c@example.org"],
            MESSAGE,
        )
    assert len(inbox.received) == 1


def test_partly_refused_recipients_are_reported_not_raised() -> None:
    class PickyInbox(Inbox):
        async def handle_RCPT(
            self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
        ) -> str:
            if address.startswith("gone"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    inbox = PickyInbox()
    with smtp_server(inbox) as port:
        refused = deliver_smtp(
            parse_smtp_url(f"smtp://127.0.0.1:{port}"),
            "l@example.org",
            ["c@example.org", "gone@example.org"],
            MESSAGE,
        )
    assert refused == ["gone@example.org"]
    assert inbox.received[0].rcpt_tos == ["c@example.org"]
