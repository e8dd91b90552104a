"""The XML parser on small hand-made documents for what the real samples lack.

Book articles, a PubmedArticleSet-level DeleteCitation, retraction links, Season and MedlineDate
forms, inline <sup> and MathML alttext/fractions.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from litwatch.pubmed.reader import read_records
from litwatch.pubmed.records import DeletedRecord, PubmedRecord
from litwatch.pubmed.xml_parser import iter_pubmed_xml

MATHML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML"'


CITATION_ATTRS = 'Status="MEDLINE" Owner="NLM"'


def article(pmid: int, body: str = "", citation_attrs: str = CITATION_ATTRS, data: str = "") -> str:
    return (
        f'<PubmedArticle><MedlineCitation {citation_attrs}><PMID Version="1">{pmid}</PMID>'
        f"<Article><Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue>"
        f"<Title>Test Journal</Title></Journal><ArticleTitle>Record {pmid}.</ArticleTitle>{body}"
        f"<Language>eng</Language></Article></MedlineCitation>{data}</PubmedArticle>"
    )


def article_set(*parts: str) -> bytes:
    return ('<?xml version="1.0"?>\n<PubmedArticleSet>' + "".join(parts) + "</PubmedArticleSet>").encode()


def parse(data: bytes) -> list[PubmedRecord | DeletedRecord]:
    return list(iter_pubmed_xml(io.BytesIO(data), name="test.xml"))


def only_record(data: bytes) -> PubmedRecord:
    (record,) = parse(data)
    assert isinstance(record, PubmedRecord)
    return record


BOOK = """
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20301295</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
    <Book>
      <Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
      <BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>
      <PubDate><Year>1993</Year></PubDate>
      <AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName>
        <Initials>MP</Initials></Author></AuthorList>
    </Book>
    <ArticleTitle book="gene" part="cadasil">CADASIL</ArticleTitle>
    <Language>eng</Language>
    <AuthorList Type="authors"><Author><LastName>Rutten</LastName><ForeName>Julie W</ForeName>
      <Initials>JW</Initials></Author></AuthorList>
    <PublicationType UI="D016454">Review</PublicationType>
    <Abstract>
      <AbstractText Label="CLINICAL CHARACTERISTICS">CADASIL is characterized by <i>mid-adult</i> onset.
      </AbstractText>
      <AbstractText Label="MANAGEMENT">Treatment is supportive.</AbstractText>
      <CopyrightInformation>Copyright © 1993-2024, University of Washington, Seattle.</CopyrightInformation>
    </Abstract>
    <DateRevised><Year>2019</Year><Month>03</Month><Day>14</Day></DateRevised>
  </BookDocument>
  <PubmedBookData>
    <History><PubMedPubDate PubStatus="pubmed"><Year>2010</Year><Month>3</Month><Day>20</Day></PubMedPubDate>
    </History>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId></ArticleIdList>
  </PubmedBookData>
