"""Several nights of PubMed, replayed from the bundled corpus: what the local server shows on night k.

The bundled records carry simulated Entrez dates in PMID order (see SOURCE.md). Night 1 shows the
older half of the corpus, a backlog a topic's first run summarises; the later nights add the rest in
equal steps. Two events are scripted on top of the real abstracts, and say so in their text:

- a revision: on the second-to-last night a melatonin trial's abstract is corrected (the number randomised),
  with a later modification date, so the harvest fetches it again as a new version;
- a retraction: on the last night a retraction notice appears (publication type "Retraction of
  Publication", RetractionOf) and the retracted trial is updated with "Retracted Publication" and
  RetractionIn. Neither event happened in PubMed: the demo stages them to show how litwatch reacts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from litwatch.errors import InputError
from litwatch.pubmed.corpus import read_jsonl
from litwatch.pubmed.records import AbstractSection, CommentCorrection, PubmedRecord

MIN_NIGHTS = 2
BACKLOG_SHARE = 0.5  # night 1 shows this share of the corpus: the backlog of a topic's first run
REVISED_PMID = 16919138
REVISION = ("undertaken in 11 children", "undertaken in 12 children")  # a corrected number randomised
RETRACTED_PMID = 20535539
NOTICE_PMID = 99_000_001  # beyond any real PMID, so the simulated notice is never taken for a real one
SIMULATED = "Simulated by the litwatch demo: this event did not happen in PubMed."


def bundled_corpus_path() -> Path:
    """The demo corpus shipped inside the package."""
    return Path(str(resources.files("litwatch.demo").joinpath("corpus.jsonl.gz")))


def load_bundled_records(path: Path | None = None) -> list[PubmedRecord]:
    """The bundled records in PMID (entry) order; each must carry its simulated Entrez date."""
    records = sorted(read_jsonl(path or bundled_corpus_path()), key=lambda r: r.pmid)
    undated = [r.pmid for r in records if r.entrez_date is None]
    if undated:
        raise InputError(f"Demo corpus record {undated[0]} has no simulated Entrez date; rebuild the corpus.")
    return records


@dataclass(frozen=True)
class Night:
    """One replayed night: its number, its date, and every record the server shows that night."""

    number: int
    day: date
    records: list[PubmedRecord]
    events: list[str]


def night_dates(records: list[PubmedRecord], nights: int) -> list[date]:
    """Night 1 at the backlog's last entry date, the following nights in equal steps to the last entry."""
    if nights < MIN_NIGHTS:
        raise InputError(f"The demo needs at least {MIN_NIGHTS} nights to show a change (got {nights}).")
    dates = sorted(r.entrez_date for r in records if r.entrez_date is not None)
    first = math.ceil(len(dates) * BACKLOG_SHARE) - 1
    steps = [first + round((len(dates) - 1 - first) * k / (nights - 1)) for k in range(nights)]
    return [dates[i] for i in steps]


def _revised(record: PubmedRecord, day: date) -> PubmedRecord:
    old, new = REVISION
    if old not in record.abstract:
        raise InputError(f"Demo corpus record {record.pmid} does not say {old!r}; update the demo revision.")
    sections = [s.model_copy(update={"text": s.text.replace(old, new)}) for s in record.abstract_sections]
    note = f"The number of children randomised was corrected. {SIMULATED}"
    sections.append(AbstractSection(label="CORRECTION", text=note))
    abstract = "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections)
    return record.model_copy(
        update={"abstract_sections": sections, "abstract": abstract, "date_revised": day}
    )


def _notice(retracted: PubmedRecord, day: date) -> PubmedRecord:
    text = f"This article has been retracted at the request of the authors. {SIMULATED}"
    return PubmedRecord(
        pmid=NOTICE_PMID,
        title=f"Retraction Note: {retracted.title}",
        abstract=text,
        abstract_sections=[AbstractSection(text=text)],
        publication_types=["Retraction of Publication"],
        comments_corrections=[CommentCorrection(ref_type="RetractionOf", pmid=retracted.pmid)],
        languages=["eng"],
        entrez_date=day,
    )


def _retracted(record: PubmedRecord, day: date) -> PubmedRecord:
    return record.model_copy(
        update={
            "publication_types": [*record.publication_types, "Retracted Publication"],
            "comments_corrections": [
                *record.comments_corrections,
                CommentCorrection(ref_type="RetractionIn", pmid=NOTICE_PMID),
            ],
            "date_revised": day,
        }
    )


def replay(records: list[PubmedRecord], nights: int) -> list[Night]:
    """The nights of the demo: records entered by each night's date, with the scripted events applied."""
    dates = night_dates(records, nights)
    revision_night, retraction_night = max(2, nights - 1), nights
    result = []
    for number, day in enumerate(dates, start=1):
        shown = {r.pmid: r for r in records if r.entrez_date is not None and r.entrez_date <= day}
        events = []
        if number >= revision_night and REVISED_PMID in shown:
            shown[REVISED_PMID] = _revised(shown[REVISED_PMID], dates[revision_night - 1])
            if number == revision_night:
                events.append(f"PMID {REVISED_PMID} revised: number randomised corrected (simulated)")
        if number == retraction_night and RETRACTED_PMID in shown:
            shown[RETRACTED_PMID] = _retracted(shown[RETRACTED_PMID], day)
            shown[NOTICE_PMID] = _notice(shown[RETRACTED_PMID], day)
            events.append(f"PMID {RETRACTED_PMID} retracted by notice {NOTICE_PMID} (simulated)")
        result.append(Night(number, day, list(shown.values()), events))
    return result
