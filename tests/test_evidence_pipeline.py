"""The real extraction pipeline feeding the summary: real records in, `litwatch extract`'s function
over them, then `load_study_evidence`, `summarise_topic` and the report on what it stored.

Until the outcomes view (migration 0004) lands, an empty stand-in `outcomes` table takes its place, so
this checks everything but the findings: relevance, populations, retraction and the report's shape.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from litwatch.config import Settings
from litwatch.evidence.render import render_markdown
from litwatch.evidence.service import summarise_topic, topic_report
from litwatch.extraction import extract_articles
from tests.evidence_support import NIGHT_1, NIGHT_2
from tests.evidence_warehouse import (
    OUTCOMES_STANDIN,
    TOPIC_FILE,
    WEIGHTED_BLANKET,
    night_records,
    read_records,
    scenario_topic,
)
from warehouse.articles import load_records
from warehouse.connection import connect, transaction
from warehouse.evidence import load_study_evidence


def _ensure_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'outcomes'"
    ).fetchone()
    if found == (0,):
        con.execute(OUTCOMES_STANDIN)


def test_real_extraction_feeds_summary_and_report(db_path: Path, shared_data: Path, tmp_path: Path) -> None:
    topics_dir = tmp_path / "topics"
    topics_dir.mkdir()
    (topics_dir / TOPIC_FILE.name).write_text(TOPIC_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.from_env({"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(topics_dir)})
    topic = scenario_topic()
    records = read_records(shared_data)
    with connect(db_path) as con, transaction(con):
        load_records(
            con,
            [*night_records(records, 2), records[WEIGHTED_BLANKET.pmid]],
            source="test",
            run_id="import-1",
            topic=topic.id,
        )
    with connect(db_path) as con:
        _ensure_outcomes(con)
        before = summarise_topic(con, topic, "before-extract", now=NIGHT_1)
    assert before.awaiting_extraction == 4 and "4 article(s) await extraction" in before.line()
    summary = extract_articles(settings, [topic.id])
    assert summary.articles == 4
    with connect(db_path) as con:
        studies = {s.pmid: s for s in load_study_evidence(con, topic.id)}
        assert set(studies) == {
            23754339,
            23993773,
            23118244,
        }  # the weighted-blanket near miss is not relevant
        assert studies[23754339].retracted and studies[23754339].notices[0].notice_pmid == 99999901
        assert all("children" in p.descriptors() for s in studies.values() for p in s.populations)
        result = summarise_topic(con, topic, "pipeline-1", now=NIGHT_2)
        assert result.awaiting_extraction == 0
        assert [o.name for o in result.summary.outcomes] == [o.name for o in topic.outcomes]
        markdown = render_markdown(topic_report(con, topic, now=NIGHT_1))
    assert "3 judged relevant" in markdown and "25022743" not in markdown
