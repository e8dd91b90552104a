from pathlib import Path

import pytest

from litwatch.errors import TopicError
from litwatch.topics import get_topic, load_topic_file, load_topics

from .conftest import REPO


def test_shipped_topics_validate() -> None:
    topics = load_topics(REPO / "topics")
    magnesium = next(t for t in topics if t.id == "magnesium-sleep")
    assert magnesium.question == "Does magnesium help you sleep?"
    latency = next(o for o in magnesium.outcomes if o.name == "sleep onset latency")
    assert latency.better == "lower"
    assert "SOL" in latency.abbreviations
    assert "magnesium citrate" in magnesium.intervention.forms
    quality = next(o for o in magnesium.outcomes if o.name == "sleep quality")
    psqi = next(m for m in quality.measures if "PSQI" in m.abbreviations)
    assert (quality.better, psqi.better) == ("higher", "lower")
    assert "PSQI" in quality.all_abbreviations


def test_a_measure_needs_its_direction(tmp_path: Path) -> None:
    path = tmp_path / "zinc-colds.yaml"
    path.write_text(
        "id: zinc-colds\nquestion: Does zinc shorten colds?\nquery: zinc AND cold\n"
        "outcomes:\n  - name: cold duration\n    measures:\n      - {name: Jackson score}\n"
    )
    with pytest.raises(TopicError, match=r"outcomes\.0\.measures\.0\.better"):
        load_topic_file(path)


def test_three_line_topic_is_enough(tmp_path: Path) -> None:
    path = tmp_path / "zinc-colds.yaml"
    path.write_text("id: zinc-colds\nquestion: Does zinc shorten colds?\nquery: zinc AND cold\n")
    topic = load_topic_file(path)
    assert topic.outcomes == []
    assert topic.schedule.overlap_days == 3


def test_invalid_field_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nquestion: q\nquery: q\noutcomes:\n  - name: x\n    better: sideways\n")
    with pytest.raises(TopicError, match=r"bad\.yaml.*outcomes\.0\.better"):
        load_topic_file(path)


def test_missing_required_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nquestion: q\n")
    with pytest.raises(TopicError, match="field 'query'"):
        load_topic_file(path)


def test_unknown_topic_lists_known() -> None:
    with pytest.raises(TopicError, match=r"known topics: .*magnesium-sleep"):
        get_topic(REPO / "topics", "no-such-topic")
