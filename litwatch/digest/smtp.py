"""SMTP delivery configured by one URL (LITWATCH_SMTP_URL), with explicit timeouts and TLS.

    smtp://host:25                      plain SMTP (loopback relays)
    smtp://user:pass@host:587?starttls=true   or   smtp+starttls://user:pass@host:587
    smtps://user:pass@host:465          implicit TLS
Query options: `timeout` (seconds, default 30), `cafile` (PEM file of CAs to trust, for relays
with a private certificate authority). User and password are percent-decoded.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from litwatch.digest.models import DeliveryError
from litwatch.errors import DigestError

Security = Literal["none", "starttls", "tls"]
_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    cafile: Path | None = None

    def describe(self) -> str:
        """Where mail goes, without the password."""
        user = f"{self.username}@" if self.username else ""
        return f"{user}{self.host}:{self.port} ({self.security})"


def parse_smtp_url(url: str) -> SmtpConfig:
    """Read LITWATCH_SMTP_URL; a malformed URL is a DigestError naming the problem, never the password."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise DigestError(
            f"LITWATCH_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {scheme}://."
        )
    security, default_port = _SCHEMES[scheme]
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "smtp" and options.get("starttls", "").lower() in _TRUE:
        security = "starttls"
    try:
        port = parts.port or default_port
        timeout = float(options.get("timeout", "30"))
    except ValueError as exc:
        raise DigestError(f"LITWATCH_SMTP_URL has an invalid port or timeout ({exc}).") from exc
    if not parts.hostname:
        raise DigestError("LITWATCH_SMTP_URL names no host, e.g. smtp://user:pass@mail.example.org:587.")
    if timeout <= 0:
        raise DigestError("LITWATCH_SMTP_URL timeout must be a positive number of seconds.")
    cafile = Path(options["cafile"]) if options.get("cafile") else None
    if cafile is not None and not cafile.is_file():
        raise DigestError(f"LITWATCH_SMTP_URL cafile {cafile} does not exist.")
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
        cafile=cafile,
    )


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(config.cafile) if config.cafile else None)


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "tls":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=_tls_context(config)
        )
    client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security == "starttls":
        client.ehlo()
        client.starttls(context=_tls_context(config))
    return client


def deliver_smtp(config: SmtpConfig, sender: str, recipients: list[str], message: bytes) -> list[str]:
    """Hand one message to the server and return the recipients it refused while accepting others;
    a refusal of the message or every recipient, or a network failure, is a DeliveryError."""
    try:
        with _connect(config) as client:
            client.ehlo_or_helo_if_needed()
            if config.username:
                client.login(config.username, config.password or "")
            refused = client.sendmail(sender, recipients, message)
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        raise DeliveryError(f"{config.describe()} answered {exc.smtp_code} {detail}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"{config.describe()} refused every recipient") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{config.describe()} could not be used: {exc or type(exc).__name__}") from exc
    return sorted(refused)
