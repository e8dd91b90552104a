"""The `digests` table and the queries that decide what a topic's next digest lists.

A digest owns what it lists: the PMIDs of its papers and the runs whose flags it reports. The next
digest lists every relevant paper of the topic and every flag not yet owned by a digest (skipped
digests own nothing), so a paper is never listed twice, and never missed however many runs pass
between two digests. An unsent digest keeps what it owns and is retried as it was composed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import duckdb

from litwatch.digest.models import Delivery, Digest, DigestItem, DigestRecord
from litwatch.digest.words import design_words, dose_line, flag_rank, outcome_line
from litwatch.evidence.diff import Flag
from warehouse.evidence import DOSE_CONTEXT_SQL, load_flags, names_intervention, study_populations
from warehouse.runs import utc_now

_OWNED = "FROM digests WHERE topic = $topic AND status <> 'skipped'"


@dataclass(frozen=True)
class _Study:
    pmid: int
    title: str
    journal: str | None
    year: int | None
    design: str | None
    sample_size: int | None
    retracted: bool


def _unowned_flag_runs(con: duckdb.DuckDBPyConnection, topic: str) -> list[str]:
    """Runs with flags that no digest has reported yet, oldest first."""
    rows = con.execute(
        f"""
        SELECT run_id FROM flags
        WHERE topic = $topic AND run_id NOT IN (SELECT UNNEST(flag_runs) {_OWNED})
        GROUP BY run_id ORDER BY min(created_at), run_id
        """,
        {"topic": topic},
    ).fetchall()
    return [row[0] for row in rows]


def _unowned_relevant_pmids(con: duckdb.DuckDBPyConnection, topic: str) -> list[int]:
    rows = con.execute(
        f"""
        SELECT ta.pmid FROM topic_articles ta
        JOIN studies s ON s.topic = ta.topic AND s.pmid = ta.pmid
        WHERE ta.topic = $topic AND s.relevant
          AND ta.pmid NOT IN (SELECT UNNEST(pmids) {_OWNED})
        ORDER BY ta.first_seen, ta.pmid
        """,
        {"topic": topic},
    ).fetchall()
    return [row[0] for row in rows]


def _studies(con: duckdb.DuckDBPyConnection, topic: str, pmids: list[int]) -> dict[int, _Study]:
    rows = con.execute(
        """
        SELECT a.pmid, a.title, coalesce(a.journal_iso, a.journal), a.pub_year, s.design,
               s.sample_size, coalesce(s.retracted, a.retracted)
        FROM articles a LEFT JOIN studies s ON s.pmid = a.pmid AND s.topic = $topic
        WHERE list_contains($pmids, a.pmid)
        """,
        {"topic": topic, "pmids": pmids},
    ).fetchall()
    return {row[0]: _Study(*row) for row in rows}


def _lines(rows: list[tuple[Any, ...]]) -> dict[int, tuple[str, ...]]:
    """Group (pmid, line) rows into each PMID's distinct lines, first occurrence first."""
    grouped: dict[int, dict[str, None]] = defaultdict(dict)
    for pmid, line in rows:
        if line:
            grouped[pmid][line] = None
    return {pmid: tuple(lines) for pmid, lines in grouped.items()}


def _dose_lines(
    con: duckdb.DuckDBPyConnection, pmids: list[int], intervention: re.Pattern[str] | None
) -> dict[int, tuple[str, ...]]:
    """'amount: 500 mg magnesium oxide daily (500 mg/day)', then frequency and duration spans, of the
    intervention's doses only; a compound or form span is left out (the amount it belongs to names it)."""
    rows = con.execute(
        f"""
        SELECT d.pmid, replace(d.label, '_', ' '), d.text, d.mg_per_day_low, d.mg_per_day_high,
               {DOSE_CONTEXT_SQL}
        FROM doses d JOIN articles a USING (pmid)
        WHERE list_contains($pmids, d.pmid) AND d.label NOT IN ('compound', 'form')
        ORDER BY d.pmid, d.label <> 'amount', d.section = 'abstract', d.start_char
        """,
        {"pmids": pmids},
    ).fetchall()
    return _lines(
        [
            (pmid, dose_line(label, text, low, high))
            for pmid, label, text, low, high, context in rows
            if names_intervention(context, intervention)
        ]
    )


