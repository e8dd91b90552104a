"""The demo's replay plan over the bundled corpus: nights, simulated entry dates and the scripted events."""

from __future__ import annotations

from pathlib import Path

import pytest

from litwatch.demo.replay import (
    NOTICE_PMID,
    RETRACTED_PMID,
    REVISED_PMID,
    bundled_corpus_path,
    load_bundled_records,
    night_dates,
    replay,
)
from litwatch.demo.runner import DEMO_TOPICS, prepare_output
from litwatch.errors import InputError
from litwatch.pubmed.query import document_for, parse_query, search
from litwatch.topics import load_topic_file
from tests.conftest import REPO


def test_the_bundled_corpus_is_small_dated_in_pmid_order_and_credited() -> None:
    path = bundled_corpus_path()
    assert path.stat().st_size <= 2_000_000
    records = load_bundled_records()
    dates = [r.entrez_date for r in records if r.entrez_date is not None]
    assert len(dates) == len(records)
    assert dates == sorted(dates) and len(set(dates)) == len(dates)  # one simulated day per PMID, in order
    source_note = (path.parent / "SOURCE.md").read_text(encoding="utf-8")
    for corpus in ("EBM-NLP", "PICO Corpus", "EvidenceOutcomes", "EvidenceMap"):
        assert corpus in source_note


@pytest.mark.parametrize(
    ("topic_id", "least"), [("melatonin-sleep", 10), ("exercise-sleep", 10), ("magnesium-sleep", 0)]
)
def test_each_demo_topic_query_finds_records_in_the_bundled_corpus(topic_id: str, least: int) -> None:
    topic = load_topic_file(REPO / "topics" / f"{topic_id}.yaml")
    documents = [document_for(r) for r in load_bundled_records()]
    found = search(documents, parse_query(topic.query))
    assert len(found) >= least
    if topic_id == "magnesium-sleep":
        assert found == []  # offline it has nothing: its report must say the evidence is insufficient


def test_nights_show_a_backlog_first_then_the_rest_in_steps() -> None:
    records = load_bundled_records()
    nights = replay(records, 4)
    sizes = [len(n.records) - (n.number == 4) for n in nights]  # the last night adds the simulated notice
    assert sizes == sorted(sizes) and sizes[-1] == len(records)
    assert sizes[0] == pytest.approx(len(records) / 2, abs=1)
    assert [n.day for n in nights] == night_dates(records, 4)
    for night in nights:
        assert all(r.entrez_date is not None and r.entrez_date <= night.day for r in night.records)


def test_a_revision_and_a_retraction_are_scripted_on_the_later_nights() -> None:
    nights = replay(load_bundled_records(), 4)
    third, last = {r.pmid: r for r in nights[2].records}, {r.pmid: r for r in nights[3].records}
    assert "undertaken in 12 children" in third[REVISED_PMID].abstract
    second = {r.pmid: r for r in nights[1].records}
    assert "undertaken in 11 children" in second[REVISED_PMID].abstract
    assert second[REVISED_PMID].date_revised is None
    assert third[REVISED_PMID].date_revised == nights[2].day
    assert not third[RETRACTED_PMID].is_retracted and NOTICE_PMID not in third
    assert last[RETRACTED_PMID].is_retracted and last[RETRACTED_PMID].date_revised == nights[3].day
    notice = last[NOTICE_PMID]
    assert notice.publication_types == ["Retraction of Publication"]
    assert [(c.ref_type, c.pmid) for c in notice.comments_corrections] == [("RetractionOf", RETRACTED_PMID)]
    assert "Simulated by the litwatch demo" in notice.abstract
    assert nights[2].events and nights[3].events and not nights[0].events


def test_the_demo_needs_two_nights_at_least() -> None:
    with pytest.raises(InputError, match="at least 2 nights"):
        replay(load_bundled_records(), 1)


def test_a_new_demo_replaces_only_the_previous_demo_files(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "old.md").write_text("old", encoding="utf-8")
    (out / "litwatch.duckdb").write_bytes(b"old")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    settings = prepare_output(out, REPO / "topics")
    assert not (out / "reports").exists() and not settings.db_path.exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.stem for p in settings.topics_dir.glob("*.yaml")) == sorted(DEMO_TOPICS)
