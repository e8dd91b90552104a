"""Shared fixtures: paths to the shared corpora (skipped cleanly where absent) and temp warehouses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The shared annotated corpora; tests that need them skip where the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def xml_samples(shared_data: Path) -> Path:
    return shared_data / "pubmed_xml_samples"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "litwatch.duckdb"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """One temporary Prefect API for the whole session (each start costs tens of seconds); yields its URL."""
    from flows.local import prepare_prefect_environment

    prepare_prefect_environment()
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield str(PREFECT_API_URL.value())
