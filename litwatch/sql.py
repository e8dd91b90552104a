"""`litwatch sql`: answer a curator's read-only query against the warehouse, as a table, CSV or JSON.

Two guards keep the warehouse safe: the statement type is checked with DuckDB's own parser before
anything runs (only SELECT-style queries and EXPLAIN pass), and the file is opened read-only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import duckdb
from rich.table import Table

from litwatch.errors import InputError
from warehouse.connection import connect

OutputFormat = Literal["table", "csv", "json"]

_READ_ONLY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]
    json_columns: frozenset[str] = frozenset()  # JSON-typed columns, which DuckDB returns as text


def run_query(db_path: Path, sql: str) -> QueryResult:
    """Run one read-only statement against the warehouse at `db_path`."""
    _check_read_only(sql)
    with connect(db_path, read_only=True) as con:
        try:
            cursor = con.execute(sql)
            description = cursor.description or []
            return QueryResult(
                columns=[column[0] for column in description],
                rows=cursor.fetchall(),
                json_columns=frozenset(name for name, kind, *_ in description if str(kind) == "JSON"),
            )
        except duckdb.Error as exc:
            raise InputError(f"The query failed: {_one_line(exc)}.") from exc


def _check_read_only(sql: str) -> None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise InputError(f"The query is not valid SQL: {_one_line(exc)}.") from exc
    if len(statements) != 1:
        raise InputError(f"Give exactly one SQL statement (found {len(statements)}).")
    kind = statements[0].type
    if kind not in _READ_ONLY_TYPES:
        raise InputError(
            f"litwatch sql only reads: {kind.name} statements are refused "
            "(use SELECT, WITH, DESCRIBE, SHOW or EXPLAIN)."
        )


def _one_line(exc: Exception) -> str:
    """DuckDB's message without its multi-line caret diagram."""
    message = str(exc).split("\nLINE ")[0]
    return " ".join(message.split()).rstrip(".")


def render_table(result: QueryResult) -> Table:
    table = Table(*result.columns)
    for row in result.rows:
        table.add_row(*(_text(value) for value in row))
    return table


def render_csv(result: QueryResult) -> str:
    """CSV with a header row; lists and structs as JSON text, NULL as an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_text(value) for value in row] for row in result.rows)
    return buffer.getvalue()


def render_json(result: QueryResult) -> str:
    """A JSON array of objects, one per row, keyed by column name; JSON columns nested, not quoted."""
    records = [
        {
            name: json.loads(value) if name in result.json_columns and isinstance(value, str) else value
            for name, value in zip(result.columns, row, strict=True)
        }
        for row in result.rows
    ]
    return json.dumps(records, default=_json_default, ensure_ascii=False, indent=2)


def _text(value: object) -> str:
    """A cell as text: NULL empty, lists and structs as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    return str(value)


def _json_default(value: object) -> str | float:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
