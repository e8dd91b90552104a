"""Settings round-trip through the environment: what `to_env` writes, `from_env` reads back."""

from __future__ import annotations

from pathlib import Path

from litwatch.config import ENVIRONMENT_VARIABLES, NCBI_EUTILS_URL, Settings


def test_to_env_round_trips_every_field_including_unset_ones(tmp_path: Path) -> None:
    settings = Settings(
        db_path=tmp_path / "w.duckdb",
        topics_dir=tmp_path / "topics",
        eutils_url="http://127.0.0.1:9/",
        ncbi_email="a@example.org",
        ncbi_api_key=None,
        smtp_url=None,
        smtp_from="b@example.org",
        outbox_dir=tmp_path / "outbox",
        reports_dir=tmp_path / "reports",
    )
    env = settings.to_env()
    assert set(env) == set(ENVIRONMENT_VARIABLES.values())
    assert env["NCBI_API_KEY"] == "" and env["LITWATCH_DB"] == str(tmp_path / "w.duckdb")
    assert Settings.from_env(env) == settings
    with_secrets = Settings.from_env({**env, "NCBI_API_KEY": "k", "LITWATCH_SMTP_URL": "smtp://h:25"})
    assert Settings.from_env(with_secrets.to_env()) == with_secrets


def test_every_field_has_a_variable() -> None:
    assert set(ENVIRONMENT_VARIABLES) == set(Settings.__dataclass_fields__)
    assert Settings.from_env({}).eutils_url == NCBI_EUTILS_URL
