"""Topic definitions: one YAML file per curated question, validated into typed models on load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from litwatch.errors import TopicError

TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Intervention(BaseModel):
    """What the topic is about: the names used for it and its forms (salts, formulations)."""

    model_config = ConfigDict(extra="forbid")

    terms: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)

    @property
    def all_terms(self) -> list[str]:
        return [*self.terms, *self.forms]


Better = Literal["lower", "higher"]


class Measure(BaseModel):
    """A scale or instrument that measures an outcome but runs its own way: a better sleep quality is
    a *lower* Pittsburgh Sleep Quality Index score."""

    model_config = ConfigDict(extra="forbid")

    name: str
    synonyms: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    better: Better


class Outcome(BaseModel):
    """A canonical outcome a curator tracks, the words that name it, and which direction is good;
    `measures` lists instruments whose scores run the other way (or need their own direction)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    synonyms: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    better: Better = "higher"
    kind: Literal["clinical", "mechanistic"] = "clinical"
    measures: list[Measure] = Field(default_factory=list)

    @property
    def all_abbreviations(self) -> list[str]:
        return [*self.abbreviations, *(a for m in self.measures for a in m.abbreviations)]


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str | None = None
    overlap_days: int = Field(default=3, ge=0, le=365)
    send_empty_digest: bool = False


class Topic(BaseModel):
    """A saved question; only `id`, `question` and `query` are required."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    query: str
    intervention: Intervention = Field(default_factory=Intervention)
    outcomes: list[Outcome] = Field(default_factory=list)
    populations: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    schedule: Schedule = Field(default_factory=Schedule)

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not TOPIC_ID.match(value):
            raise ValueError("must be lower-case letters, digits and hyphens, e.g. magnesium-sleep")
        return value

    @field_validator("question", "query")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("recipients")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.match(r"^[^@\s]+@[^@\s]+$", value):
                raise ValueError(f"{value!r} is not an email address")
        return values


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"field '{where}': {first['msg']}"


def load_topic_file(path: Path) -> Topic:
    """Read and validate one topic YAML; errors name the file, the field and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TopicError(f"Topic file {path} does not exist.") from exc
    except yaml.YAMLError as exc:
        raise TopicError(f"Topic file {path} is not valid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise TopicError(f"Topic file {path} must be a YAML mapping with id, question and query.")
    try:
        topic = Topic.model_validate(data)
    except ValidationError as exc:
        raise TopicError(f"Topic file {path} is invalid: {_describe(exc)}.") from exc
    if topic.id != path.stem:
        raise TopicError(f"Topic file {path} has id '{topic.id}'; the id must match the file name.")
    return topic


def load_topics(topics_dir: Path) -> list[Topic]:
    """All topics in a folder, sorted by id."""
    if not topics_dir.is_dir():
        raise TopicError(f"Topics folder {topics_dir} does not exist (set LITWATCH_TOPICS).")
    return [load_topic_file(path) for path in sorted(topics_dir.glob("*.yaml"))]


def get_topic(topics_dir: Path, topic_id: str) -> Topic:
    """One topic by id, or a clear error listing the known ones."""
    path = topics_dir / f"{topic_id}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(topics_dir.glob("*.yaml"))) or "none"
        raise TopicError(f"Unknown topic '{topic_id}' (known topics: {known}).")
    return load_topic_file(path)
