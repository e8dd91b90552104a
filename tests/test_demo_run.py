"""`litwatch demo` end to end, offline: the bundled corpus replayed over two nights through real flow runs."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from litwatch.demo.replay import RETRACTED_PMID
from litwatch.demo.runner import DEMO_TOPICS, DemoNight, run_demo
from litwatch.demo.summary import final_summary, night_table
from tests.flow_support import rows


def test_the_demo_replays_nights_raises_flags_later_and_writes_reports_and_digests(
    prefect_harness: str, tmp_path: Path
) -> None:
    out = tmp_path / "demo-output"
    seen: list[DemoNight] = []
    result = run_demo(out, nights=2, on_night=seen.append)

    assert [n.night.number for n in seen] == [1, 2] and result.failures == []
    first, second = ({t.topic: t for t in n.result.nights} for n in result.nights)
    assert set(first) == set(second) == set(DEMO_TOPICS)
    assert first["melatonin-sleep"].new > 0 and first["melatonin-sleep"].flags > 0
    assert second["melatonin-sleep"].new > 0 and second["melatonin-sleep"].revised > 0
    assert second["melatonin-sleep"].flags > 0  # the later night changes the summary
    assert "retraction" in second["melatonin-sleep"].flag_reasons
    flagged = rows(out / "litwatch.duckdb", "SELECT pmid FROM flags WHERE reason = 'retraction'")
    assert flagged == [(RETRACTED_PMID,)]

    melatonin_digests = sorted(out.glob("outbox/melatonin-sleep--*.eml"))
    assert len(melatonin_digests) == 2  # a digest per night
    assert {p.name for p in result.digests()} >= {p.name for p in melatonin_digests}
    magnesium = (out / "reports" / "magnesium-sleep.md").read_text(encoding="utf-8")
    assert "insufficient" in magnesium.lower()
    assert second["magnesium-sleep"].digest_status == "skipped"
    melatonin = (out / "reports" / "melatonin-sleep.md").read_text(encoding="utf-8")
    # PMID 19968048 gives "melatonin, 3 mg" with no frequency: the finding states the amount as given
    assert "trial of 3 mg melatonin (dosing frequency not stated) in 18" in melatonin

    console = Console(record=True, width=120)
    for night in seen:
        console.print(night_table(night))
    console.print(final_summary(result))
    text = console.export_text()
    assert "Night 2" in text and "retraction" in text and "scripted: PMID" in text
    assert str(out / "reports") in text and str(out / "outbox") in text
