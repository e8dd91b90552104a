"""Each diff reason, one by one: the smallest change that raises it, and nothing else flagged."""

from __future__ import annotations

import json

from litwatch.evidence.diff import Flag, describe_flag, diff_summaries, same_population
from litwatch.evidence.models import Notice, Population, StudyEvidence, TopicSummary
from litwatch.evidence.summary import build_topic_summary
from tests.evidence_support import LATENCY, NIGHT_1, NIGHT_2, QUALITY, sleep_topic, study

RUN = "night-2"


def summary(*studies: StudyEvidence, night: int = 2) -> TopicSummary:
    return build_topic_summary(sleep_topic(), studies, NIGHT_2 if night == 2 else NIGHT_1)


def reasons(flags: list[Flag]) -> list[tuple[int, str, str | None]]:
    return [(f.pmid, f.reason, f.outcome) for f in flags]


def diff(before: list[StudyEvidence] | None, after: list[StudyEvidence]) -> list[Flag]:
    previous = summary(*before, night=1) if before is not None else None
    return diff_summaries(previous, summary(*after), RUN)


SUPPORTED = [study(1, "rct", 100), study(2, "rct", 100), study(3, "rct", 100)]


def test_nothing_changed_flags_nothing() -> None:
    assert diff(SUPPORTED, SUPPORTED) == []


def test_first_evidence_on_the_first_run_and_nothing_else() -> None:
    flags = diff(None, [study(1, "rct", 100, mg=(100, 200), population=Population(age_group="children"))])
    assert reasons(flags) == [(1, "first_evidence", LATENCY)]
    assert flags[0].detail.tier == 2 and flags[0].detail.effect == "benefit"


def test_first_evidence_for_an_outcome_that_had_none() -> None:
    flags = diff(SUPPORTED, [*SUPPORTED, study(4, "rct", 20, {QUALITY: "benefit"})])
    assert reasons(flags) == [(4, "first_evidence", QUALITY)]


def test_higher_tier() -> None:
    cohorts = [study(1, "cohort", 300), study(2, "cohort", 300)]
    flags = diff(cohorts, [*cohorts, study(3, "rct", 100)])
    assert reasons(flags) == [(3, "higher_tier", LATENCY)]
    assert (flags[0].detail.tier, flags[0].detail.previous_tier) == (2, 4)


def test_contradicts_at_equal_tier_without_changing_the_verdict() -> None:
    flags = diff(SUPPORTED, [*SUPPORTED, study(4, "rct", 50, {LATENCY: "null"})])
    assert reasons(flags) == [(4, "contradicts", LATENCY)]
    assert flags[0].detail.verdict == "supported" and flags[0].detail.effect == "null"


def test_a_lower_tier_disagreement_changes_nothing() -> None:
    assert diff(SUPPORTED, [*SUPPORTED, study(4, "cohort", 50, {LATENCY: "null"})]) == []


def test_verdict_change_with_from_and_to() -> None:
    flags = diff(
        SUPPORTED,
        [*SUPPORTED, study(4, "rct", 50, {LATENCY: "null"}), study(5, "rct", 50, {LATENCY: "null"})],
    )
    assert reasons(flags) == [
        (4, "verdict_change", LATENCY),
        (4, "contradicts", LATENCY),
        (5, "verdict_change", LATENCY),
        (5, "contradicts", LATENCY),
    ]
    assert json.loads(flags[0].detail.to_json()) == {"outcome": LATENCY, "from": "supported", "to": "mixed"}
    assert describe_flag(flags[0]) == f"verdict on {LATENCY} changed from supported to mixed"


def test_largest_sample() -> None:
    flags = diff(SUPPORTED, [*SUPPORTED, study(4, "rct", 500)])
    assert reasons(flags) == [(4, "largest_sample", LATENCY)]
    assert (flags[0].detail.sample_size, flags[0].detail.previous_largest) == (500, 100)


def test_new_population() -> None:
    older = Population(age_group="older_adults", condition="Insomnia")
    before = [study(1, "rct", 100, population=older), *SUPPORTED[1:]]
    children = Population(age_group="children", condition="insomnia")
    flags = diff(before, [*before, study(4, "rct", 60, population=children)])
    assert reasons(flags) == [(4, "new_population", LATENCY)]
    assert flags[0].detail.populations == ["children"]


