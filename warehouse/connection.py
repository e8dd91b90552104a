"""Open the DuckDB warehouse: apply numbered migrations on write, refuse writes on read-only opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from litwatch.errors import WarehouseError, WarehouseLockedError
from warehouse.runs import utc_now

MIGRATIONS_PACKAGE = "warehouse.migrations"


def migration_files() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migrations/NNNN_name.sql, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded in schema_migrations; return the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(number INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT number FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in migration_files():
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [number, name, utc_now()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _open(path: Path, read_only: bool, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise WarehouseError(f"Warehouse {path} does not exist yet; import or harvest first.")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        config: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLockedError(
                f"Warehouse {path} is in use by another process; try again when it finishes."
            ) from exc
        raise WarehouseError(f"Warehouse {path} cannot be opened: {exc}.") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"Warehouse {path} is not a DuckDB database ({exc}).") from exc
    # DuckDB's own progress bar would print into `litwatch sql` output and over rich's bars.
    con.execute("SET enable_progress_bar = false")
    return con


@contextmanager
def connect(
    path: Path, *, read_only: bool = False, memory_limit: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse; writers get the schema brought up to date first.

    `memory_limit` (e.g. "512MB") caps DuckDB's memory, which otherwise caches up to 80% of RAM;
    beyond it DuckDB spills to a temp folder beside the file.
    """
    con = _open(path, read_only, memory_limit)
    try:
        if not read_only:
            apply_migrations(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing block: a failure rolls back so the warehouse is untouched."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
