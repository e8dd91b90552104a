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
        var = ENVIRONMENT_VARIABLES
        return cls(
            db_path=Path(env.get(var["db_path"], "litwatch.duckdb")),
            topics_dir=Path(env.get(var["topics_dir"], "topics")),
            eutils_url=env.get(var["eutils_url"], NCBI_EUTILS_URL),
            ncbi_email=env.get(var["ncbi_email"], "litwatch@example.org"),
            ncbi_api_key=env.get(var["ncbi_api_key"]) or None,
            smtp_url=env.get(var["smtp_url"]) or None,
            smtp_from=env.get(var["smtp_from"], "litwatch@localhost"),
            outbox_dir=Path(env.get(var["outbox_dir"], "outbox")),
            reports_dir=Path(env.get(var["reports_dir"], "reports")),
        )

    def to_env(self) -> dict[str, str]:
        """Every variable, so that `from_env(settings.to_env()) == settings` (None is the empty string):
        what a child process or a flow run needs to see these settings."""
        values = {field: getattr(self, field) for field in ENVIRONMENT_VARIABLES}
        return {
            name: "" if values[field] is None else str(values[field])
            for field, name in ENVIRONMENT_VARIABLES.items()
        }


# Settings field -> environment variable.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "db_path": "LITWATCH_DB",
    "topics_dir": "LITWATCH_TOPICS",
    "eutils_url": "LITWATCH_EUTILS_URL",
    "ncbi_email": "NCBI_EMAIL",
    "ncbi_api_key": "NCBI_API_KEY",
    "smtp_url": "LITWATCH_SMTP_URL",
    "smtp_from": "LITWATCH_SMTP_FROM",
    "outbox_dir": "LITWATCH_OUTBOX",
    "reports_dir": "LITWATCH_REPORTS",
}
