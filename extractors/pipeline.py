"""The extraction pipeline: assembled from `pipeline.yaml`, packaged in `extractors/model/`, versioned.

`build_pipeline` assembles blank English with the abstract tokenizer and the project's registered
components in the order of `pipeline.yaml`; a component with trained state (a `from_disk` method) reads
it from its own folder of the package, where its training script writes it.
`python -m extractors.training.package_pipeline` writes the assembled pipeline to `extractors/model/`
with `nlp.to_disk`, and `load_pipeline` opens that folder with `spacy.load` (the factories and the
tokenizer are found through the entry points in pyproject.toml). The version is
`<meta version>+<hash>`: the hash covers the component code, their data files, the config and the
trained model, so any change re-runs extraction.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from pydantic import BaseModel, Field
from spacy.language import Language

from extractors.components import register_all

EXTRACTORS = Path(__file__).parent
PIPELINE_CONFIG = EXTRACTORS / "pipeline.yaml"
PACKAGE_DIR = EXTRACTORS / "model"
# Every extractors module that `litwatch extract` imports, and the data and model files beside them
# (tests/test_extract_package.py checks the modules).
VERSIONED_PATHS = (
    "components",
    "model",
    "pipeline.yaml",
    "pipeline.py",
    "trained_part.py",
    "text.py",
    "extensions.py",
    "serialization.py",
    "mentions.py",
    "relevance.py",
    "relevance.yaml",
    "models.py",
    "findings",
    "outcome_mapping.py",
    "topic_direction.py",
    "terms.py",
    "phrase_regex.py",
)


class ComponentSpec(BaseModel):
    factory: str
    name: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)


class PipelineSpec(BaseModel):
    name: str
    version: str
    tokenizer: str
    components: list[ComponentSpec]


def read_spec(path: Path = PIPELINE_CONFIG) -> PipelineSpec:
    return PipelineSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def build_pipeline(spec: PipelineSpec | None = None, trained_parts: Path = PACKAGE_DIR) -> Language:
    """A fresh pipeline from the spec; trained components read their state from `trained_parts/<name>`."""
    register_all()
    spec = spec or read_spec()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": spec.tokenizer}}})
    nlp.meta.update({"name": spec.name, "version": spec.version})
    for component in spec.components:
        name = component.name or component.factory
        pipe = nlp.add_pipe(component.factory, name=name, config=component.config)
        if hasattr(pipe, "from_disk"):
            pipe.from_disk(trained_parts / name)
    return nlp


@cache
def load_pipeline() -> Language:
    """The packaged pipeline, loaded once per process."""
    nlp = spacy.load(PACKAGE_DIR)
    nlp.meta["litwatch_version"] = extractor_version()
    return nlp


def versioned_files(root: Path = EXTRACTORS) -> list[Path]:
    """The files whose content makes up the extractor version."""
    files: list[Path] = []
    for entry in VERSIONED_PATHS:
        path = root / entry
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return sorted(files)


def content_version(root: Path = EXTRACTORS) -> str:
    """`<version in the package's meta.json>+<12 hex of sha256 over the code, config, data and model
    files of the extractors folder at root>`."""
    digest = hashlib.sha256()
    for path in versioned_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    meta = json.loads((root / PACKAGE_DIR.name / "meta.json").read_text(encoding="utf-8"))
    return f"{meta['version']}+{digest.hexdigest()[:12]}"


@cache
def extractor_version() -> str:
    """The version every mention records; any change of a versioned file re-runs extraction."""
    return content_version(EXTRACTORS)