def _population_lines(con: duckdb.DuckDBPyConnection, pmids: list[int]) -> dict[int, tuple[str, ...]]:
    """Who was studied, in the words of the evidence report ('children with autism'), and the setting."""
    return {
        pmid: tuple(
            "; ".join(w for w in (p.describe(), f"setting: {p.setting}" if p.setting else "") if w)
            for p in populations
        )
        for pmid, populations in study_populations(con, pmids).items()
    }


def _outcome_lines(
    con: duckdb.DuckDBPyConnection, topic: str, pmids: list[int]
) -> dict[int, tuple[str, ...]]:
    rows = con.execute(
        """
        SELECT pmid, concept, direction, significant, effect FROM outcomes
        WHERE topic = $topic AND list_contains($pmids, pmid) AND concept IS NOT NULL
        ORDER BY pmid, section = 'abstract', start_char
        """,
        {"topic": topic, "pmids": pmids},
    ).fetchall()
    return _lines([(pmid, outcome_line(name, *finding)) for pmid, name, *finding in rows])


def _items(
    con: duckdb.DuckDBPyConnection,
    topic: str,
    pmids: list[int],
    flags: dict[int, list[Flag]],
    intervention: re.Pattern[str] | None,
) -> list[DigestItem]:
    if not pmids:
        return []
    studies = _studies(con, topic, pmids)
    doses, populations = _dose_lines(con, pmids, intervention), _population_lines(con, pmids)
    outcomes = _outcome_lines(con, topic, pmids)
    items = []
    for pmid in pmids:
        study = studies.get(pmid)
        items.append(
            DigestItem(
                pmid=pmid,
                title=study.title if study else f"PMID {pmid}",
                journal=study.journal if study else None,
                year=study.year if study else None,
                design=design_words(study.design) if study else None,
                sample_size=study.sample_size if study else None,
                retracted=bool(study and study.retracted),
                dose_lines=doses.get(pmid, ()),
                population_lines=populations.get(pmid, ()),
                outcome_lines=outcomes.get(pmid, ()),
                flags=tuple(flags.get(pmid, ())),
            )
        )
    return items


def digest_for_run(
    con: duckdb.DuckDBPyConnection, topic: str, run_id: str, *, intervention: re.Pattern[str] | None
) -> Digest:
    """The digest `run_id` would send now: studies with unreported flags (most consequential reason
    first), then the topic's relevant papers that no digest has listed, in the order first seen. Doses
    are the intervention's (`intervention`: the topic's terms)."""
    flag_runs = _unowned_flag_runs(con, topic)
    flags: dict[int, list[Flag]] = defaultdict(list)
    for flag_run in flag_runs:
        for flag in load_flags(con, topic, flag_run):
            flags[flag.pmid].append(flag)
    flagged_pmids = sorted(flags, key=lambda pmid: (flag_rank(flags[pmid]), pmid))
    new_pmids = [pmid for pmid in _unowned_relevant_pmids(con, topic) if pmid not in flags]
    return Digest(
        topic=topic,
        run_id=run_id,
        flagged=tuple(_items(con, topic, flagged_pmids, flags, intervention)),
        new=tuple(_items(con, topic, new_pmids, {}, intervention)),
        flag_runs=tuple(flag_runs),
    )


_RECORD_COLUMNS = (
    "topic, run_id, status, recipients, subject, message_id, n_flagged, n_new, message, delivery, "
    "eml_path, attempts, error"
)


def _record(row: tuple[Any, ...]) -> DigestRecord:
    topic, run_id, status, recipients, *rest = row
    return DigestRecord(topic, run_id, status, tuple(recipients), *rest)


