"""One entry point for PubMed files: PubMed XML (plain or gzip) or MEDLINE text, told apart by content."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar, cast

from litwatch.errors import InputError
from litwatch.pubmed.medline import iter_medline_text, looks_like_medline
from litwatch.pubmed.records import ParsedFields, ParsedItem, RecordFields
from litwatch.pubmed.xml_parser import GZIP_MAGIC, iter_pubmed_fields, iter_pubmed_xml

_HEAD_BYTES = 4096


def read_records(path: Path) -> Iterator[ParsedItem]:
    """Yield every record of a PubMed XML or MEDLINE text file, whatever its name says.

    Raises InputError (one sentence naming the file) for a missing, unreadable or unknown file, and
    for malformed content part-way; callers that must load a file whole collect before writing.
    """
    return _read(path, iter_pubmed_xml, iter_medline_text)


def read_fields(path: Path) -> Iterator[ParsedFields]:
    """`read_records` for the bulk import: XML records as `RecordFields`, without building the models."""
    return _read(path, iter_pubmed_fields, _medline_fields)


Item = TypeVar("Item")


def _read(
    path: Path,
    xml: Callable[[Path], Iterator[Item]],
    medline: Callable[[Path], Iterator[Item]],
) -> Iterator[Item]:
    head = _head(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        yield from xml(path)
    elif looks_like_medline(head):
        yield from medline(path)
    else:
        raise InputError(f"File {path} is not PubMed XML or MEDLINE text.")


def _medline_fields(path: Path) -> Iterator[ParsedFields]:
    """MEDLINE text is built as models (a small format); their dump has exactly the fields' shape."""
    for record in iter_medline_text(path):
        yield cast(RecordFields, record.model_dump())


def _head(path: Path) -> bytes:
    """The first bytes of the file's content, decompressed when it is gzip."""
    if not path.exists():
        raise InputError(f"File {path} does not exist.")
    if path.is_dir():
        raise InputError(f"File {path} is a directory, not a PubMed file.")
    try:
        with path.open("rb") as raw:
            head = raw.read(_HEAD_BYTES)
            if not head.startswith(GZIP_MAGIC):
                return head
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                return unzipped.read(_HEAD_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(f"File {path} is a damaged gzip file ({exc}).") from exc
    except OSError as exc:
        raise InputError(f"File {path} cannot be read: {exc.strerror or exc}.") from exc
