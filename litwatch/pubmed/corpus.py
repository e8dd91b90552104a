"""The record corpus the local E-utilities server searches: PubMed XML files and the bundled JSONL format.

JSONL format: one `PubmedRecord.model_dump(mode="json")` object per line, UTF-8, optionally gzipped
(`.jsonl.gz`). A record's Entrez date (`edat`) is its `entrez_date`, else the earliest date it carries;
its modification date (`mdat`) is `date_revised`, else `edat`. A later line or file with the same PMID
replaces an earlier one; a DeleteCitation in XML removes it.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from litwatch.errors import InputError
from litwatch.pubmed.query import SearchDocument, document_for
from litwatch.pubmed.records import DeletedRecord, ParsedItem, PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml

XML_SUFFIXES = (".xml", ".xml.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


@dataclass
class Corpus:
    """Records by PMID with their search documents (words and dates prepared once)."""

    documents: dict[int, SearchDocument] = field(default_factory=dict)

    def add(self, items: Iterable[ParsedItem]) -> None:
        for item in items:
            if isinstance(item, DeletedRecord):
                self.documents.pop(item.pmid, None)
            else:
                self.documents[item.pmid] = document_for(item)

    def get(self, pmid: int) -> PubmedRecord | None:
        document = self.documents.get(pmid)
        return None if document is None else document.record

    def __len__(self) -> int:
        return len(self.documents)


def corpus_files(path: Path) -> list[Path]:
    """The XML and JSONL files at a path (one file, or every such file in a folder, sorted)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"Corpus {path} does not exist.")
    return sorted(p for p in path.iterdir() if p.name.endswith(XML_SUFFIXES + JSONL_SUFFIXES))


def load_corpus(paths: Iterable[Path]) -> Corpus:
    """A corpus from files and folders of PubMed XML and JSONL records, later entries winning."""
    corpus = Corpus()
    for path in paths:
        for file in corpus_files(path):
            corpus.add(read_corpus_file(file))
    return corpus


def read_corpus_file(path: Path) -> Iterator[ParsedItem]:
    if path.name.endswith(JSONL_SUFFIXES):
        return read_jsonl(path)
    if path.name.endswith(XML_SUFFIXES):
        return iter_pubmed_xml(path)
    raise InputError(
        f"Corpus file {path} is neither PubMed XML (.xml, .xml.gz) nor JSONL (.jsonl, .jsonl.gz)."
    )


def _open_text(path: Path, mode: str) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8")


def read_jsonl(path: Path) -> Iterator[PubmedRecord]:
    """Records of a JSONL corpus file; a bad line is an InputError naming the file and line."""
    try:
        with _open_text(path, "r") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield PubmedRecord.model_validate_json(line)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(part) for part in first["loc"]) or "line"
                    raise InputError(
                        f"Corpus file {path} line {number} is not a PubMed record ({where}: {first['msg']})."
                    ) from exc
    except FileNotFoundError as exc:
        raise InputError(f"Corpus file {path} does not exist.") from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"Corpus file {path} cannot be read: {exc}.") from exc


def write_jsonl(path: Path, records: Iterable[PubmedRecord], *, append: bool = False) -> int:
    """Write (or append) records in the JSONL corpus format; returns how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with _open_text(path, "a" if append else "w") as out:
        for record in records:
            out.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
            count += 1
    return count
