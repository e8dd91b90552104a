"""Shared fixtures: paths to the shared corpora (skipped cleanly where absent) and temp warehouses."""

from __future__ import annotations

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