def get_digest(con: duckdb.DuckDBPyConnection, topic: str, run_id: str) -> DigestRecord | None:
    row = con.execute(
        f"SELECT {_RECORD_COLUMNS} FROM digests WHERE topic = ? AND run_id = ?", [topic, run_id]
    ).fetchone()
    return _record(row) if row else None


def unsent_digests(con: duckdb.DuckDBPyConnection, topic: str) -> list[DigestRecord]:
    """Digests composed but not delivered (failed, or interrupted while sending), oldest first."""
    rows = con.execute(
        f"""
        SELECT {_RECORD_COLUMNS} FROM digests
        WHERE topic = ? AND status IN ('sending', 'failed') ORDER BY created_at, run_id
        """,
        [topic],
    ).fetchall()
    return [_record(row) for row in rows]


def record_composed(
    con: duckdb.DuckDBPyConnection,
    digest: Digest,
    recipients: list[str],
    subject: str,
    message_id: str,
    message: str,
) -> None:
    """Store a composed digest as `sending` before delivery, so a crash cannot lose what it owns."""
    con.execute(
        """
        INSERT INTO digests (topic, run_id, status, recipients, subject, message_id, n_flagged, n_new,
                             pmids, flag_runs, message, attempts, created_at)
        VALUES (?, ?, 'sending', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
        """,
        [
            digest.topic,
            digest.run_id,
            recipients,
            subject,
            message_id,
            len(digest.flagged),
            len(digest.new),
            digest.pmids,
            list(digest.flag_runs),
            message,
            utc_now(),
        ],
    )


def record_retry(con: duckdb.DuckDBPyConnection, topic: str, run_id: str) -> None:
    """Mark an unsent digest `sending` again, counting the attempt."""
    con.execute(
        "UPDATE digests SET status = 'sending', attempts = attempts + 1 WHERE topic = ? AND run_id = ?",
        [topic, run_id],
    )


def record_sent(
    con: duckdb.DuckDBPyConnection,
    topic: str,
    run_id: str,
    delivery: Delivery,
    eml_path: str | None,
    note: str | None = None,
) -> None:
    """Mark a digest delivered; `note` keeps what went partly wrong (recipients the server refused)."""
    con.execute(
        """
        UPDATE digests SET status = 'sent', delivery = ?, eml_path = ?, error = ?, sent_at = ?
        WHERE topic = ? AND run_id = ?
        """,
        [delivery, eml_path, note, utc_now(), topic, run_id],
    )


def record_failed(con: duckdb.DuckDBPyConnection, topic: str, run_id: str, error: str) -> None:
    con.execute(
        "UPDATE digests SET status = 'failed', error = ? WHERE topic = ? AND run_id = ?",
        [error, topic, run_id],
    )


def record_skipped(con: duckdb.DuckDBPyConnection, topic: str, run_id: str, recipients: list[str]) -> None:
    """A run with nothing new: the row makes re-runs no-ops and owns no papers or flags."""
    con.execute(
        """
        INSERT INTO digests (topic, run_id, status, recipients, pmids, flag_runs, created_at)
        VALUES (?, ?, 'skipped', ?, [], [], ?)
        """,
        [topic, run_id, recipients, utc_now()],
    )


def latest_run(con: duckdb.DuckDBPyConnection, topic: str) -> str | None:
    """The most recently started run of a topic, the default a digest is sent for."""
    row = con.execute(
        "SELECT run_id FROM runs WHERE topic = ? ORDER BY started_at DESC, run_id DESC LIMIT 1", [topic]
    ).fetchone()
    return row[0] if row else None


def has_run(con: duckdb.DuckDBPyConnection, topic: str, run_id: str) -> bool:
    """Whether `run_id` is in `runs` for this topic (or for all topics, when the run names none)."""
    row = con.execute(
        "SELECT count(*) FROM runs WHERE run_id = ? AND coalesce(topic, ?) = ?", [run_id, topic, topic]
    ).fetchone()
    return bool(row and row[0])
