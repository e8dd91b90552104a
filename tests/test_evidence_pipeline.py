"""The real extraction pipeline feeding the summary, end to end: real records in, `extract_articles`
(what `litwatch extract` runs) over them, then `load_study_evidence`, `summarise_topic` and the report.

Asserts what the evidence code owes whatever the pipeline's accuracy: it reads exactly the relevant
studies and mapped findings the views hold, drops retracted studies, and reports without inventing.
"""

from __future__ import annotations

from pathlib import Path

from extractors.terms import intervention_pattern
from litwatch.config import Settings
from litwatch.evidence.render import render_markdown
from litwatch.evidence.service import summarise_topic, topic_report
from litwatch.extraction import extract_articles
from tests.evidence_support import NIGHT_1, NIGHT_2
from tests.evidence_warehouse import (
    EDUCATION,
    RETRACTION_NOTICE,
    TOPIC_FILE,
    WEIGHTED_BLANKET,
    night_records,
    read_records,
    scenario_topic,
)
from warehouse.articles import load_records
from warehouse.connection import connect, transaction
from warehouse.evidence import load_study_evidence


def test_real_extraction_feeds_summary_and_report(db_path: Path, shared_data: Path, tmp_path: Path) -> None:
    topics_dir = tmp_path / "topics"
    topics_dir.mkdir()
    (topics_dir / TOPIC_FILE.name).write_text(TOPIC_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.from_env({"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(topics_dir)})
    topic = scenario_topic()
    records = read_records(shared_data)
    with connect(db_path) as con:
        with transaction(con):
            load_records(
                con,
                [*night_records(records, 2), records[WEIGHTED_BLANKET.pmid]],
                source="test",
                run_id="import-1",
                topic=topic.id,
            )
        before = summarise_topic(con, topic, "before-extract", now=NIGHT_1)
    assert before.awaiting_extraction == 4 and "4 article(s) await extraction" in before.line()

    assert extract_articles(settings, [topic.id]).articles == 4
    with connect(db_path) as con:
        relevant = {
            p
            for (p,) in con.execute(
                "SELECT pmid FROM studies WHERE topic = ? AND relevant", [topic.id]
            ).fetchall()
        }
        mapped = set(
            con.execute(
                "SELECT pmid, concept FROM outcomes WHERE topic = ? AND concept IS NOT NULL", [topic.id]
            ).fetchall()
        )
        studies = {
            s.pmid: s for s in load_study_evidence(con, topic.id, intervention=intervention_pattern(topic))
        }
        assert relevant and set(studies) == relevant
        assert {(s.pmid, f.concept) for s in studies.values() for f in s.findings} == {
            (pmid, concept) for pmid, concept in mapped if pmid in relevant
        }
        if EDUCATION.pmid in studies:
            education = studies[EDUCATION.pmid]
            assert education.retracted and education.notices[0].notice_pmid == RETRACTION_NOTICE
        result = summarise_topic(con, topic, "pipeline-1", now=NIGHT_2)
        assert result.awaiting_extraction == 0
        included = {s.pmid for o in result.summary.outcomes for s in o.studies}
        assert included <= relevant - {EDUCATION.pmid}
        markdown = render_markdown(topic_report(con, topic, now=NIGHT_2))
    assert f"{len(relevant)} judged relevant" in markdown
    assert all(f"[PMID {pmid}]" in markdown for pmid in included)
    if WEIGHTED_BLANKET.pmid not in relevant:
        assert str(WEIGHTED_BLANKET.pmid) not in markdown
