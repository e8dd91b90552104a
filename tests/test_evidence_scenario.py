"""Two nights over real records: night 1 builds the summary; night 2 adds a higher-tier contradicting
study, a retraction and a revision. Verdicts and flags are asserted exactly, through the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

from litwatch.evidence.service import SummaryResult, summarise_topic, topic_flags
from tests.evidence_support import NIGHT_1, NIGHT_2
from tests.evidence_warehouse import (
    EDUCATION,
    LATENCY,
    OBJECTIVE,
    PAMPHLET,
    PARENT_TRAINING_V1,
    PROBLEMS,
    RETRACTION_NOTICE,
    TST,
    load_night,
    scenario_topic,
)
from warehouse.connection import connect

EDU, TRAINING, PAMPHLET_RCT = EDUCATION.pmid, PARENT_TRAINING_V1.pmid, PAMPHLET.pmid


def verdicts(result: SummaryResult) -> dict[str, tuple[str, str]]:
    return {o.name: (o.verdict.label, o.verdict.rule_id) for o in result.summary.outcomes}


def run_nights(db_path: Path, shared_data: Path) -> tuple[SummaryResult, SummaryResult]:
    topic = scenario_topic()
    with connect(db_path) as con:
        load_night(con, shared_data, 1)
        first = summarise_topic(con, topic, "night-1", now=NIGHT_1)
        load_night(con, shared_data, 2)
        second = summarise_topic(con, topic, "night-2", now=NIGHT_2)
    return first, second


def test_night_1_summary(db_path: Path, shared_data: Path) -> None:
    first, _ = run_nights(db_path, shared_data)
    assert verdicts(first) == {
        LATENCY: ("supported", "V4"),
        PROBLEMS: ("supported", "V4"),
        OBJECTIVE: ("insufficient", "V1"),
        TST: ("insufficient", "V1"),
    }
    latency = first.summary.outcome(LATENCY)
    assert latency is not None
    assert [(s.pmid, s.design, s.sample_size, s.effect) for s in latency.studies] == [
        (EDU, "non_randomised_trial", 80, "benefit")
    ]
    assert latency.populations == ["children with autism spectrum disorder"]
    problems = first.summary.outcome(PROBLEMS)
    assert problems is not None
    assert (problems.participants, problems.strongest_pmid, problems.verdict.strength) == (
        120,
        TRAINING,
        "moderate",
    )
    assert [(t.tier, t.studies, t.participants) for t in problems.tiers] == [(2, 1, 40), (3, 1, 80)]
    assert [(f.pmid, f.reason, f.outcome) for f in first.flags] == [
        (EDU, "first_evidence", PROBLEMS),
        (EDU, "first_evidence", LATENCY),
        (TRAINING, "first_evidence", PROBLEMS),
    ]


def test_night_2_verdicts_and_flags(db_path: Path, shared_data: Path) -> None:
    _, second = run_nights(db_path, shared_data)
    assert verdicts(second) == {
        LATENCY: ("insufficient", "V2"),
        PROBLEMS: ("insufficient", "V2"),
        OBJECTIVE: ("insufficient", "V2"),
        TST: ("insufficient", "V1"),
    }
    latency = second.summary.outcome(LATENCY)
    assert latency is not None
    assert [(s.pmid, s.design, s.effect) for s in latency.studies] == [(PAMPHLET_RCT, "rct", "null")]
    assert [(e.pmid, e.reason, e.notice_pmid) for e in latency.excluded] == [
        (EDU, "retracted", RETRACTION_NOTICE)
    ]
    assert [(f.pmid, f.reason, f.outcome) for f in second.flags] == [
        (PAMPHLET_RCT, "higher_tier", LATENCY),
        (PAMPHLET_RCT, "verdict_change", LATENCY),
        (PAMPHLET_RCT, "contradicts", LATENCY),
        (EDU, "retraction", None),
        (EDU, "verdict_change", PROBLEMS),
        (EDU, "verdict_change", LATENCY),
        (TRAINING, "revised_extraction", None),
        (TRAINING, "first_evidence", OBJECTIVE),
    ]
    details = {(f.pmid, f.reason, f.outcome): json.loads(f.detail.to_json()) for f in second.flags}
    assert details[(EDU, "retraction", None)] == {
        "notice_pmid": RETRACTION_NOTICE,
        "previously_included": True,
    }
    assert details[(EDU, "verdict_change", PROBLEMS)] == {
        "outcome": PROBLEMS,
        "from": "supported",
        "to": "insufficient",
    }
    assert details[(PAMPHLET_RCT, "higher_tier", LATENCY)] == {
        "outcome": LATENCY,
        "tier": 2,
        "previous_tier": 3,
    }
    assert details[(PAMPHLET_RCT, "contradicts", LATENCY)] == {
        "outcome": LATENCY,
        "verdict": "supported",
        "effect": "null",
        "tier": 2,
    }
    assert details[(TRAINING, "revised_extraction", None)] == {
        "from_version": 1,
        "to_version": 2,
        "changes": [{"outcome": OBJECTIVE, "before": None, "after": "null", "changed": []}],
    }


def test_snapshots_and_flags_are_stored_per_run(db_path: Path, shared_data: Path) -> None:
    run_nights(db_path, shared_data)
    with connect(db_path, read_only=True) as con:
        rows = con.execute(
            "SELECT run_id, outcome, verdict, rule_id, studies, participants, excluded FROM summaries "
            "ORDER BY run_id, outcome"
        ).fetchall()
        assert rows == [
            ("night-1", OBJECTIVE, "insufficient", "V1", 0, 0, 0),
            ("night-1", PROBLEMS, "supported", "V4", 2, 120, 0),
            ("night-1", LATENCY, "supported", "V4", 1, 80, 0),
            ("night-1", TST, "insufficient", "V1", 0, 0, 0),
            ("night-2", OBJECTIVE, "insufficient", "V2", 1, 40, 0),
            ("night-2", PROBLEMS, "insufficient", "V2", 1, 40, 1),
            ("night-2", LATENCY, "insufficient", "V2", 1, 36, 1),
            ("night-2", TST, "insufficient", "V1", 0, 0, 0),
        ]
        counts = con.execute("SELECT run_id, count(*) FROM flags GROUP BY run_id ORDER BY run_id").fetchall()
        assert counts == [("night-1", 3), ("night-2", 8)]
        assert [f.reason for f in topic_flags(con, "sleep-education-autism")][:3] == [
            "higher_tier",
            "verdict_change",
            "contradicts",
        ]


def test_summarising_the_same_run_again_replaces_it(db_path: Path, shared_data: Path) -> None:
    run_nights(db_path, shared_data)
    with connect(db_path) as con:
        again = summarise_topic(con, scenario_topic(), "night-2", now=NIGHT_2)
        assert len(again.flags) == 8
        rows = con.execute("SELECT count(*) FROM flags WHERE run_id = 'night-2'").fetchone()
        assert rows == (8,)
