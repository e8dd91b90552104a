"""The outbox: dry-run digests written as .eml files that any mail client opens."""

from __future__ import annotations

import os
import re
from pathlib import Path

from litwatch.digest.models import DeliveryError


def eml_path(outbox_dir: Path, topic: str, run_id: str) -> Path:
    """One file per topic and run: a re-written digest replaces its own file, never another's."""
    safe_run = re.sub(r"[^A-Za-z0-9._-]", "_", run_id)
    return outbox_dir / f"{topic}--{safe_run}.eml"


def write_eml(outbox_dir: Path, topic: str, run_id: str, message: bytes) -> Path:
    """Write atomically (temp file, then rename) so a crash never leaves half a message."""
    path = eml_path(outbox_dir, topic, run_id)
    partial = path.with_suffix(".eml.partial")
    try:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(message)
        os.replace(partial, path)
    except OSError as exc:
        raise DeliveryError(f"outbox {outbox_dir} is not writable ({exc.strerror or exc})") from exc
    return path
