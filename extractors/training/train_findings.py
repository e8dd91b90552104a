"""Train the finding classifier (direction + significance) on Evidence Inference 2.0 train prompts.

Usage: uv run python -m extractors.training.train_findings [--data /work/shared/data] [--out DIR]
Examples are (a) every annotated evidence span of a train prompt and (b) the sentence the retrieval
step picks from the abstract of an abstract-answerable prompt, right or wrong, so the classifier learns
from what it will see; validation prompts are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.training import Example
from spacy.util import minibatch

from extractors.components import register_all
from extractors.findings.classifier import CLASSES, MODEL_DIR
from extractors.findings.features import finding_text, locate_arm, locate_phrase
from extractors.findings.retrieval import best_evidence_sentence
from extractors.training.evidence_inference_data import FOLDER, EvidencePrompt, load_prompts

SEED = 13
EPOCHS = 12
TOKENIZER = {"nlp": {"tokenizer": {"@tokenizers": "litwatch_abstract_tokenizer.v1"}}}
TEXTCAT_MODEL = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 3,
    "no_output_layer": False,
    "length": 65536,
}


def sentence_splitter() -> Language:
    """Tokenizer + the project's abstract sentencizer: the same boundaries extraction uses."""
    register_all()
    nlp = spacy.blank("en", config=TOKENIZER)
    nlp.add_pipe("litwatch_sentences")
    return nlp


def evidence_text(text: str, prompt: EvidencePrompt) -> str:
    return finding_text(
        text,
        locate_phrase(prompt.outcome, text, threshold=70),
        locate_arm(prompt.intervention, text, prompt.comparator, prompt.outcome),
        locate_arm(prompt.comparator, text, prompt.intervention, prompt.outcome),
    )


def training_examples(prompts: list[EvidencePrompt], splitter: Language) -> list[tuple[str, str]]:
    examples: list[tuple[str, str]] = [
        (evidence_text(text, p), p.label) for p in prompts for text in p.evidence
    ]
    sentences: dict[str, list[str]] = {}
    for prompt in prompts:
        if not prompt.abstract_answerable:
            continue
        if prompt.pmcid not in sentences:
            sentences[prompt.pmcid] = [s.text for s in splitter(prompt.abstract).sents]
        chosen = best_evidence_sentence(
            sentences[prompt.pmcid], prompt.outcome, prompt.intervention, prompt.comparator
        )
        if chosen is not None:
            examples.append(
                (
                    finding_text(chosen.text, chosen.outcome, chosen.intervention, chosen.comparator),
                    prompt.label,
                )
            )
    return examples


def train(data_root: Path, out: Path) -> dict[str, object]:
    random.seed(SEED)
    spacy.util.fix_random_seed(SEED)
    prompts = load_prompts(data_root, "train")
    examples = training_examples(prompts, sentence_splitter())
    nlp = spacy.blank("en", config=TOKENIZER)
    textcat = nlp.add_pipe("textcat", config={"model": TEXTCAT_MODEL})
    assert isinstance(textcat, TextCategorizer)
    for label in CLASSES:
        textcat.add_label(label)
    gold = [
        Example.from_dict(nlp.make_doc(text), {"cats": {c: float(c == label) for c in CLASSES}})
        for text, label in examples
    ]
    optimizer = nlp.initialize(lambda: gold)
    for _ in range(EPOCHS):
        random.shuffle(gold)
        for batch in minibatch(gold, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    digest = hashlib.sha256()
    for name in (
        "annotations/v2_annotations.csv",
        "annotations/prompts_merged.csv",
        "abstracts.jsonl",
        "splits/train_article_ids.txt",
    ):
        digest.update((data_root / FOLDER / name).read_bytes())
    record: dict[str, object] = {
        "seed": SEED,
        "epochs": EPOCHS,
        "train_prompts": len(prompts),
        "examples": len(examples),
        "data_sha256": digest.hexdigest(),
        "model": TEXTCAT_MODEL,
    }
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args()
    print(json.dumps(train(args.data, args.out), indent=2))


if __name__ == "__main__":
    main()
