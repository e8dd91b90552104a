"""Build the extraction pipeline from `pipeline.yaml` and name its version.

Entries are `{factory, name?, config?}` for the project's registered components, or
`{source: <dir under extractors/>, name}` to copy a trained component from a saved pipeline loaded
with `spacy.load`. The version is `<meta version>+<hash>`: the hash covers the component code, their
data files, this config and the trained model, so any change re-runs extraction.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from pydantic import BaseModel, Field
from spacy.language import Language

from extractors.components import register_all
from extractors.extensions import register_extensions
from extractors.serialization import register_msgpack_models

EXTRACTORS = Path(__file__).parent
PIPELINE_CONFIG = EXTRACTORS / "pipeline.yaml"
VERSIONED_PATHS = (
    "components",
    "model",
    "pipeline.yaml",
    "pipeline.py",
    "text.py",
    "extensions.py",
    "mentions.py",
    "relevance.py",
    "relevance.yaml",
    "models.py",
    "findings",
    "outcome_mapping.py",
)


class ComponentSpec(BaseModel):
    factory: str | None = None
    source: str | None = None
    name: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)


class PipelineSpec(BaseModel):
    name: str
    version: str
    tokenizer: str
    components: list[ComponentSpec]


def read_spec(path: Path = PIPELINE_CONFIG) -> PipelineSpec:
    return PipelineSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def build_pipeline(spec: PipelineSpec | None = None) -> Language:
    """A fresh pipeline: blank English with the abstract tokenizer, then every component in order."""
    register_all()
    register_extensions()
    register_msgpack_models()
    spec = spec or read_spec()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": spec.tokenizer}}})
    nlp.meta.update({"name": spec.name, "version": spec.version})
    for component in spec.components:
        if component.source is not None:
            trained = spacy.load(EXTRACTORS / component.source)
            nlp.add_pipe(component.name or "ner", source=trained)
        elif component.factory is not None:
            nlp.add_pipe(component.factory, name=component.name or component.factory, config=component.config)
    nlp.meta["litwatch_version"] = extractor_version()
    return nlp


@cache
def load_pipeline() -> Language:
    """The pipeline, built once per process."""
    return build_pipeline()


def _versioned_files() -> list[Path]:
    files: list[Path] = []
    for entry in VERSIONED_PATHS:
        path = EXTRACTORS / entry
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return sorted(files)


@cache
def extractor_version() -> str:
    """`<version>+<12 hex of sha256 over the pipeline's code, config, data and model files>`."""
    digest = hashlib.sha256()
    for path in _versioned_files():
        digest.update(path.relative_to(EXTRACTORS).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{read_spec().version}+{digest.hexdigest()[:12]}"
