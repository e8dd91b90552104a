"""Run the real `litwatch` entry point (in a subprocess or in-process) and hold a warehouse's write lock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from litwatch.cli import main
from tests.conftest import REPO

# Opens the warehouse for writing, says so, and keeps it open until stdin closes.
_HOLD_LOCK = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[1]); "
    "print('locked', flush=True); sys.stdin.read(); con.close()"
)


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _environment(db_path: Path, topics_dir: Path | None) -> dict[str, str]:
    return {"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(topics_dir or REPO / "topics")}


def run_cli(*args: str, db_path: Path, topics_dir: Path | None = None) -> CliRun:
    """`litwatch ARGS` in a fresh interpreter, exactly as a user runs it (exit code, stderr, no traceback)."""
    done = subprocess.run(
        [sys.executable, "-c", "from litwatch.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **_environment(db_path, topics_dir)},
        cwd=REPO,
        timeout=120,
        check=False,
    )
    return CliRun(done.returncode, done.stdout, done.stderr)


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    db_path: Path,
    topics_dir: Path | None = None,
) -> CliRun:
    """The same entry point in this process: faster, for the many cases that need no fresh interpreter."""
    for name, value in _environment(db_path, topics_dir).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["litwatch", *args])
    try:
        main()
        exit_code = 0
    except SystemExit as done:
        exit_code = done.code if isinstance(done.code, int) else 1
    captured = capsys.readouterr()
    return CliRun(exit_code, captured.out, captured.err)


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[None]:
    """Another process with a write connection open on `db_path` for the duration of the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
