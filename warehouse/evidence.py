"""Evidence queries: studies with their findings from the extraction views, summary snapshots, flags.

Reads the views `studies`, `populations`, `doses`, `outcomes`, plus `articles` and the current
`article_versions.record` (CommentsCorrections notices); writes `summaries` and `flags`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from typing import Any

import duckdb
from pydantic import TypeAdapter

from litwatch.errors import WarehouseError
from litwatch.evidence.diff import Flag, FlagDetail
from litwatch.evidence.models import (
    Dose,
    Finding,
    Notice,
    NoticeKind,
    OutcomeSummary,
    Population,
    StudyEvidence,
    TopicSummary,
)
from litwatch.pubmed.records import CommentCorrection

NOTICE_KINDS: dict[str, NoticeKind] = {
    "RetractionIn": "retraction",
    "ExpressionOfConcernIn": "expression_of_concern",
    "ErratumIn": "erratum",
}
_COMMENTS = TypeAdapter(list[CommentCorrection])

STUDIES_SQL = """
SELECT s.pmid, a.version, a.title, a.pub_year, a.journal, s.design, s.sample_size,
       coalesce(s.retracted, false) OR a.retracted, a.publication_types,
       json_extract(v.record, '$.comments_corrections')
FROM studies s
JOIN articles a ON a.pmid = s.pmid
LEFT JOIN article_versions v ON v.pmid = a.pmid AND v.version = a.version
WHERE s.topic = ? AND s.relevant AND NOT a.deleted
ORDER BY s.pmid
"""

FINDINGS_SQL = """
SELECT pmid, concept, effect, direction, significant, effect_size, effect_kind, ci_low, ci_high,
       p_value, p_relation, sentence
FROM outcomes
WHERE topic = ? AND concept IS NOT NULL
ORDER BY pmid, section = 'abstract', start_char
"""

# Populations and doses of each article's current extraction (the 0003 views pick it).
POPULATION_FIELDS = ("age_group", "sex", "condition", "setting")
POPULATIONS_SQL = f"""
SELECT p.pmid, {", ".join(f"p.{name}" for name in POPULATION_FIELDS)}, p.participants_condition
FROM populations p
WHERE list_contains(?, p.pmid)
ORDER BY p.pmid, p.section = 'abstract', p.start_char
"""

# The text around a dose, to tell the topic's intervention's doses from a co-intervention's or a
# comparator's ("magnesium 30 mg/kg ... morphine 0.1 mg/kg"): a dose is listed only when it names it.
DOSE_CONTEXT = 80
DOSE_CONTEXT_SQL = f"""
substr(
    CASE d.section WHEN 'title' THEN a.title ELSE a.abstract END,
    greatest(1, d.start_char + 1 - {DOSE_CONTEXT}),
    d.end_char - greatest(0, d.start_char - {DOSE_CONTEXT}) + {DOSE_CONTEXT}
)"""

DOSES_SQL = f"""
SELECT d.pmid, d.text, d.mg_per_day_low, d.mg_per_day_high, coalesce(d.form, d.compound),
       d.amount_low, d.amount_high, d.unit, d.per, {DOSE_CONTEXT_SQL}
FROM doses d JOIN articles a USING (pmid)
WHERE d.pmid IN (SELECT pmid FROM studies WHERE topic = ? AND relevant)
  AND (d.mg_per_day_low IS NOT NULL OR d.mg_per_day_high IS NOT NULL
       OR (d.label = 'amount' AND d.amount_low IS NOT NULL AND d.unit IS NOT NULL))
