"""Build the dose dev set `extractors/scoring/data/dose_dev.jsonl` from Evidence Inference intervention
and comparator strings of the VALIDATION articles (splits/validation_article_ids.txt).

Selection: distinct strings of at most 120 characters that contain a digit directly followed (after
optional space) by letters, "%" or "µ" (so most carry a dose, and some carry look-alikes: percentages,
ages, durations, concentrations); a deterministic sample of 160 by SHA-256 of the string.
Proposed gold: every number or range directly followed by a mass/amount unit (a deliberately simple
rule, independent of litwatch_dose). The file was then checked by hand, string by string, and corrected;
`checked: true` marks a reviewed line. Re-running this script overwrites the reviewed file: do not,
unless you mean to review again.

Usage: uv run python -m extractors.scoring.build_dose_dev [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from pathlib import Path

OUT = Path(__file__).parent / "data" / "dose_dev.jsonl"
CANDIDATE = re.compile(r"\d\s?(?:[A-Za-zµμ%])")
PROPOSAL = re.compile(
    r"\d+(?:\.\d+)?(?:\s?(?:-|–|to)\s?\d+(?:\.\d+)?)?\s?(?:mg|g|µg|μg|mcg|ug|mmol|mEq|IU|U|units|mL|ml)\b"
)
SAMPLE = 160


def candidate_strings(data_dir: Path) -> list[tuple[str, str]]:
    root = data_dir / "evidence_inference"
    validation = set((root / "splits" / "validation_article_ids.txt").read_text().split())
    seen: dict[str, str] = {}
    with (root / "annotations" / "prompts_merged.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["PMCID"] not in validation:
                continue
            for text in (row["Intervention"].strip(), row["Comparator"].strip()):
                if len(text) <= 120 and CANDIDATE.search(text) and text not in seen:
                    seen[text] = row["PMCID"]
    ranked = sorted(seen.items(), key=lambda item: hashlib.sha256(item[0].encode()).hexdigest())
    return ranked[:SAMPLE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for text, pmcid in candidate_strings(args.data):
            spans = [[m.start(), m.end()] for m in PROPOSAL.finditer(text)]
            out.write(json.dumps({"pmcid": pmcid, "text": text, "amounts": spans, "checked": False}) + "\n")


if __name__ == "__main__":
    main()