</PubmedBookArticle>
"""


def test_book_article_is_stored_with_book_fields() -> None:
    book = only_record(article_set(BOOK))
    assert book.is_book and book.pmid == 20301295
    assert book.title == "CADASIL" and book.journal == "GeneReviews®"
    assert book.abstract == (
        "CLINICAL CHARACTERISTICS: CADASIL is characterized by mid-adult onset.\n"
        "MANAGEMENT: Treatment is supportive."
    )
    assert book.copyright == "Copyright © 1993-2024, University of Washington, Seattle."
    assert [a.display for a in book.authors] == ["Rutten JW"]  # not the editor
    assert book.publication_types == ["Review"] and book.languages == ["eng"]
    assert book.pub_year == 1993
    assert (str(book.date_revised), str(book.entrez_date)) == ("2019-03-14", "2010-03-20")


def test_book_without_chapter_title_takes_the_book_title() -> None:
    whole_book = BOOK.replace('<ArticleTitle book="gene" part="cadasil">CADASIL</ArticleTitle>', "")
    book = only_record(article_set(whole_book))
    assert book.title == "GeneReviews®" and book.journal is None


def test_delete_citation_in_a_modern_article_set_yields_each_pmid() -> None:
    items = parse(
        article_set(
            article(111),
            '<DeleteCitation><PMID Version="1">222</PMID><PMID Version="2">333</PMID></DeleteCitation>',
        )
    )
    assert [type(i).__name__ for i in items] == ["PubmedRecord", "DeletedRecord", "DeletedRecord"]
    assert [i.pmid for i in items] == [111, 222, 333]


def test_retracted_publication_and_retraction_links() -> None:
    retracted = article(
        444,
        body="<PublicationTypeList><PublicationType>Journal Article</PublicationType>"
        "<PublicationType>Retracted Publication</PublicationType></PublicationTypeList>",
        citation_attrs='Status="MEDLINE" Owner="NLM" IndexingMethod="Curated"',
    ).replace(
        "</Article>",
        "</Article><CommentsCorrectionsList>"
        '<CommentsCorrections RefType="RetractionIn"><RefSource>J Test. 2021;1:2</RefSource>'
        '<PMID Version="1">555</PMID></CommentsCorrections>'
        '<CommentsCorrections RefType="ExpressionOfConcernIn"><RefSource>J Test. 2020;1:1</RefSource>'
        "</CommentsCorrections></CommentsCorrectionsList>",
    )
    record = only_record(article_set(retracted))
    assert record.is_retracted and record.indexing_method == "Curated"
    assert [(c.ref_type, c.pmid, c.ref_source) for c in record.comments_corrections] == [
        ("RetractionIn", 555, "J Test. 2021;1:2"),
        ("ExpressionOfConcernIn", None, "J Test. 2020;1:1"),
    ]
    notice = article(555).replace(
        "</Article>",
        '</Article><CommentsCorrectionsList><CommentsCorrections RefType="RetractionOf">'
        '<RefSource>J Test. 2019;1:3</RefSource><PMID Version="1">444</PMID></CommentsCorrections>'
        "</CommentsCorrectionsList>",
    )
    (link,) = only_record(article_set(notice)).links("RetractionOf")
    assert link.pmid == 444


def _with_pub_date(pub_date: str) -> PubmedRecord:
    return only_record(article_set(article(1).replace("<PubDate><Year>2020</Year></PubDate>", pub_date)))


def test_pub_date_forms() -> None:
    spring = _with_pub_date("<PubDate><Year>2017</Year><Season>Spring</Season></PubDate>")
    assert (str(spring.pub_date), spring.pub_date_text) == ("2017-03-01", "2017 Spring")
    medline = _with_pub_date("<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>")
    assert (medline.pub_year, medline.pub_date.month if medline.pub_date else None) == (1998, 12)
    assert medline.pub_date_text == "1998 Dec-1999 Jan"
    named = _with_pub_date("<PubDate><Year>2019</Year><Month>Jun</Month><Day>05</Day></PubDate>")
    assert str(named.pub_date) == "2019-06-05"
    numbered = _with_pub_date("<PubDate><Year>2019</Year><Month>11</Month></PubDate>")
    assert (str(numbered.pub_date), numbered.pub_date_text) == ("2019-11-01", "2019 11")
    year_only = _with_pub_date("<PubDate><MedlineDate>2000-2001</MedlineDate></PubDate>")
    assert (year_only.pub_year, str(year_only.pub_date)) == (2000, "2000-01-01")


def test_inline_sup_sub_and_spaces_survive() -> None:
    body = (
        '<Abstract><AbstractText Label="METHODS" NlmCategory="METHODS">'
        "eGFR &lt; 60 mL/min/1.73 m<sup>2</sup>"
        " and HbA<sub>1c</sub> ≥ 6.5%; <b>bold</b> <u>under</u>\n   lined</AbstractText>"
        "<AbstractText>Unlabelled <i>closing</i> part.</AbstractText></Abstract>"
    )
    record = only_record(article_set(article(7, body=body)))
    assert record.abstract == (
        "METHODS: eGFR < 60 mL/min/1.73 m2 and HbA1c ≥ 6.5%; bold under lined\nUnlabelled closing part."
    )
    assert record.abstract_sections[0].nlm_category == "METHODS"
    assert record.abstract_sections[1].label is None


def test_mathml_alttext_fraction_and_token_spacing() -> None:
    body = (
        f'<Abstract><AbstractText>dose <mml:math {MATHML} alttext="10 mg/kg"><mml:mn>10</mml:mn></mml:math>'
        f" daily; ratio <mml:math {MATHML}><mml:mfrac><mml:mi>a</mml:mi><mml:mi>b</mml:mi></mml:mfrac>"
        f"</mml:math> and <mml:math {MATHML}>\n  <mml:mi>x</mml:mi>\n  <mml:mtext> per </mml:mtext>\n"
        "  <mml:mi>day</mml:mi>"
        "\n</mml:math>.</AbstractText></Abstract>"
    )
    record = only_record(article_set(article(8, body=body)))
    assert record.abstract == "dose 10 mg/kg daily; ratio a/b and x per day."


def test_other_abstract_vernacular_title_keywords_ids_and_history() -> None:
    body = (
        "<Abstract><AbstractText>Main.</AbstractText></Abstract>"
        "<VernacularTitle>Titre <i>français</i>.</VernacularTitle>"
        '<DataBankList CompleteYN="Y"><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>'
        "<AccessionNumberList><AccessionNumber>NCT01234567</AccessionNumber></AccessionNumberList></DataBank>"
        "<DataBank><DataBankName>ISRCTN</DataBankName><AccessionNumberList>"
        "<AccessionNumber>ISRCTN12345678</AccessionNumber></AccessionNumberList></DataBank></DataBankList>"
        '<ELocationID EIdType="doi" ValidYN="Y">10.1000/elocation</ELocationID>'
    )
    data = (
        '<PubmedData><History><PubMedPubDate PubStatus="pubmed">'
        "<Year>2020</Year><Month>2</Month><Day>3</Day>"
        '</PubMedPubDate></History><ArticleIdList><ArticleId IdType="pubmed">9</ArticleId>'
        '<ArticleId IdType="pmc">PMC999</ArticleId></ArticleIdList>'
        '<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.1000/cited</ArticleId>'
        "</ArticleIdList></Reference></ReferenceList></PubmedData>"
    )
    record_xml = article(9, body=body, data=data).replace(
        "</Article>",
        '</Article><KeywordList Owner="NOTNLM"><Keyword>sleep</Keyword><Keyword>magnesium</Keyword>'
        '</KeywordList><KeywordList Owner="NLM"><Keyword>sleep</Keyword></KeywordList>'
        '<OtherAbstract Type="Publisher" Language="fre"><AbstractText Label="BUT">Résumé.</AbstractText>'
        "<CopyrightInformation>© éditeur</CopyrightInformation></OtherAbstract>",
    )
    record = only_record(article_set(record_xml))
    assert record.vernacular_title == "Titre français."
    other_abstracts = [(o.type, o.language, o.text) for o in record.other_abstracts]
    assert other_abstracts == [("Publisher", "fre", "BUT: Résumé.")]
    assert record.abstract == "Main."
    assert [(r.databank, r.accession) for r in record.registry_ids] == [
        ("ClinicalTrials.gov", "NCT01234567"),
        ("ISRCTN", "ISRCTN12345678"),
    ]
    assert record.keywords == ["sleep", "magnesium"]
    assert record.doi == "10.1000/elocation"  # a cited reference's DOI is not the record's
    assert record.pmc == "PMC999" and str(record.entrez_date) == "2020-02-03"


def test_pmid_version_and_invalid_author_skipped() -> None:
    authors = (
        '<AuthorList><Author ValidYN="Y"><LastName>Good</LastName><Initials>G</Initials></Author>'
        '<Author ValidYN="N"><LastName>Wrong</LastName></Author>'
        "<Author><CollectiveName>The <i>Sleep</i> Group</CollectiveName></Author></AuthorList>"
    )
    record = only_record(article_set(article(10, body=authors).replace('Version="1"', 'Version="2"')))
    assert record.pmid_version == 2
    assert [a.display for a in record.authors] == ["Good G", "The Sleep Group"]


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    misnamed = tmp_path / "batch.xml"  # gzip bytes behind a plain .xml name
    misnamed.write_bytes(gzip.compress(article_set(article(12), article(13))))
    assert [item.pmid for item in read_records(misnamed)] == [12, 13]
    no_suffix = tmp_path / "batch"
    no_suffix.write_bytes(gzip.compress(article_set(article(14))))
    assert [item.pmid for item in iter_pubmed_xml(no_suffix)] == [14]


class _Unseekable(io.RawIOBase):
    """A forward-only byte stream, like a pipe or an HTTP response body."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_forward_only_streams_plain_and_gzip() -> None:
    data = article_set(article(15), article(16))
    for payload in (data, gzip.compress(data)):
        stream = _Unseekable(payload)
        assert [item.pmid for item in iter_pubmed_xml(stream, name="efetch")] == [15, 16]  # type: ignore[arg-type]
