"""Run the nightly flow in this process with no Prefect server to set up (`litwatch run`, the demo).

With PREFECT_API_URL unset, Prefect 3 starts a temporary local API server for the run and stops it
afterwards; its database lives under PREFECT_HOME (default ~/.prefect). The defaults set here make
that work offline on a slow or busy machine: a longer start-up allowance and no telemetry. Anything
already set in the environment wins.
"""

from __future__ import annotations

import os
from datetime import date

from flows.results import NightlyResult
from litwatch.config import Settings
from litwatch.topics import get_topic

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
}


def prepare_prefect_environment(log_level: str | None = None) -> None:
    """Set the offline-friendly defaults (and a log level, e.g. WARNING for the demo) before Prefect loads."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if log_level is not None:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", log_level)


def run_nightly(
    topic_ids: list[str] | None = None,
    *,
    until: date | None = None,
    dry_run: bool = False,
    lock_wait_seconds: float = 0.0,
) -> NightlyResult:
    """The `nightly` flow for the given topics (default: all); NightlyRunFailed if any topic failed.

    Topic ids are checked first, so a typo fails in one sentence before Prefect starts."""
    settings = Settings.from_env()
    for topic_id in topic_ids or []:
        get_topic(settings.topics_dir, topic_id)
    prepare_prefect_environment()
    from prefect.settings import PREFECT_API_URL

    from flows.nightly import nightly, release_stale_eutils_slots

    if not PREFECT_API_URL.value():
        # A temporary API: the only users of its database are local runs, none of which holds the
        # E-utilities slot now (a killed earlier run may have left it taken).
        release_stale_eutils_slots()
    return nightly(topic_ids, until, dry_run, lock_wait_seconds)
