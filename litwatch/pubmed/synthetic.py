"""Synthetic PubMed records derived from real ones, for corpora of any size (tests, benchmarks, demos).

Each synthetic record copies a real template record, takes a fresh PMID and an Entrez date spread
evenly over a date range, and gets a distinct title, so every record has its own content hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from litwatch.pubmed.records import PubmedRecord

FIRST_SYNTHETIC_PMID = 90_000_001


def synthetic_records(
    templates: Sequence[PubmedRecord],
    count: int,
    *,
    start: date,
    days: int,
    first_pmid: int = FIRST_SYNTHETIC_PMID,
    title_prefix: str = "",
) -> list[PubmedRecord]:
    """`count` records cycling through `templates`, Entrez dates from `start` over `days` days."""
    if not templates:
        raise ValueError("synthetic records need at least one template record")
    records = []
    for index in range(count):
        template = templates[index % len(templates)]
        edat = start + timedelta(days=index * days // max(count, 1))
        records.append(
            template.model_copy(
                update={
                    "pmid": first_pmid + index,
                    "title": f"{title_prefix}{template.title} (synthetic {index + 1})".strip(),
                    "entrez_date": edat,
                    "date_revised": edat,
                },
                deep=True,
            )
        )
    return records


def revised(record: PubmedRecord, on: date, *, note: str = "revised") -> PubmedRecord:
    """The same PMID as PubMed re-issues it: changed title, DateRevised moved to `on`."""
    return record.model_copy(update={"title": f"{record.title} [{note}]", "date_revised": on}, deep=True)
