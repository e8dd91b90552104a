"""Tokenizer, sentence boundaries, abbreviations and the offsets invariant (text == field slice)."""

from __future__ import annotations

from pathlib import Path

from extractors.mentions import doc_mentions
from extractors.text import ArticleInput, locate, make_article_doc, sentence_ranges
from litwatch.pubmed.records import PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml
from tests.extract_support import nlp, run


def sentences(abstract: str) -> list[str]:
    doc = run(abstract)
    return [doc.text[start:end].strip() for start, end in sentence_ranges(doc)][1:]


def test_tokenizer_splits_numbers_units_and_signs() -> None:
    tokens = [t.text for t in nlp().make_doc("320-729mg/day (p<0.05), 12.5±3.2 years, n=120")]
    assert tokens[:6] == ["320", "-", "729", "mg", "/", "day"]
    assert tokens[7:10] == ["p", "<", "0.05"]
    assert tokens[12:15] == ["12.5", "±", "3.2"]
    assert tokens[-3:] == ["n", "=", "120"]


def test_section_labels_start_sentences() -> None:
    assert sentences("BACKGROUND: Sleep matters.\nRESULTS: It improved.") == [
        "BACKGROUND: Sleep matters.",
        "RESULTS: It improved.",
    ]


def test_abbreviations_decimals_and_p_values_do_not_split() -> None:
    text = "Magnesium vs. placebo (e.g. oxide) reduced SOL by 12.5 min (P < .05). Next sentence."
    assert sentences(text) == [
        "Magnesium vs. placebo (e.g. oxide) reduced SOL by 12.5 min (P < .05).",
        "Next sentence.",
    ]


def test_lowercase_after_full_stop_does_not_split() -> None:
    assert len(sentences("Doses were 5 mg. once daily in adults.")) == 1


def test_abbreviation_definitions_schwartz_hearst() -> None:
    doc = run("Sleep onset latency (SOL) and the Pittsburgh Sleep Quality Index (PSQI; range 0-21) improved.")
    found = {a.short: a.long for a in doc._.abbreviations}
    assert found == {"SOL": "Sleep onset latency", "PSQI": "Pittsburgh Sleep Quality Index"}


def test_reversed_abbreviation_definition() -> None:
    doc = run("WASO (wake after sleep onset) fell.")
    assert [(a.short, a.long) for a in doc._.abbreviations] == [("WASO", "wake after sleep onset")]


def test_parenthesis_without_definition_is_ignored() -> None:
    assert run("We saw 20 patients (45%) and improvement (p = 0.01).")._.abbreviations == []


def test_locate_maps_offsets_to_fields() -> None:
    assert locate(0, 5, title_length=10) == ("title", 0, 5)
    assert locate(12, 15, title_length=10) == ("abstract", 0, 3)
    assert locate(8, 13, title_length=10) is None


def test_mentions_index_title_and_abstract_exactly() -> None:
    title = "Magnesium 500 mg in 60 women"
    abstract = "Sixty women aged 40–60 years took 250 mg magnesium twice daily for 8 weeks."
    doc = run(abstract, title=title)
    mentions = doc_mentions(doc, title, abstract)
    assert {m.section for m in mentions} == {"title", "abstract"}
    for mention in mentions:
        field = title if mention.section == "title" else abstract
        assert field[mention.start_char : mention.end_char] == mention.text


def test_offsets_invariant_on_real_records(xml_samples: Path) -> None:
    pipeline = nlp()
    records = [item for path in sorted(xml_samples.rglob("*.xml*")) for item in iter_pubmed_xml(path)]
    articles = [r for r in records if isinstance(r, PubmedRecord)][:300]
    checked = 0
    for record in articles:
        article = ArticleInput(title=record.title, abstract=record.abstract)
        doc = pipeline(make_article_doc(pipeline, article))
        for mention in doc_mentions(doc, record.title, record.abstract):
            field = record.title if mention.section == "title" else record.abstract
            assert field[mention.start_char : mention.end_char] == mention.text
            checked += 1
    assert checked > 100
