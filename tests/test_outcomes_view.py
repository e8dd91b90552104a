"""The `outcomes` view over a real DuckDB file: stored findings joined with their topic readings."""

from __future__ import annotations

from pathlib import Path

from extractors.models import ArticleExtraction, Mention, OutcomeAttrs, TopicOutcome
from litwatch.config import Settings
from litwatch.extraction import extract_articles
from litwatch.pubmed.records import PubmedRecord
from tests.conftest import REPO
from warehouse.articles import load_records
from warehouse.connection import connect, transaction
from warehouse.mentions import store_extractions
from warehouse.outcomes import topic_outcomes

TOPIC = "magnesium-sleep"
ABSTRACT = (
    "BACKGROUND: Insomnia is common in older adults.\n"
    "METHODS: 46 elderly adults received 500 mg magnesium or placebo for 8 weeks.\n"
    "RESULTS: Magnesium significantly decreased sleep onset latency compared with placebo (P = 0.02). "
    "Serum cortisol did not differ between groups.\n"
    "CONCLUSIONS: Magnesium improved sleep in elderly people."
)
RECORD = PubmedRecord(
    pmid=111,
    title="Magnesium for insomnia in the elderly",
    abstract=ABSTRACT,
    languages=["eng"],
    publication_types=["Randomized Controlled Trial"],
)


def _load_article(db_path: Path) -> None:
    with connect(db_path) as con, transaction(con):
        load_records(con, [RECORD], source="test", run_id="import-1", topic=TOPIC)


def test_view_joins_finding_and_topic_reading(db_path: Path) -> None:
    _load_article(db_path)
    start = ABSTRACT.index("sleep onset latency")
    mention = Mention(
        kind="outcome",
        label="outcome",
        section="abstract",
        start_char=start,
        end_char=start + 19,
        text="sleep onset latency",
        outcome=OutcomeAttrs(
            direction="decrease",
            significant=True,
            p_value=0.05,
            p_relation="<",
            effect_size=-9.5,
            effect_kind="mean_difference",
            ci_low=-15.0,
            ci_high=-4.0,
            sentence="S.",
        ),
    )
    reading = TopicOutcome(
        topic=TOPIC,
        section="abstract",
        start_char=start,
        end_char=start + 19,
        concept="sleep onset latency",
        effect="benefit",
    )
    extraction = ArticleExtraction(
        pmid=111, article_version=1, extractor_version="test+1", mentions=[mention], topic_outcomes=[reading]
    )
    with connect(db_path) as con:
        with transaction(con):
            store_extractions(con, [extraction])
        [row] = topic_outcomes(con, TOPIC)
        abstract = con.execute("SELECT abstract FROM articles WHERE pmid = 111").fetchone()
    assert abstract is not None and abstract[0][row.start_char : row.end_char] == row.text
    assert (row.concept, row.direction, row.significant, row.effect) == (
        "sleep onset latency",
        "decrease",
        True,
        "benefit",
    )
    assert (row.effect_size, row.effect_kind, row.ci_low, row.ci_high, row.p_value, row.p_relation) == (
        -9.5,
        "mean_difference",
        -15.0,
        -4.0,
        0.05,
        "<",
    )


def test_restoring_an_extraction_replaces_its_readings(db_path: Path) -> None:
    _load_article(db_path)
    reading = TopicOutcome(topic=TOPIC, section="abstract", start_char=0, end_char=8, concept=None)
    mention = Mention(
        kind="outcome",
        label="outcome",
        section="abstract",
        start_char=0,
        end_char=8,
        text=ABSTRACT[0:8],
        outcome=OutcomeAttrs(),
    )
    extraction = ArticleExtraction(
        pmid=111, article_version=1, extractor_version="test+1", mentions=[mention], topic_outcomes=[reading]
    )
    with connect(db_path) as con:
        for _ in range(2):
            with transaction(con):
                store_extractions(con, [extraction])
        count = con.execute("SELECT count(*) FROM topic_outcomes").fetchone()
        [row] = topic_outcomes(con, TOPIC)
    assert count == (1,)
    assert (row.concept, row.effect, row.direction, row.significant) == (None, "unclear", "unclear", None)


def test_extract_stores_one_reading_per_outcome_mention(db_path: Path, tmp_path: Path) -> None:
    _load_article(db_path)
    settings = Settings.from_env({"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(REPO / "topics")})
    extract_articles(settings, [TOPIC])
    with connect(db_path, read_only=True) as con:
        mentions = con.execute("SELECT count(*) FROM current_mentions WHERE kind = 'outcome'").fetchone()
        rows = topic_outcomes(con, TOPIC)
    assert mentions is not None and mentions[0] == len(rows) > 0
    for row in rows:
        assert ABSTRACT[row.start_char : row.end_char] == row.text
        assert row.effect in {"benefit", "harm", "null", "unclear"}
