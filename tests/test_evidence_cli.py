"""`litwatch summarise`, `report` and `flags` through the real entry point, on the scenario warehouse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.cli_helpers import run_main
from tests.evidence_warehouse import TOPIC_FILE, load_night
from warehouse.connection import connect

TOPIC = "sleep-education-autism"


@pytest.fixture
def topics_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "topics"
    folder.mkdir()
    shutil.copy(TOPIC_FILE, folder)
    (folder / "nothing-yet.yaml").write_text(
        "id: nothing-yet\nquestion: Does zinc help you sleep?\nquery: zinc AND sleep\n"
        "outcomes:\n  - name: sleep quality\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def warehouse(db_path: Path, shared_data: Path) -> Path:
    with connect(db_path) as con:
        load_night(con, shared_data, 1)
    return db_path


def test_summarise_then_flags(
    warehouse: Path, topics_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_main(
        monkeypatch, capsys, "summarise", "--topic", TOPIC, db_path=warehouse, topics_dir=topics_dir
    )
    assert done.exit_code == 0, done.output
    assert "supported" in done.stdout and "first_evidence" in done.stdout
    assert done.stdout.rstrip().endswith("3 flag(s).")
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT kind, status FROM runs WHERE kind = 'summarise'").fetchall() == [
            ("summarise", "ok")
        ]
    listed = run_main(
        monkeypatch,
        capsys,
        "flags",
        "--topic",
        TOPIC,
        "--format",
        "json",
        db_path=warehouse,
        topics_dir=topics_dir,
    )
    assert listed.exit_code == 0, listed.output
    flags = json.loads(listed.stdout)
    assert [(f["pmid"], f["reason"], f["outcome"]) for f in flags] == [
        (23754339, "first_evidence", "parent-reported sleep problems"),
        (23754339, "first_evidence", "sleep onset latency"),
        (23993773, "first_evidence", "parent-reported sleep problems"),
    ]
    table = run_main(monkeypatch, capsys, "flags", "--topic", TOPIC, db_path=warehouse, topics_dir=topics_dir)
    assert "23754339" in table.stdout and "first_evidence" in table.stdout and "3 flag(s)" in table.stdout


def test_report_to_file_in_each_format(
    warehouse: Path,
    topics_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        done = run_main(
            monkeypatch,
            capsys,
            "report",
            "--topic",
            TOPIC,
            "--format",
            fmt,
            "--out",
            str(out),
            db_path=warehouse,
            topics_dir=topics_dir,
        )
        assert done.exit_code == 0, done.output
        assert "PMID 23754339" in out.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "report.json").read_text())["topic"] == TOPIC
    assert not list(tmp_path.glob(".report*"))  # no temporary files left behind


def test_report_for_a_topic_with_nothing_yet_says_insufficient(
    warehouse: Path, topics_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_main(
        monkeypatch, capsys, "report", "--topic", "nothing-yet", db_path=warehouse, topics_dir=topics_dir
    )
    assert done.exit_code == 0, done.output
    assert "Insufficient evidence: no study measured sleep quality." in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "--topic", TOPIC, "--format", "pdf"],
            "Unknown report format 'pdf' (use md, html or json).",
        ),
        (["flags", "--topic", TOPIC, "--format", "xml"], "Unknown format 'xml' (use table or json)."),
        (["report", "--topic", "no-such-topic"], "Unknown topic 'no-such-topic'"),
        (["flags", "--topic", TOPIC], "has not been summarised yet; run `litwatch summarise` first."),
    ],
)
def test_bad_input_is_one_sentence(
    warehouse: Path,
    topics_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    done = run_main(monkeypatch, capsys, *args, db_path=warehouse, topics_dir=topics_dir)
    assert done.exit_code == 1
    assert message in " ".join(done.stderr.split())
    assert "Traceback" not in done.output


def test_report_without_a_warehouse_is_an_error_and_writes_nothing(
    tmp_path: Path, topics_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.md"
    done = run_main(
        monkeypatch,
        capsys,
        "report",
        "--topic",
        TOPIC,
        "--out",
        str(out),
        db_path=tmp_path / "missing.duckdb",
        topics_dir=topics_dir,
    )
    assert done.exit_code == 1 and "does not exist yet" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", ["report", "flags"])
def test_a_warehouse_without_the_schema_is_one_sentence(
    tmp_path: Path,
    topics_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()
    done = run_main(monkeypatch, capsys, command, "--topic", TOPIC, db_path=bare, topics_dir=topics_dir)
    assert done.exit_code == 1 and "The warehouse schema is out of date" in " ".join(done.stderr.split())
    assert "Traceback" not in done.output
