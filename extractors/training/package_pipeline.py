"""Package the extraction pipeline: assemble it from pipeline.yaml + the trained parts, write it with
`nlp.to_disk` so that `spacy.load` opens it.

Usage: uv run python -m extractors.training.package_pipeline [--out DIR]   (default: extractors/model)
Run it after changing pipeline.yaml (order, component config, version); a retrained part needs no
repackaging, since its training script writes it into its component's folder of the package.
Packaging is reproducible: the same inputs give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from extractors.pipeline import PACKAGE_DIR, build_pipeline
from litwatch.paths import remove_path


def package(out: Path = PACKAGE_DIR, trained_parts: Path = PACKAGE_DIR) -> list[str]:
    """Write the pipeline to `out`; returns the top-level entries written. Entries of `out` that the
    pipeline does not write are left alone. Staged first, since `out` may hold the trained parts read."""
    nlp = build_pipeline(trained_parts=trained_parts)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as staging:
        staged = Path(staging) / "pipeline"
        nlp.to_disk(staged)
        entries = sorted(entry.name for entry in staged.iterdir())
        for name in entries:
            target = out / name
            remove_path(target)
            shutil.move(staged / name, target)
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=PACKAGE_DIR)
    args = parser.parse_args()
    entries = package(args.out)
    print(f"packaged {', '.join(entries)} into {args.out}")


if __name__ == "__main__":
    main()
