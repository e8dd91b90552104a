"""Evidence Inference 2.0 prompts with labels, abstracts and evidence, split by the release's article ids.

A prompt's label is the majority of its valid annotations (ties: the first annotator). A prompt is
"abstract-answerable" when one of its evidence spans lies inside the abstract text of `abstracts.jsonl`.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

EvidenceLabel = Literal["increased", "decreased", "no_difference"]
Split = Literal["train", "validation"]
LABELS: tuple[EvidenceLabel, ...] = ("increased", "decreased", "no_difference")
_LABEL_NAMES: dict[str, EvidenceLabel] = {
    "significantly increased": "increased",
    "significantly increase": "increased",
    "significantly decreased": "decreased",
    "no significant difference": "no_difference",
}
FOLDER = Path("evidence_inference")


@dataclass(frozen=True)
class EvidencePrompt:
    prompt_id: str
    pmcid: str
    intervention: str
    comparator: str
    outcome: str
    label: EvidenceLabel
    evidence: tuple[str, ...]
    abstract: str
    abstract_answerable: bool


def _split_ids(root: Path, split: Split) -> set[str]:
    path = root / "splits" / f"{split}_article_ids.txt"
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def load_prompts(data_root: Path, split: Split) -> list[EvidencePrompt]:
    """Labelled prompts of one split, in prompt-id order."""
    root = data_root / FOLDER
    ids = _split_ids(root, split)
    abstracts: dict[str, tuple[str, int]] = {}
    with (root / "abstracts.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            abstracts[record["pmcid"]] = (record["text"], record["abstract_end_offset"])
    with (root / "annotations" / "prompts_merged.csv").open(encoding="utf-8", newline="") as handle:
        prompts = {row["PromptID"]: row for row in csv.DictReader(handle)}
    votes: dict[str, list[EvidenceLabel]] = {}
    evidence: dict[str, list[str]] = {}
    in_abstract: set[str] = set()
    with (root / "annotations" / "v2_annotations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["PMCID"] not in ids or row["Valid Label"] != "True" or row["PMCID"] not in abstracts:
                continue
            label = _LABEL_NAMES.get(row["Label"].strip())
            if label is None or row["PromptID"] not in prompts:
                continue
            votes.setdefault(row["PromptID"], []).append(label)
            evidence.setdefault(row["PromptID"], []).append(row["Annotations"].strip())
            start, end = int(row["Evidence Start"]), int(row["Evidence End"])
            if 0 <= start < end <= abstracts[row["PMCID"]][1]:
                in_abstract.add(row["PromptID"])
    result: list[EvidencePrompt] = []
    for prompt_id in sorted(votes, key=int):
        row = prompts[prompt_id]
        label = Counter(votes[prompt_id]).most_common(1)[0][0]
        result.append(
            EvidencePrompt(
                prompt_id=prompt_id,
                pmcid=row["PMCID"],
                intervention=row["Intervention"],
                comparator=row["Comparator"],
                outcome=row["Outcome"],
                label=label,
                evidence=tuple(dict.fromkeys(evidence[prompt_id])),
                abstract=abstracts[row["PMCID"]][0],
                abstract_answerable=prompt_id in in_abstract,
            )
        )
    return result
