"""`litwatch digest`: the latest run by default, dry runs to the outbox, SMTP, and one-sentence errors."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import run_main
from tests.digest_support import Inbox, Paper, add_paper, new_run, smtp_server
from warehouse.connection import connect

TOPIC = "magnesium-sleep"


@pytest.fixture
def topics_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "topics"
    folder.mkdir()
    topic = {
        "id": TOPIC,
        "question": "Does magnesium help you sleep?",
        "query": "magnesium",
        "recipients": ["c@example.org"],
    }
    (folder / f"{TOPIC}.yaml").write_text(yaml.safe_dump(topic), encoding="utf-8")
    return folder


def _night(db_path: Path, pmid: int) -> str:
    with connect(db_path) as con:
        run = new_run(con, TOPIC)
        add_paper(con, TOPIC, run, Paper(pmid, f"Magnesium and sleep, study {pmid}"))
    return run


def test_dry_run_of_the_latest_run_writes_an_eml_once(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    db_path: Path,
    topics_dir: Path,
) -> None:
    _night(db_path, 1)
    latest = _night(db_path, 2)
    monkeypatch.setenv("LITWATCH_OUTBOX", str(tmp_path / "outbox"))

    first = run_main(
        monkeypatch, capsys, "digest", "--topic", TOPIC, "--dry-run", db_path=db_path, topics_dir=topics_dir
    )
    again = run_main(
        monkeypatch, capsys, "digest", "--topic", TOPIC, "--dry-run", db_path=db_path, topics_dir=topics_dir
    )

    assert first.exit_code == 0, first.output
    assert f"digest {TOPIC} / {latest}: 0 flagged, 2 new, written to" in first.stdout
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert (
        message_from_bytes(eml.read_bytes(), policy=default)["Subject"] == f"[litwatch] {TOPIC}: 2 new papers"
    )
    assert again.exit_code == 0 and "already sent, nothing sent" in again.stdout


def test_digest_over_smtp_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path, topics_dir: Path
) -> None:
    run = _night(db_path, 1)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        monkeypatch.setenv("LITWATCH_SMTP_URL", f"smtp://127.0.0.1:{port}")
        done = run_main(
            monkeypatch,
            capsys,
            "digest",
            "--topic",
            TOPIC,
            "--run",
            run,
            db_path=db_path,
            topics_dir=topics_dir,
        )
    assert done.exit_code == 0, done.output
    assert "sent over SMTP" in done.stdout
    assert [r.rcpt_tos for r in inbox.received] == [["c@example.org"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--run", "no-such-run", "--dry-run"], "Run no-such-run is not a run of topic magnesium-sleep"),
        ([], "LITWATCH_SMTP_URL is not set"),
    ],
)
def test_mistakes_are_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    topics_dir: Path,
    args: list[str],
    message: str,
) -> None:
    _night(db_path, 1)
    monkeypatch.delenv("LITWATCH_SMTP_URL", raising=False)
    done = run_main(
        monkeypatch, capsys, "digest", "--topic", TOPIC, *args, db_path=db_path, topics_dir=topics_dir
    )
    assert done.exit_code == 1
    assert message in done.stderr and "Traceback" not in done.output


def test_topic_without_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path, topics_dir: Path
) -> None:
    done = run_main(
        monkeypatch, capsys, "digest", "--topic", TOPIC, "--dry-run", db_path=db_path, topics_dir=topics_dir
    )
    assert done.exit_code == 1 and "Topic magnesium-sleep has no runs yet" in done.stderr
