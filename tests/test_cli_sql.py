"""`litwatch sql`: read-only queries in three formats; writes, bad SQL and a locked file give one sentence."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from litwatch.errors import InputError, WarehouseError
from litwatch.pubmed.records import PubmedRecord
from litwatch.sql import render_csv, render_json, run_query
from tests.cli_helpers import run_cli, run_main, write_lock_held
from warehouse.articles import load_records
from warehouse.connection import connect, transaction


@pytest.fixture
def warehouse(db_path: Path) -> Path:
    records = [
        PubmedRecord(
            pmid=1, title="Magnesium, sleep", mesh_terms=["Magnesium", "Sleep"], pub_date=date(2020, 1, 2)
        ),
        PubmedRecord(pmid=2, title="Zinc", mesh_terms=[]),
    ]
    with connect(db_path) as con, transaction(con):
        load_records(con, records, source="test.xml", run_id="run-1", topic="magnesium-sleep")
    return db_path


def article_count(db_path: Path) -> int:
    with connect(db_path, read_only=True) as con:
        row = con.execute("SELECT count(*) FROM articles").fetchone()
    assert row is not None
    return int(row[0])


def test_run_query_returns_columns_and_rows(warehouse: Path) -> None:
    result = run_query(warehouse, "SELECT pmid, title, mesh_terms FROM articles ORDER BY pmid")
    assert result.columns == ["pmid", "title", "mesh_terms"]
    assert result.rows == [(1, "Magnesium, sleep", ["Magnesium", "Sleep"]), (2, "Zinc", [])]


def test_csv_and_json_rendering(warehouse: Path) -> None:
    result = run_query(warehouse, "SELECT pmid, title, mesh_terms, pub_date FROM articles ORDER BY pmid")
    rows = list(csv.reader(io.StringIO(render_csv(result))))
    assert rows[0] == ["pmid", "title", "mesh_terms", "pub_date"]
    assert rows[1] == ["1", "Magnesium, sleep", '["Magnesium", "Sleep"]', "2020-01-02"]
    assert rows[2][3] == ""
    assert json.loads(render_json(result))[0] == {
        "pmid": 1,
        "title": "Magnesium, sleep",
        "mesh_terms": ["Magnesium", "Sleep"],
        "pub_date": "2020-01-02",
    }


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM articles",
        "UPDATE articles SET title = 'x'",
        "INSERT INTO articles SELECT * FROM articles",
        "DROP TABLE articles",
        "CREATE TABLE t (x INT)",
        "ALTER TABLE articles ADD COLUMN x INT",
        "COPY articles TO 'out.csv'",
        "ATTACH 'other.duckdb'",
        "INSTALL httpfs",
        "SET threads = 1",
        "SELECT 1; DELETE FROM articles",
    ],
)
def test_write_statements_are_refused_before_running(warehouse: Path, statement: str) -> None:
    with pytest.raises(InputError) as error:
        run_query(warehouse, statement)
    assert "\n" not in str(error.value)
    assert article_count(warehouse) == 2


def test_json_columns_are_nested_in_json_output(warehouse: Path) -> None:
    result = run_query(warehouse, "SELECT pmid, record FROM article_versions WHERE pmid = 1")
    assert json.loads(render_json(result))[0]["record"]["mesh_terms"] == ["Magnesium", "Sleep"]


def test_bad_sql_is_one_sentence_with_duckdbs_reason(warehouse: Path) -> None:
    with pytest.raises(InputError, match=r'not valid SQL: Parser Error: syntax error at or near "SELEC"\.$'):
        run_query(warehouse, "SELEC pmid FROM articles")
    with pytest.raises(InputError, match=r"The query failed: .*no_such_table"):
        run_query(warehouse, "SELECT * FROM no_such_table")


def test_missing_warehouse_is_a_warehouse_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist yet"):
        run_query(tmp_path / "absent.duckdb", "SELECT 1")


def test_cli_formats(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def sql(*args: str) -> str:
        run = run_main(monkeypatch, capsys, "sql", *args, db_path=warehouse)
        assert run.exit_code == 0, run.output
        return run.stdout

    assert sql("SELECT pmid, title FROM articles ORDER BY pmid", "--format", "csv") == (
        'pmid,title\n1,"Magnesium, sleep"\n2,Zinc\n'
    )
    assert json.loads(sql("SELECT pmid FROM articles ORDER BY pmid", "--format", "json")) == [
        {"pmid": 1},
        {"pmid": 2},
    ]
    table = sql("SELECT title FROM articles ORDER BY pmid")
    assert "Magnesium, sleep" in table and "Zinc" in table


def test_cli_refuses_a_write_with_one_sentence(warehouse: Path) -> None:
    run = run_cli("sql", "DELETE FROM articles", db_path=warehouse)
    assert run.exit_code == 1
    assert "DELETE statements are refused" in run.stderr
    assert "Traceback" not in run.output
    assert article_count(warehouse) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["SELECT * FROM nowhere"], "The query failed"),
        (["SELECT 1", "--format", "xml"], "Unknown format 'xml'"),
    ],
)
def test_cli_errors_are_one_sentence(
    warehouse: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    run = run_main(monkeypatch, capsys, "sql", *args, db_path=warehouse)
    assert run.exit_code == 1
    assert expected in run.stderr
    assert "Traceback" not in run.output


def test_cli_on_a_warehouse_another_process_is_writing(warehouse: Path) -> None:
    with write_lock_held(warehouse):
        run = run_cli("sql", "SELECT count(*) FROM articles", db_path=warehouse)
    assert run.exit_code == 1
    assert "in use by another process" in run.stderr
    assert "Traceback" not in run.output
    assert article_count(warehouse) == 2