ORDER BY d.pmid, d.section = 'abstract', d.start_char
"""


def _notices(comments_json: str | None) -> list[Notice]:
    comments = _COMMENTS.validate_json(comments_json) if comments_json else []
    return [
        Notice(kind=NOTICE_KINDS[c.ref_type], notice_pmid=c.pmid)
        for c in comments
        if c.ref_type in NOTICE_KINDS
    ]


def _merged_population(rows: list[dict[str, Any]]) -> list[Population]:
    """One population per study: the first age group, condition and setting the abstract names, the
    condition tied to the participants ("patients with X") before any other; its sex is mixed where the
    abstract names both sexes or counts one sex as a part ("65% women")."""
    first = {name: next((row[name] for row in rows if row[name]), None) for name in POPULATION_FIELDS}
    tied = (row["condition"] for row in rows if row["condition"] and row["participants_condition"])
    first["condition"] = next(tied, first["condition"])
    if len({row["sex"] for row in rows if row["sex"]}) > 1:
        first["sex"] = "mixed"
    merged = Population.model_validate(first)
    return [merged] if merged.describe() or merged.setting else []


def study_populations(con: duckdb.DuckDBPyConnection, pmids: list[int]) -> dict[int, list[Population]]:
    """Each article's population (none, or one merged from its spans), as the evidence summary reads it."""
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pmid, *values in _query(con, POPULATIONS_SQL, [pmids]):
        rows[pmid].append(dict(zip((*POPULATION_FIELDS, "participants_condition"), values, strict=True)))
    return {pmid: _merged_population(rows[pmid]) for pmid in pmids}


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[tuple]:
    """Rows of a read; a warehouse whose schema predates the views or tables read is one clear sentence."""
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.CatalogException as exc:
        raise WarehouseError(
            f"The warehouse schema is out of date ({str(exc).splitlines()[0]}); open it once for writing "
            "(e.g. `litwatch extract`) to apply the migrations."
        ) from exc


def names_intervention(context: str, intervention: re.Pattern[str] | None) -> bool:
    """Whether a dose's context names the topic's intervention (any dose, for a topic without terms)."""
    return intervention is None or intervention.search(context) is not None


def load_study_evidence(
    con: duckdb.DuckDBPyConnection, topic: str, *, intervention: re.Pattern[str] | None
) -> list[StudyEvidence]:
    """Every relevant study of the topic with its findings, populations, notices and the doses of the
    intervention (`intervention`: the topic's terms; see DOSE_CONTEXT)."""
    findings: dict[int, list[Finding]] = defaultdict(list)
    for pmid, concept, *rest in _query(con, FINDINGS_SQL, [topic]):
        effect, direction, significant, size, kind, ci_low, ci_high, p_value, p_relation, sentence = rest
        findings[pmid].append(
            Finding(
                concept=concept,
                effect=effect or "unclear",
                direction=direction or "unclear",
                significant=significant,
                effect_size=size,
                effect_kind=kind,
                ci_low=ci_low,
                ci_high=ci_high,
                p_value=p_value,
                p_relation=p_relation,
                sentence=sentence,
            )
        )
    study_rows = _query(con, STUDIES_SQL, [topic])
    populations = study_populations(con, [row[0] for row in study_rows])
    doses: dict[int, list[Dose]] = defaultdict(list)
    for pmid, text, low, high, form, amount_low, amount_high, unit, per, context in _query(
        con, DOSES_SQL, [topic]
    ):
        if not names_intervention(context, intervention):
            continue
        dose = Dose(
            text=text,
            mg_per_day_low=low,
            mg_per_day_high=high,
            form=form,
            amount_low=amount_low,
            amount_high=amount_high,
            unit=unit,
            per=per,
        )
        if dose not in doses[pmid]:
            doses[pmid].append(dose)
    studies = []
    for row in study_rows:
        pmid, version, title, year, journal, design, sample_size, retracted, types, comments = row
        notices = _notices(comments)
        studies.append(
            StudyEvidence(
                pmid=pmid,
                article_version=version,
                title=title,
                year=year,
                journal=journal,
                design=design or "other",
                sample_size=sample_size,
                populations=populations[pmid],
                doses=doses[pmid],
                findings=findings[pmid],
                retracted=bool(retracted)
                or "Retracted Publication" in (types or [])
                or any(n.kind == "retraction" for n in notices),
                notices=notices,
            )
        )
    return studies


