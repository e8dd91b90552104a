"""Numbered migrations: applied once each, in order, recorded; an older warehouse upgrades in place and
keeps its rows; a failing migration leaves the warehouse as it was."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from warehouse import connection
from warehouse.connection import apply_migrations, connect, migration_files


def _recorded(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute("SELECT number, name FROM schema_migrations ORDER BY number").fetchall()


def test_a_new_warehouse_records_every_migration_once_in_order(db_path: Path) -> None:
    files = migration_files()
    assert [number for number, _, _ in files] == list(range(1, len(files) + 1))
    with connect(db_path) as con:
        assert _recorded(con) == [(number, name) for number, name, _ in files]
    with connect(db_path) as con:
        assert apply_migrations(con) == []
        assert len(_recorded(con)) == len(files)


def test_an_older_warehouse_upgrades_in_place_and_keeps_its_rows(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = migration_files()
    before_0008 = [f for f in files if f[0] < 8]
    monkeypatch.setattr(connection, "migration_files", lambda: before_0008)
    with connect(db_path) as con:
        attrs = json.dumps({"condition": "insomnia", "participants_condition": True})
        con.execute(
            "INSERT INTO articles (pmid, version, title, abstract, content_hash, updated_at) "
            "VALUES (1, 1, 'T', 'insomnia', 'h1', now())"
        )
        con.execute("INSERT INTO extractions VALUES (1, 1, 'v1', 'rct', 'text', 40, NULL, now())")
        con.execute(
            "INSERT INTO mentions VALUES "
            "(1, 1, 'population', 'condition', 'abstract', 0, 8, 'insomnia', ?, 'v1')",
            [attrs],
        )
        assert "participants_condition" not in [c[0] for c in con.execute("DESCRIBE populations").fetchall()]
    monkeypatch.setattr(connection, "migration_files", lambda: files)
    with connect(db_path) as con:
        assert [name for _, name in _recorded(con)][-1] == files[-1][1]
        row = con.execute("SELECT pmid, condition, participants_condition FROM populations").fetchall()
        assert row == [(1, "insomnia", True)]


def test_a_failing_migration_is_rolled_back_and_not_recorded(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(db_path) as con:
        applied = len(_recorded(con))
    broken = (99, "0099_broken.sql", "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;")
    monkeypatch.setattr(connection, "migration_files", lambda: [*migration_files(), broken])
    with pytest.raises(duckdb.CatalogException), connect(db_path):
        pass
    monkeypatch.undo()
    with connect(db_path) as con:
        assert len(_recorded(con)) == applied
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"
        ).fetchone() == (0,)
