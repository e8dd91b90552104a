"""Benchmark corpus: a large PubmedArticleSet made by repeating the real sample records with fresh PMIDs.

Every PubmedArticle (efetch, current baseline format) and top-level MedlineCitation (2016 update format,
wrapped in a PubmedArticle) of the shared samples becomes a template; copies are written round-robin,
streaming, so building a large corpus needs no more memory than the templates.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "pubmed_xml_samples"
FIRST_PMID = 90_000_000
_PLACEHOLDER = b"LITWATCH_PMID"
_HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
_FOOTER = b"</PubmedArticleSet>\n"


@dataclass(frozen=True)
class Corpus:
    path: Path
    records: int
    size_bytes: int


def sample_files(samples_dir: Path = SAMPLES_DIR) -> list[Path]:
    """The XML samples (plain and gzip), sorted for a reproducible record order."""
    return sorted(p for p in samples_dir.rglob("*") if p.name.endswith((".xml", ".xml.gz")))


def record_templates(samples_dir: Path = SAMPLES_DIR) -> list[bytes]:
    """Each real record serialised once, its own PMID replaced by a placeholder."""
    templates = []
    for path in sample_files(samples_dir):
        for record in _records(path):
            for pmid in record.iterfind(".//MedlineCitation/PMID"):
                pmid.text = _PLACEHOLDER.decode()
            for article_id in record.iterfind(".//ArticleIdList/ArticleId[@IdType='pubmed']"):
                article_id.text = _PLACEHOLDER.decode()
            templates.append(etree.tostring(record, encoding="UTF-8").split(b"?>", 1)[-1].strip() + b"\n")
    if not templates:
        raise FileNotFoundError(f"no PubMed XML samples found under {samples_dir}")
    return templates


def write_corpus(path: Path, n_records: int, samples_dir: Path = SAMPLES_DIR) -> Corpus:
    """Write `n_records` records (PMIDs FIRST_PMID, FIRST_PMID + 1, ...) to `path` as plain XML."""
    templates = record_templates(samples_dir)
    with path.open("wb") as out:
        out.write(_HEADER)
        for index in range(n_records):
            template = templates[index % len(templates)]
            out.write(template.replace(_PLACEHOLDER, str(FIRST_PMID + index).encode()))
        out.write(_FOOTER)
    return Corpus(path=path, records=n_records, size_bytes=path.stat().st_size)


def _records(path: Path) -> Iterator[etree._Element]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    root = etree.fromstring(data, etree.XMLParser(load_dtd=False, no_network=True))
    for element in root:
        if element.tag == "PubmedArticle":
            yield element
        elif element.tag == "MedlineCitation":
            wrapper = etree.Element("PubmedArticle")
            wrapper.append(element)
            yield wrapper