def count_awaiting_extraction(con: duckdb.DuckDBPyConnection, topic: str) -> int:
    """Topic articles whose current version has no extraction yet: a summary cannot see them."""
    row = _query(con, "SELECT count(*) FROM studies WHERE topic = ? AND extractor_version IS NULL", [topic])
    return int(row[0][0]) if row else 0


def count_topic_articles(con: duckdb.DuckDBPyConnection, topic: str) -> int:
    """Articles the topic's searches brought in (relevant or not)."""
    row = con.execute("SELECT count(*) FROM topic_articles WHERE topic = ?", [topic]).fetchone()
    return int(row[0]) if row else 0


def store_summary(con: duckdb.DuckDBPyConnection, summary: TopicSummary, run_id: str) -> None:
    """Replace the topic's snapshot for this run (a re-run of the same run overwrites, never doubles)."""
    con.execute("DELETE FROM summaries WHERE topic = ? AND run_id = ?", [summary.topic, run_id])
    rows = [
        [
            summary.topic,
            run_id,
            summary.created_at,
            o.name,
            o.kind,
            o.verdict.label,
            o.verdict.rule_id,
            o.verdict.strength,
            o.verdict.deciding_tier,
            len(o.studies),
            o.participants,
            o.counts.benefit,
            o.counts.null,
            o.counts.harm,
            o.counts.unclear,
            len(o.excluded),
            o.strongest_pmid,
            o.model_dump_json(),
        ]
        for o in summary.outcomes
    ]
    if rows:
        con.executemany(f"INSERT INTO summaries VALUES ({', '.join('?' * 18)})", rows)


def last_summary(con: duckdb.DuckDBPyConnection, topic: str, *, before_run: str) -> TopicSummary | None:
    """The topic's latest stored snapshot from a run other than `before_run`, or None."""
    latest = con.execute(
        "SELECT run_id, created_at FROM summaries WHERE topic = ? AND run_id <> ? "
        "ORDER BY created_at DESC, run_id DESC LIMIT 1",
        [topic, before_run],
    ).fetchone()
    if latest is None:
        return None
    run_id, created_at = latest
    snapshots = con.execute(
        "SELECT snapshot FROM summaries WHERE topic = ? AND run_id = ? ORDER BY outcome", [topic, run_id]
    ).fetchall()
    return TopicSummary(
        topic=topic,
        created_at=created_at,
        outcomes=[OutcomeSummary.model_validate_json(s) for (s,) in snapshots],
    )


def store_flags(
    con: duckdb.DuckDBPyConnection, topic: str, run_id: str, flags: list[Flag], at: datetime
) -> None:
    """Replace the flags of this topic and run."""
    con.execute("DELETE FROM flags WHERE topic = ? AND run_id = ?", [topic, run_id])
    if flags:
        con.executemany(
            "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[topic, f.pmid, run_id, f.reason, f.outcome, f.detail.to_json(), at] for f in flags],
        )


def latest_summary_run(con: duckdb.DuckDBPyConnection, topic: str) -> str | None:
    rows = _query(
        con,
        "SELECT run_id FROM summaries WHERE topic = ? ORDER BY created_at DESC, run_id DESC LIMIT 1",
        [topic],
    )
    return str(rows[0][0]) if rows else None


def load_flags(con: duckdb.DuckDBPyConnection, topic: str, run_id: str) -> list[Flag]:
    rows = _query(
        con, "SELECT pmid, reason, outcome, detail FROM flags WHERE topic = ? AND run_id = ?", [topic, run_id]
    )
    flags = [
        Flag(
            topic=topic,
            pmid=pmid,
            run_id=run_id,
            reason=reason,
            outcome=outcome,
            detail=FlagDetail.model_validate(json.loads(detail)),
        )
        for pmid, reason, outcome, detail in rows
    ]
    return sorted(flags, key=Flag.sort_key)
