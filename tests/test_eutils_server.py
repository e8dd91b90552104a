"""The local E-utilities server over real HTTP on loopback: NCBI-shaped answers, history, caps, faults."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from Bio import Entrez

from litwatch.pubmed.corpus import load_corpus, write_jsonl
from litwatch.pubmed.eutils_client import parse_efetch
from litwatch.pubmed.eutils_faults import FaultConfig, FaultInjector
from litwatch.pubmed.eutils_server import ServerConfig, serve_in_thread
from litwatch.pubmed.records import PubmedRecord
from tests.conftest import REPO
from tests.harvest_support import corpus_of, sleep_records

TERM = "magnesium[tiab] AND sleep[tiab]"


def entrez(body: bytes) -> Any:
    return Entrez.read(io.BytesIO(body), ignore_errors=True)


@pytest.fixture
def records(xml_samples: Path) -> list[PubmedRecord]:
    return sleep_records(xml_samples, 30, start=date(2025, 1, 1), days=30)


def test_esearch_pages_and_history_then_efetch_in_pmid_order(records: list[PubmedRecord]) -> None:
    with serve_in_thread(corpus_of(records)) as server, httpx.Client(base_url=server.url) as http:
        page = entrez(
            http.get(
                "esearch.fcgi",
                params={"db": "pubmed", "term": TERM, "retstart": 5, "retmax": 10, "usehistory": "y"},
            ).content
        )
        assert page["Count"] == "30" and page["RetStart"] == "5" and page["RetMax"] == "10"
        newest_first = sorted((r.pmid for r in records), reverse=True)
        assert [int(i) for i in page["IdList"]] == newest_first[5:15]
        assert "magnesium[tiab]" in str(page["QueryTranslation"])
        fetched = http.post(
            "efetch.fcgi",
            data={
                "db": "pubmed",
                "WebEnv": page["WebEnv"],
                "query_key": page["QueryKey"],
                "retstart": 20,
                "retmax": 500,
                "retmode": "xml",
            },
        )
        assert [item.pmid for item in parse_efetch(fetched.content, 10)] == newest_first[20:]
        chosen = [records[3].pmid, records[0].pmid, 12345]
        by_id = http.get("efetch.fcgi", params={"db": "pubmed", "id": ",".join(map(str, chosen))})
        assert [item.pmid for item in parse_efetch(by_id.content, 2)] == chosen[:2]
    assert [r.method for r in server.state.requests] == ["GET", "POST", "GET"]


def test_date_window_on_edat_and_mdat(records: list[PubmedRecord]) -> None:
    with serve_in_thread(corpus_of(records)) as server, httpx.Client(base_url=server.url) as http:
        params = {
            "db": "pubmed",
            "term": TERM,
            "datetype": "edat",
            "mindate": "2025/01/01",
            "maxdate": "2025/01/10",
        }
        in_window = sum(1 for r in records if r.entrez_date and r.entrez_date <= date(2025, 1, 10))
        assert entrez(http.get("esearch.fcgi", params=params).content)["Count"] == str(in_window)
        params |= {"datetype": "mdat", "mindate": "2026", "maxdate": "2026"}
        assert entrez(http.get("esearch.fcgi", params=params).content)["Count"] == "0"


def test_epost_then_efetch_from_its_webenv(records: list[PubmedRecord]) -> None:
    with serve_in_thread(corpus_of(records)) as server, httpx.Client(base_url=server.url) as http:
        posted = entrez(
            http.post(
                "epost.fcgi", data={"db": "pubmed", "id": f"{records[1].pmid},{records[2].pmid},x1"}
            ).content
        )
        assert posted["InvalidIdList"] == ["x1"]
        fetched = http.get(
            "efetch.fcgi",
            params={
                "db": "pubmed",
                "WebEnv": posted["WebEnv"],
                "query_key": posted["QueryKey"],
                "retmax": 10,
            },
        )
        assert [item.pmid for item in parse_efetch(fetched.content, 2)] == [records[1].pmid, records[2].pmid]


def test_errors_look_like_ncbi(records: list[PubmedRecord]) -> None:
    with (
        serve_in_thread(corpus_of(records), ServerConfig(max_hits=10)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        wrong_db = http.get("esearch.fcgi", params={"db": "nuccore", "term": TERM})
        assert wrong_db.status_code == 400
        assert entrez(wrong_db.content)["ERROR"] == "Invalid db name specified: nuccore"
        bad = entrez(http.get("esearch.fcgi", params={"db": "pubmed", "term": "(magnesium"}).content)
        assert bad["ERROR"] == "Unmatched '(' at character 1."
        unknown = entrez(http.get("esearch.fcgi", params={"db": "pubmed", "term": "sleep[zz]"}).content)
        assert unknown["ErrorList"]["FieldNotFound"] == ["zz"]
        capped = entrez(
            http.get("esearch.fcgi", params={"db": "pubmed", "term": TERM, "retstart": 9}).content
        )
        assert "'retstart' cannot be larger than 8" in str(capped["ERROR"])
        expired = http.get("efetch.fcgi", params={"db": "pubmed", "WebEnv": "MCID_gone", "query_key": 1})
        assert expired.status_code == 400 and b"Unable to obtain query #1" in expired.content


def test_webenv_expires_after_its_allowed_uses(records: list[PubmedRecord]) -> None:
    config = ServerConfig(faults=FaultConfig(webenv_max_uses=2))
    with serve_in_thread(corpus_of(records), config) as server, httpx.Client(base_url=server.url) as http:
        page = entrez(
            http.get("esearch.fcgi", params={"db": "pubmed", "term": TERM, "usehistory": "y"}).content
        )
        params = {"db": "pubmed", "WebEnv": page["WebEnv"], "query_key": page["QueryKey"], "retmax": 5}
        statuses = [http.get("efetch.fcgi", params=params).status_code for _ in range(3)]
    assert statuses == [200, 200, 400]


def test_fault_sequence_is_deterministic_for_a_seed() -> None:
    config = FaultConfig(rate_429=0.2, rate_5xx=0.2, rate_truncate=0.2, seed=7)
    first = [FaultInjector(config).decide().fault for _ in range(1)]
    injector_a, injector_b = FaultInjector(config), FaultInjector(config)
    run_a = [injector_a.decide().fault for _ in range(50)]
    assert run_a == [injector_b.decide().fault for _ in range(50)]
    assert {"429", "5xx", "truncate", None} <= set(run_a) and first[0] == run_a[0]


def test_faults_reach_the_wire(records: list[PubmedRecord]) -> None:
    config = ServerConfig(faults=FaultConfig(rate_429=1.0, retry_after_seconds=7))
    with serve_in_thread(corpus_of(records), config) as server, httpx.Client(base_url=server.url) as http:
        response = http.get("esearch.fcgi", params={"db": "pubmed", "term": TERM})
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert server.state.requests[0].fault == "429"


def test_record_mode_captures_upstream_records_into_jsonl(
    records: list[PubmedRecord], tmp_path: Path
) -> None:
    out = tmp_path / "recorded.jsonl"
    with (
        serve_in_thread(corpus_of(records)) as upstream,
        serve_in_thread(None, ServerConfig(upstream=upstream.url, record_to=out)) as recorder,
        httpx.Client(base_url=recorder.url) as http,
    ):
        page = entrez(
            http.get("esearch.fcgi", params={"db": "pubmed", "term": TERM, "usehistory": "y"}).content
        )
        for start in (0, 20):
            http.get(
                "efetch.fcgi",
                params={
                    "db": "pubmed",
                    "WebEnv": page["WebEnv"],
                    "query_key": page["QueryKey"],
                    "retstart": start,
                    "retmax": 20,
                },
            )
    assert len(upstream.state.requests) == 3  # every request went upstream
    replay = load_corpus([out])
    assert sorted(replay.documents) == sorted(r.pmid for r in records)
    assert replay.get(records[0].pmid) == records[0]


def test_jsonl_corpus_round_trips_gzipped(records: list[PubmedRecord], tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    assert write_jsonl(path, records) == len(records)
    assert [d.record for d in load_corpus([path]).documents.values()] == records


def test_cli_server_serves_a_jsonl_corpus(records: list[PubmedRecord], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, records)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from litwatch.cli import main; main()",
            "eutils-server",
            "--corpus",
            str(corpus),
            "--port",
            "0",
            "--max-hits",
            "50",
        ],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stderr is not None
        url = process.stderr.readline().split()[2]
        answer = entrez(httpx.get(f"{url}esearch.fcgi", params={"db": "pubmed", "term": TERM}).content)
        assert answer["Count"] == str(len(records))
    finally:
        process.terminate()
        process.wait(timeout=30)
