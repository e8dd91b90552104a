"""The findings component tokenises the classifier's input with the pipeline's tokenizer (whose cache
already holds the abstract's words): that must give the tokens, and so the predictions, of the
classifier's own saved tokenizer."""

from __future__ import annotations

from extractors.components.findings import OutcomeFindings
from extractors.findings.classifier import classify
from extractors.findings.features import finding_text
from extractors.findings.spans import CharSpan
from extractors.pipeline import load_pipeline
from extractors.trained_part import loaded

SENTENCES = [
    "Sleep onset latency was shorter with magnesium than with placebo (p<0.05; 95% CI -12.5 to -3.1).",
    "Total sleep time (TST) did not differ between groups (P = .41), whereas PSQI scores fell by 2·1 points.",
    "Serum cortisol decreased significantly in the Mg group [OR 0.54, 0.31–0.92], n=120.",
    "Insomnia severity improved in 37% vs 12% of patients receiving 500mg/day.",
]


def _texts() -> list[str]:
    return [finding_text(s, CharSpan(0, s.index(" "))) for s in SENTENCES] + SENTENCES


def test_pipeline_tokenizer_gives_the_classifiers_tokens() -> None:
    nlp = load_pipeline()
    component = nlp.get_pipe("litwatch_findings")
    assert isinstance(component, OutcomeFindings)
    classifier = loaded(component.trained, "litwatch_findings").nlp
    for text in _texts():
        assert [t.text for t in component.tokenizer(text)] == [t.text for t in classifier.make_doc(text)]


def test_predictions_from_pipeline_docs_equal_those_from_text() -> None:
    nlp = load_pipeline()
    component = nlp.get_pipe("litwatch_findings")
    assert isinstance(component, OutcomeFindings)
    classifier = loaded(component.trained, "litwatch_findings").nlp
    from_text = classify(_texts(), classifier)
    from_docs = classify([component.tokenizer(text) for text in _texts()], classifier)
    assert from_docs == from_text
    assert len({p.label for p in from_text}) > 1
