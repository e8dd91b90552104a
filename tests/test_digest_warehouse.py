"""What a digest lists: flagged studies first, then unlisted relevant papers, never a paper twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extractors.terms import intervention_pattern
from litwatch.digest.models import DigestRecord
from litwatch.topics import get_topic
from tests.conftest import REPO
from tests.digest_support import Paper, add_flags, add_paper, flag, new_run
from warehouse import digests as store
from warehouse.connection import connect
from warehouse.evidence import load_study_evidence

TOPIC = "magnesium-sleep"
MAGNESIUM = intervention_pattern(get_topic(REPO / "topics", TOPIC))


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(db_path) as con:
        yield con


def _mark_sent(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    digest = store.digest_for_run(con, TOPIC, run_id, intervention=MAGNESIUM)
    store.record_composed(con, digest, ["c@example.org"], "subject", "<id@x>", "message")
    store.record_sent(con, TOPIC, run_id, "smtp", None)


def test_flagged_first_by_consequence_then_new_relevant_papers(con: duckdb.DuckDBPyConnection) -> None:
    run = new_run(con, TOPIC)
    for pmid in (10, 20, 30, 40):
        add_paper(con, TOPIC, run, Paper(pmid, f"Paper {pmid}"))
    add_paper(con, TOPIC, run, Paper(50, "Magnesium in anaesthesia", relevant=False))
    add_flags(
        con,
        TOPIC,
        run,
        flag(30, "largest_sample", "sleep quality", sample_size=400),
        flag(40, "retraction", notice_pmid=41),
        flag(30, "first_evidence", "sleep quality", tier=2, effect="benefit"),
    )

    digest = store.digest_for_run(con, TOPIC, run, intervention=MAGNESIUM)

    assert [item.pmid for item in digest.flagged] == [40, 30]
    assert [f.reason for f in digest.flagged[1].flags] == ["first_evidence", "largest_sample"]
    assert digest.flagged[1].flags[1].detail.sample_size == 400
    assert digest.flagged[0].flags[0].detail.notice_pmid == 41
    assert [item.pmid for item in digest.new] == [10, 20]
    assert digest.flag_runs == (run,)


def test_items_carry_design_sample_dose_population_and_outcome_lines(con: duckdb.DuckDBPyConnection) -> None:
    run = new_run(con, TOPIC)
    add_paper(
        con,
        TOPIC,
        run,
        Paper(
            10,
            "Magnesium for insomnia",
            design="meta_analysis",
            sample_size=151,
            outcomes=(
                ("sleep onset latency", "decrease", True, "benefit"),
                ("sleep time", "no_change", False, "null"),
                (None, "increase", True, "unclear"),  # a mention naming none of the topic's outcomes
            ),
        ),
    )
    (item,) = store.digest_for_run(con, TOPIC, run, intervention=MAGNESIUM).new
    assert (item.title, item.journal, item.year) == ("Magnesium for insomnia", "J Sleep Res", 2024)
    assert (item.design, item.sample_size, item.retracted) == ("meta-analysis", 151, False)
    assert item.dose_lines == ("amount: 500 mg magnesium oxide daily (500 mg/day)",)
    assert item.population_lines == ("older adults with insomnia",)
    assert item.outcome_lines == (
        "sleep onset latency: decreased, significant (benefit)",
        "sleep time: no change, not significant (null)",
    )
    assert item.link == "https://pubmed.ncbi.nlm.nih.gov/10/"


def test_digest_and_evidence_list_only_the_interventions_doses(con: duckdb.DuckDBPyConnection) -> None:
    run = new_run(con, TOPIC)
    abstract = (
        "Adults took magnesium oxide 500 mg daily for eight weeks. The comparison arm was given a "
        "hypnotic at bedtime on every night of the trial: zolpidem 5 mg. We enrolled older adults "
        "with insomnia; sleep onset latency fell."
    )
    doses = (("500 mg", 500.0), ("5 mg", 5.0))
    add_paper(con, TOPIC, run, Paper(10, "Magnesium or zolpidem", doses=doses, abstract=abstract))

    (item,) = store.digest_for_run(con, TOPIC, run, intervention=MAGNESIUM).new
    assert item.dose_lines == ("amount: 500 mg (500 mg/day)",)
    (every,) = store.digest_for_run(con, TOPIC, run, intervention=None).new
    assert every.dose_lines == ("amount: 500 mg (500 mg/day)", "amount: 5 mg (5 mg/day)")
    (study,) = load_study_evidence(con, TOPIC, intervention=MAGNESIUM)
    assert [dose.text for dose in study.doses] == ["500 mg"]


def test_a_sent_digest_owns_its_papers_and_flags(con: duckdb.DuckDBPyConnection) -> None:
    first = new_run(con, TOPIC)
    add_paper(con, TOPIC, first, Paper(10, "Paper 10"))
    add_flags(con, TOPIC, first, flag(10, "first_evidence", "sleep quality", tier=2, effect="benefit"))
    _mark_sent(con, first)

    second = new_run(con, TOPIC)
    add_paper(con, TOPIC, second, Paper(20, "Paper 20"))
    add_flags(con, TOPIC, second, flag(10, "verdict_change", "sleep quality", to_verdict="supported"))
    digest = store.digest_for_run(con, TOPIC, second, intervention=MAGNESIUM)

    assert [item.pmid for item in digest.flagged] == [10]  # a new event about an old paper
    assert [f.reason for f in digest.flagged[0].flags] == ["verdict_change"]
    assert [item.pmid for item in digest.new] == [20]


def test_papers_of_runs_without_a_digest_roll_into_the_next(con: duckdb.DuckDBPyConnection) -> None:
    first, second = new_run(con, TOPIC), new_run(con, TOPIC)
    add_paper(con, TOPIC, first, Paper(10, "Paper 10"))
    add_paper(con, TOPIC, second, Paper(20, "Paper 20"))
    assert store.digest_for_run(con, TOPIC, second, intervention=MAGNESIUM).pmids == [10, 20]


def test_a_skipped_digest_owns_nothing(con: duckdb.DuckDBPyConnection) -> None:
    first = new_run(con, TOPIC)
    store.record_skipped(con, TOPIC, first, ["c@example.org"])
    second = new_run(con, TOPIC)
    add_paper(con, TOPIC, second, Paper(10, "Paper 10"))
    assert store.digest_for_run(con, TOPIC, second, intervention=MAGNESIUM).pmids == [10]
    assert store.get_digest(con, TOPIC, first) == DigestRecord(
        TOPIC, first, "skipped", ("c@example.org",), None, None, 0, 0, None
    )


def test_latest_run_and_has_run(con: duckdb.DuckDBPyConnection) -> None:
    assert store.latest_run(con, TOPIC) is None
    first = new_run(con, TOPIC)
    second = new_run(con, TOPIC)
    new_run(con, "other-topic")
    assert store.latest_run(con, TOPIC) == second
    assert store.has_run(con, TOPIC, first) and not store.has_run(con, TOPIC, "nope")


def test_a_population_naming_both_sexes_or_part_of_one_is_mixed(con: duckdb.DuckDBPyConnection) -> None:
    run = new_run(con, TOPIC)
    both = (("sex", "men", {"sex": "male"}), ("sex", "women", {"sex": "female"}))
    part = (("sex", "males", {"sex": "mixed"}), ("age", "children", {"age_group": "children"}))
    only = (("sex", "women", {"sex": "female"}), ("sex", "women", {"sex": "female"}))
    for pmid, populations in ((10, both), (20, part), (30, only)):
        add_paper(con, TOPIC, run, Paper(pmid, f"Paper {pmid}", populations=populations))
    items = {item.pmid: item for item in store.digest_for_run(con, TOPIC, run, intervention=MAGNESIUM).new}
    assert (items[10].population_lines, items[20].population_lines) == ((), ("children",))
    assert items[30].population_lines == ("women",)


def test_the_condition_tied_to_the_participants_names_the_population(con: duckdb.DuckDBPyConnection) -> None:
    run = new_run(con, TOPIC)
    populations = (
        ("condition", "fatigue", {"condition": "fatigue", "participants_condition": False}),
        ("condition", "lung cancer", {"condition": "lung cancer", "participants_condition": True}),
    )
    add_paper(con, TOPIC, run, Paper(10, "Exercise for fatigue in lung cancer", populations=populations))
    (item,) = store.digest_for_run(con, TOPIC, run, intervention=MAGNESIUM).new
    assert item.population_lines == ("people with lung cancer",)
