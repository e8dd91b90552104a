"""`litwatch run` and `litwatch demo` refuse bad input in one sentence, before Prefect starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_main


def test_run_refuses_an_unknown_topic_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    done = run_main(monkeypatch, capsys, "run", "--topic", "no-such-topic", db_path=db_path)
    assert done.exit_code == 1
    assert "Unknown topic 'no-such-topic' (known topics:" in done.stderr
    assert "Traceback" not in done.output and not db_path.exists()


def test_demo_refuses_fewer_than_two_nights_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "demo-output"
    done = run_main(monkeypatch, capsys, "demo", "--nights", "1", "--out", str(out), db_path=db_path)
    assert done.exit_code == 1
    assert "at least 2 nights" in done.stderr and "Traceback" not in done.output
    assert not out.exists()
