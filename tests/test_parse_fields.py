"""The bulk import's `RecordFields` are the validated `PubmedRecord` exactly: same values, same JSON bytes."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from litwatch.pubmed.reader import read_fields, read_records
from litwatch.pubmed.records import (
    AbstractSection,
    Author,
    DeletedRecord,
    PubmedRecord,
    RecordFields,
    fields_json_and_hash,
)


def sample_files(xml_samples: Path) -> list[Path]:
    return sorted(p for p in xml_samples.rglob("*") if p.is_file() and p.name != "SOURCE.md")


def test_every_sample_record_as_fields_is_the_model_with_the_same_json(xml_samples: Path) -> None:
    compared = 0
    for path in sample_files(xml_samples):
        for fields, record in zip(read_fields(path), read_records(path), strict=True):
            if isinstance(record, DeletedRecord):
                assert fields == record
                continue
            assert isinstance(fields, dict)
            # Nothing for pydantic to coerce or fill in: the fields are the model's dump, key order included.
            assert PubmedRecord.model_validate(fields) == record
            assert list(record.model_dump().items()) == list(fields.items())
            assert fields_json_and_hash(fields) == record.json_and_hash()
            compared += 1
    assert compared > 600  # the XML samples and the MEDLINE text files


def test_awkward_text_serialises_like_pydantic() -> None:
    """Control characters, quotes, backslashes, non-ASCII and astral characters: orjson == pydantic."""
    awkward = "".join(chr(code) for code in range(0x20)) + '"\\/\x7f\u00e9\u2028\u2029\ufeff“m²” 😴'
    record = PubmedRecord(
        pmid=12345678,
        title=awkward,
        abstract=awkward,
        abstract_sections=[AbstractSection(label="RESULTS", text=awkward)],
        authors=[Author(last_name="Ødegaard", initials="Ø")],
    )

    assert fields_json_and_hash(cast(RecordFields, record.model_dump())) == record.json_and_hash()
