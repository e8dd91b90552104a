"""Deterministic dev splits for corpora that ship none: a document is dev when the SHA-256 of its id
falls in the first DEV_PERCENT of the hash space. Nothing in the repo trains on these documents; the
rest is the training part, which scorers read only when asked (`litwatch evaluate --split train`) to
show what the rules and models were tuned on."""

from __future__ import annotations

import hashlib
from typing import Literal

DEV_PERCENT = 20

Split = Literal["dev", "train"]


def is_dev(document_id: str | int, percent: int = DEV_PERCENT) -> bool:
    digest = hashlib.sha256(f"litwatch-dev:{document_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def in_split(document_id: str | int, split: Split) -> bool:
    """Whether the document belongs to that part: dev as `is_dev` says, train the rest."""
    return is_dev(document_id) == (split == "dev")


def hash_split_label(split: Split, documents: int) -> str:
    """How a scorer names the part it read, e.g. 'dev = sha256-hash 20% of PMIDs (175 abstracts)'."""
    share = DEV_PERCENT if split == "dev" else 100 - DEV_PERCENT
    return f"{split} = sha256-hash {share}% of PMIDs ({documents} abstracts)"
