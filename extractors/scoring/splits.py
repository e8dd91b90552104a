"""Deterministic dev splits for corpora that ship none: a document is dev when the SHA-256 of its id
falls in the first DEV_PERCENT of the hash space. Nothing in the repo trains on these documents."""

from __future__ import annotations

import hashlib

DEV_PERCENT = 20


def is_dev(document_id: str | int, percent: int = DEV_PERCENT) -> bool:
    digest = hashlib.sha256(f"litwatch-dev:{document_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent
