"""Compose a digest email: plain text and autoescaped HTML from the Jinja2 templates beside this file."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from litwatch.digest.models import Digest

_templates = Environment(
    loader=PackageLoader("litwatch.digest", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_subject(digest: Digest) -> str:
    """'[litwatch] magnesium-sleep: 2 flagged, 5 new papers'."""
    if digest.is_empty:
        return f"[litwatch] {digest.topic}: no new papers"
    counts = []
    if digest.flagged:
        counts.append(f"{len(digest.flagged)} flagged")
    counts.append(_plural(len(digest.new), "new paper", "new papers"))
    return f"[litwatch] {digest.topic}: {', '.join(counts)}"


def digest_message_id(topic: str, run_id: str, sender: str) -> str:
    """The same Message-ID for every (re)send of one topic's digest for one run, so receivers can
    recognise a repeat; the domain is the sender's."""
    token = hashlib.sha256(f"{topic}\0{run_id}".encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "litwatch.local"
    return f"<digest.{topic}.{token}@{domain}>"


def compose_digest(
    digest: Digest, *, sender: str, recipients: list[str], question: str | None = None
) -> EmailMessage:
    """A multipart/alternative message (text/plain, then text/html) listing the digest's papers."""
    subject = digest_subject(digest)
    context = {"digest": digest, "question": question, "subject": subject}
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = digest_message_id(digest.topic, digest.run_id, sender)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Litwatch-Topic"] = digest.topic
    message["X-Litwatch-Run"] = digest.run_id
    # Quoted-printable keeps the .eml readable as text, unlike base64.
    message.set_content(_templates.get_template("digest.txt").render(context), cte="quoted-printable")
    message.add_alternative(
        _templates.get_template("digest.html").render(context), subtype="html", cte="quoted-printable"
    )
    return message
