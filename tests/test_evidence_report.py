"""The report: golden Markdown and JSON for the two-night scenario, sentences built from the data,
bad input said plainly, hostile titles escaped in HTML, and the committed JSON schema up to date.

Regenerate the golden files after an intended change with LITWATCH_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from litwatch.evidence.models import Dose, Finding, Population, StudyEvidence
from litwatch.evidence.phrasing import dose_phrase, p_phrase, result_phrase
from litwatch.evidence.render import render_html, render_json, render_markdown
from litwatch.evidence.report import SCHEMA_PATH, Report, build_report, report_json_schema
from litwatch.evidence.service import topic_report
from litwatch.evidence.summary import build_topic_summary
from litwatch.topics import Outcome, Topic
from tests.evidence_support import LATENCY, NIGHT_2, QUALITY, sleep_topic, study
from tests.evidence_warehouse import load_night, scenario_topic
from warehouse.connection import connect

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = '<script>alert("x")</script> Magnesium & sleep: \'a\' "trial"'


def report_for(topic: Topic, *studies: StudyEvidence, screened: int = 10) -> Report:
    summary = build_topic_summary(topic, studies, NIGHT_2)
    return build_report(topic, studies, summary, articles_screened=screened, generated_at=NIGHT_2)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LITWATCH_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (LITWATCH_UPDATE_GOLDEN=1 rewrites it)"


@pytest.fixture
def scenario_report(db_path: Path, shared_data: Path) -> Report:
    with connect(db_path) as con:
        load_night(con, shared_data, 1)
        load_night(con, shared_data, 2)
        return topic_report(con, scenario_topic(), now=NIGHT_2)


def test_golden_markdown(scenario_report: Report) -> None:
    check_golden("evidence_report_sleep_education_autism.md", render_markdown(scenario_report))


def test_golden_json(scenario_report: Report) -> None:
    text = render_json(scenario_report)
    check_golden("evidence_report_sleep_education_autism.json", text)
    assert Report.model_validate_json(text) == scenario_report


def test_scenario_sections_and_sources(scenario_report: Report) -> None:
    trials = next(s for s in scenario_report.sections if s.key == "trials")
    assert [(f.pmid, f.outcome, f.effect) for f in trials.findings] == [
        (23118244, LATENCY, "null"),
        (23993773, "parent-reported sleep problems", "benefit"),
        (23993773, "objective sleep", "null"),
    ]
    assert [s.pmid for s in scenario_report.sources] == [23118244, 23754339, 23993773]
    assert scenario_report.sources[1].notes == ["retracted: excluded from the summary (PMID 99999901)"]


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == report_json_schema(), (
        "regenerate with: uv run python -m litwatch.evidence.report"
    )


def test_finding_sentence_uses_every_known_number() -> None:
    older = Population(age_group="older_adults")
    trial = study(33865376, "meta_analysis", 151, {}, population=older).model_copy(
        update={
            "doses": [
                Dose(text="320-729 mg", mg_per_day_low=320, mg_per_day_high=729, form="magnesium oxide")
            ],
            "findings": [
                Finding(
                    concept=LATENCY,
                    effect="benefit",
                    direction="decrease",
                    significant=True,
                    effect_size=-17.4,
                    effect_kind="mean difference (min)",
                    ci_low=-27.8,
                    ci_high=-7.0,
                    p_value=0.0006,
                )
            ],
        }
    )
    sentence = report_for(sleep_topic(), trial).sections[0].findings[0].sentence
    assert sentence == (
        "A meta-analysis of 320-729 mg/day magnesium oxide in 151 older adults found a significant "
        "decrease in sleep onset latency (mean difference (min) -17.4; 95% CI -27.8 to -7; p < 0.001) "
        "[PMID 33865376]."
    )


@pytest.mark.parametrize(
    ("value", "relation", "text"),
    [(0.05, "<", "p < 0.05"), (0.03, "=", "p = 0.03"), (0.03, None, "p = 0.03"), (0.0004, "=", "p < 0.001")],
)
def test_p_values_are_quoted_as_stated(value: float, relation: str | None, text: str) -> None:
    assert p_phrase(value, relation) == text


MG = "magnesium sulfate"


@pytest.mark.parametrize(
    ("doses", "text"),
    [
        (
            [Dose(text="250 mg twice daily", mg_per_day_low=500, mg_per_day_high=500, form=MG)],
            f"500 mg/day {MG}",
        ),
        # a normalised dose wins over one stated without frequency
        (
            [Dose(text="3 mg", amount_low=3, unit="mg"), Dose(text="1 g/day", mg_per_day_low=1000)],
            "1000 mg/day",
        ),
        (
            [Dose(text="3 mg", amount_low=3, amount_high=3, unit="mg", form="melatonin")],
            "3 mg melatonin (dosing frequency not stated)",
        ),
        (
            [
                Dose(text="30 mg/kg", amount_low=30, unit="mg", per="kg", form=MG),
                Dose(text="10 mg/kg/day", amount_low=10, unit="mg", per="kg_day"),
            ],
            f"30 mg/kg or 10 mg/kg/day {MG} (dosing frequency not stated)",
        ),
        (
            [Dose(text="1-2 g/h", amount_low=1, amount_high=2, unit="g", per="hour", form=MG)],
            f"1-2 g/hour {MG}",
        ),
        ([Dose(text="5000 IU/day", amount_low=5000, unit="IU", per="day")], "5000 IU/day"),
        ([Dose(text="high-dose"), Dose(text="3 mg", amount_low=3)], ""),
    ],
)
def test_dose_phrase_prefers_mg_per_day_and_else_states_the_amount(doses: list[Dose], text: str) -> None:
    assert dose_phrase(doses) == text


def test_significant_change_without_a_direction_says_so() -> None:
    finding = Finding(concept=LATENCY, effect="unclear", direction="unclear", significant=True)
    assert result_phrase("unclear", finding, "sleep quality") == (
        "a significant change in sleep quality, direction not stated"
    )


def test_a_change_on_a_reversed_scale_is_said_as_what_it_means() -> None:
    lower_psqi = Finding(concept=QUALITY, effect="benefit", direction="decrease", significant=True)
    assert result_phrase("benefit", lower_psqi, "sleep quality", "higher") == (
        "a significant improvement in sleep quality (its measure decreased)"
    )
    shorter = Finding(concept=LATENCY, effect="benefit", direction="decrease", significant=True)
    assert result_phrase("benefit", shorter, "sleep onset latency", "lower") == (
        "a significant decrease in sleep onset latency"
    )


def test_unknown_facts_are_left_out_not_invented() -> None:
    bare = study(1, "rct", None, {LATENCY: "null"})
    report = report_for(sleep_topic(), bare)
    assert report.sections[0].findings[0].sentence == (
        "A randomised controlled trial found no significant difference in sleep onset latency [PMID 1]."
    )
    latency = report.outcomes[0]
    assert "1 study did not report a sample size" in latency.caveats
    assert latency.verdict == "insufficient" and latency.rule_id == "V2"


def test_a_verdict_resting_on_one_of_two_studies_says_why() -> None:
    report = report_for(
        sleep_topic(), study(1, "rct", 30, {LATENCY: "benefit"}), study(2, "rct", 60, {LATENCY: "unclear"})
    )
    latency = report.outcomes[0]
    assert latency.rule_id == "V2"
    assert "only one human study reports a benefit, null or harm finding" in latency.statement
    assert "2 studies with 90 participants: 1 benefit, 0 null, 0 harm, 1 unclear." in latency.statement


def test_outcome_with_no_findings_says_so_plainly() -> None:
    report = report_for(sleep_topic(), study(1, "rct", 200))
    markdown = render_markdown(report)
    assert f"Insufficient evidence: no study measured {QUALITY}." in markdown
    assert report.outcomes[1].verdict == "insufficient"


def test_topic_with_no_relevant_studies_renders_in_every_format() -> None:
    report = report_for(sleep_topic(), screened=0)
    markdown = render_markdown(report)
    assert "No relevant studies are in the warehouse for this topic yet" in markdown
    assert f"Insufficient evidence: no study measured {LATENCY}." in markdown
    assert "No sources: no relevant study reported a finding" in markdown
    assert "No relevant studies are in the warehouse" in render_html(report)
    assert json.loads(render_json(report))["introduction"]["relevant_studies"] == 0


def test_topic_without_outcomes_says_what_to_do() -> None:
    topic = Topic(id="bare", question="Does it work?", query="it[tiab]")
    markdown = render_markdown(report_for(topic, study(1)))
    assert "The topic defines no outcomes; add outcomes to its YAML file to get verdicts." in markdown
    assert "Other relevant studies reported no finding on the topic's outcomes: PMID 1." in markdown


def test_retracted_study_without_findings_is_a_marked_source_not_other() -> None:
    report = report_for(sleep_topic(), study(1, "rct", 100, {}, retracted=True), study(2, "rct", 100, {}))
    assert report.other_relevant_pmids == [2]
    assert [(s.pmid, s.notes) for s in report.sources] == [(1, ["retracted: excluded from the summary"])]
    assert report.introduction.retracted_excluded == 1


def test_mechanistic_and_animal_findings_get_their_own_sections() -> None:
    topic = sleep_topic(
        Outcome(name=LATENCY, better="lower"), Outcome(name="serum melatonin", kind="mechanistic")
    )
    report = report_for(
        topic,
        study(1, "rct", 100, {"serum melatonin": "benefit"}),
        study(2, "animal", 30, {LATENCY: "benefit"}),
        study(3, "cohort", 1000, {LATENCY: "null"}),
    )
    keys = {s.key: [f.pmid for f in s.findings] for s in report.sections}
    assert keys == {"trials": [], "mechanistic": [1], "observational": [3], "animal": [2]}
    assert "An animal study found a significant decrease in sleep onset latency [PMID 2]." in render_markdown(
        report
    )


def test_html_escapes_hostile_titles_everywhere() -> None:
    hostile = study(7, "rct", 120, title=HOSTILE, population=Population(condition="<b>insomnia</b> & co"))
    html = render_html(report_for(sleep_topic(), hostile))
    assert "<script>" not in html and "<b>insomnia" not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Magnesium &amp; sleep: &#39;a&#39; &#34;trial&#34;"
        in html
    )
    assert "&lt;b&gt;insomnia&lt;/b&gt; &amp; co" in html
    assert html.count("<svg") == 1 and "<title>PMID 7: &lt;script&gt;" in html
    assert html.startswith("<!DOCTYPE html>") and "<link" not in html and "src=" not in html


def test_markdown_neutralises_html_in_titles() -> None:
    markdown = render_markdown(report_for(sleep_topic(), study(7, "rct", 120, title=HOSTILE)))
    assert "<script>" not in markdown and "\\<script\\>" in markdown