def test_spelling_variants_and_acronyms_are_not_new_populations() -> None:
    before = [
        study(1, "rct", 100, population=Population(condition="autism spectrum disorders")),
        *SUPPORTED[1:],
    ]
    variants = [
        study(4, "rct", 60, population=Population(condition="Autism spectrum disorder")),
        study(5, "rct", 60, population=Population(condition="ASD")),
    ]
    assert diff(before, [*before, *variants]) == []
    assert same_population("adults", "older adults") is False


def test_new_dose_range() -> None:
    before = [study(1, "rct", 100, mg=(250, 250)), study(2, "rct", 100, mg=(300, 500))]
    flags = diff(before, [*before, study(3, "rct", 100, mg=(300, 400)), study(4, "rct", 80, mg=(500, 729))])
    assert reasons(flags) == [(4, "new_dose_range", LATENCY)]
    detail = flags[0].detail
    assert (detail.dose_low_mg, detail.dose_high_mg, detail.previous_low_mg, detail.previous_high_mg) == (
        500,
        729,
        250,
        500,
    )


def test_retraction_of_an_included_study_is_flagged_once() -> None:
    notice = Notice(kind="retraction", notice_pmid=999)
    retracted = [study(1, "rct", 100, retracted=True, notices=[notice]), *SUPPORTED[1:], study(4, "rct", 100)]
    before = [*SUPPORTED, study(4, "rct", 100)]
    flags = diff(before, retracted)
    assert reasons(flags) == [(1, "retraction", None)]
    assert (flags[0].detail.notice_pmid, flags[0].detail.previously_included) == (999, True)
    assert diff(retracted, retracted) == []


def test_retraction_that_changes_the_verdict_also_flags_verdict_change() -> None:
    before = [study(1, "rct", 100), study(2, "rct", 100), study(3, "rct", 40, {LATENCY: "null"})]
    after = [study(1, "rct", 100, retracted=True), *before[1:]]
    flags = diff(before, after)
    assert reasons(flags) == [(1, "retraction", None), (1, "verdict_change", LATENCY)]
    assert (flags[1].detail.from_verdict, flags[1].detail.to_verdict) == ("supported", "mixed")


def test_expression_of_concern_is_flagged_once_and_the_study_stays() -> None:
    concern = [
        study(1, "rct", 100, notices=[Notice(kind="expression_of_concern", notice_pmid=77)]),
        *SUPPORTED[1:],
    ]
    flags = diff(SUPPORTED, concern)
    assert reasons(flags) == [(1, "expression_of_concern", None)]
    assert summary(*concern).outcome(LATENCY).study(1).concern  # type: ignore[union-attr]
    assert diff(concern, concern) == []


def test_revised_extraction_when_findings_changed() -> None:
    revised = [
        *SUPPORTED[:2],
        study(3, "rct", 100, {LATENCY: "benefit", QUALITY: "null"}, version=2),
        study(4, "rct"),
    ]
    flags = diff([*SUPPORTED, study(4, "rct")], revised)
    assert reasons(flags) == [
        (3, "revised_extraction", None),
        (3, "first_evidence", QUALITY),
        (3, "verdict_change", QUALITY),
    ]
    detail = json.loads(flags[0].detail.to_json())
    assert detail == {
        "from_version": 1,
        "to_version": 2,
        "changes": [{"outcome": QUALITY, "before": None, "after": "null", "changed": []}],
    }


def test_a_revised_sample_size_is_named_when_the_effect_stays() -> None:
    flags = diff(SUPPORTED, [*SUPPORTED[:2], study(3, "rct", 80, version=2)])
    assert [(f.pmid, f.reason) for f in flags] == [(3, "revised_extraction")]
    assert describe_flag(flags[0]) == (
        f"revised abstract changed findings: {LATENCY}: sample size 100 -> 80"
    )


def test_a_revision_with_the_same_findings_is_not_flagged() -> None:
    assert diff(SUPPORTED, [*SUPPORTED[:2], study(3, "rct", 100, version=2)]) == []
