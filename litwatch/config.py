"""Settings read from the environment, in one place, so every command and flow agrees."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NCBI_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every field has an environment variable and a default."""

    db_path: Path
    topics_dir: Path
    eutils_url: str
    ncbi_email: str
    ncbi_api_key: str | None
    smtp_url: str | None
    smtp_from: str
    outbox_dir: Path
    reports_dir: Path = Path("reports")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            db_path=Path(env.get("LITWATCH_DB", "litwatch.duckdb")),
            topics_dir=Path(env.get("LITWATCH_TOPICS", "topics")),
            eutils_url=env.get("LITWATCH_EUTILS_URL", NCBI_EUTILS_URL),
            ncbi_email=env.get("NCBI_EMAIL", "litwatch@example.org"),
            ncbi_api_key=env.get("NCBI_API_KEY") or None,
            smtp_url=env.get("LITWATCH_SMTP_URL") or None,
            smtp_from=env.get("LITWATCH_SMTP_FROM", "litwatch@localhost"),
            outbox_dir=Path(env.get("LITWATCH_OUTBOX", "outbox")),
            reports_dir=Path(env.get("LITWATCH_REPORTS", "reports")),
        )
