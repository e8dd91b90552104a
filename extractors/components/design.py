"""Study design of an article: from MEDLINE publication types when they decide it (trusting curated,
human indexing over automated), then MeSH, then the title and abstract text. Sets `doc._.design`
(an `extractors.models.Design`) and `doc._.design_source`. Notices about other articles (retraction
notices, errata, editorials, letters without a study type...) are design "other" with `doc._.notice`
naming the kind of notice, so relevance can say "retraction notice, not a study".

Indexing trust: with `indexing_method` "Automated", a design the title states explicitly (e.g. a
"meta-analysis" in the title) overrides the publication types; human or curated indexing is not
overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from extractors.models import Design
from extractors.text import abstract_offset, doc_text

DATA = Path(__file__).parent / "data"
FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class DesignRules:
    publication_types: list[tuple[str, Design]]
    trial_types: frozenset[str]
    observational_types: frozenset[str]
    mesh: list[tuple[str, Design | None]]
    text: list[tuple[Design, re.Pattern[str]]]
    title_first: frozenset[str]
    allocation: re.Pattern[str]
    review_discourse: re.Pattern[str]
    study_numbers: re.Pattern[str]
    animal: re.Pattern[str]
    human: re.Pattern[str]
    in_vitro: re.Pattern[str]
    human_mesh: str
    animal_mesh: str
    notices_always: dict[str, str]
    notices_unless_study: dict[str, str]
    notice_title: list[tuple[str, re.Pattern[str]]]

    @classmethod
    def load(cls, path: Path) -> DesignRules:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            publication_types=[(str(k), v) for k, v in data["publication_types"]],
            trial_types=frozenset(data["trial_types"]),
            observational_types=frozenset(data["observational_types"]),
            mesh=[(str(k), v) for k, v in data["mesh"]],
            text=[(design, re.compile(p, FLAGS | re.MULTILINE)) for design, p in data["text"]],
            title_first=frozenset(data["title_first"]),
            allocation=re.compile(data["allocation"], FLAGS),
            review_discourse=re.compile(data["review_discourse"], FLAGS),
            study_numbers=re.compile(data["study_numbers"]),
            animal=re.compile(data["animal"], FLAGS),
            human=re.compile(data["human"], FLAGS),
            in_vitro=re.compile(data["in_vitro"], FLAGS),
            human_mesh=data["human_mesh"],
            animal_mesh=data["animal_mesh"],
            notices_always=dict(data["notices"]["always"]),
            notices_unless_study=dict(data["notices"]["unless_study"]),
            notice_title=[(name, re.compile(p, FLAGS)) for name, p in data["notice_title"]],
        )

    @property
    def study_types(self) -> frozenset[str]:
        """Publication types that say the article reports or reviews research."""
        ranked = frozenset(name for name, _ in self.publication_types)
        return ranked | self.trial_types | self.observational_types


def mesh_descriptor(term: str) -> str:
    """'Otitis Media/*prevention & control' -> 'Otitis Media'; '*Magnesium' -> 'Magnesium'."""
    return term.split("/")[0].lstrip("*").strip()


class DesignClassifier:
    def __init__(self, rules: DesignRules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        title_end = doc._.title_length or 0
        text = doc_text(doc)
        title = text[:title_end]
        abstract = text[abstract_offset(title_end) :] if title_end else text
        design, source = self.classify(
            title,
            abstract,
            doc._.publication_types or [],
            doc._.mesh_terms or [],
            doc._.indexing_method,
        )
        notice = self.notice(title, doc._.publication_types or [])
        if notice is not None:
            design, source = "other", "publication_type" if doc._.publication_types else "text"
        doc._.design = design
        doc._.design_source = source
        doc._.notice = notice
        return doc

    def notice(self, title: str, publication_types: list[str]) -> str | None:
        """What kind of notice (retraction notice, erratum, editorial...) the record is, if it is not a study:
        `always` types win outright; the others, and a notice title, only without any study type."""
        for name in publication_types:
            if name in self.rules.notices_always:
                return self.rules.notices_always[name]
        if set(publication_types) & self.rules.study_types:
            return None
        for name in publication_types:
            if name in self.rules.notices_unless_study:
                return self.rules.notices_unless_study[name]
        for name, pattern in self.rules.notice_title:
            if pattern.search(title):
                return name
        return None

    def classify(
        self,
        title: str,
        abstract: str,
        publication_types: list[str],
        mesh_terms: list[str],
        indexing_method: str | None,
    ) -> tuple[Design, str]:
        """(design, source) where source is publication_type, mesh, text or default."""
        title_design = self.from_text(title, title_first_only=True)
        text_design = title_design or self.from_text(title, abstract)
        by_type = self.from_publication_types(publication_types, text_design)
        if by_type is not None:
            automated = (indexing_method or "").lower() == "automated"
            if automated and title_design is not None and title_design != by_type:
                return title_design, "text"
            return by_type, "publication_type"
        descriptors = [mesh_descriptor(t) for t in mesh_terms]
        by_mesh = self.from_mesh(descriptors)
        if by_mesh is not None and (
            by_mesh == "rct" or text_design in (None, "cohort", "cross_sectional", "case_control")
        ):
            return by_mesh, "mesh"
        if text_design is not None:
            return self._species(text_design, title, abstract, descriptors), "text"
        species = self._species("other", title, abstract, descriptors)
        return species, "text" if species != "other" else "default"

    def from_publication_types(self, types: list[str], text_design: Design | None) -> Design | None:
        present = set(types)
        for name, design in self.rules.publication_types:
            if name in present:
                return design
        if present & self.rules.trial_types:
            return "rct" if text_design == "rct" else "non_randomised_trial"
        if present & self.rules.observational_types and text_design in (
            "cohort",
            "cross_sectional",
            "case_control",
        ):
            return text_design
        return None

    def from_mesh(self, descriptors: list[str]) -> Design | None:
        present = set(descriptors)
        if self.rules.animal_mesh in present and self.rules.human_mesh not in present:
            return "animal"
        for name, design in self.rules.mesh:
            if name in present and design is not None:
                return design
        return None

    def from_text(self, title: str, abstract: str = "", *, title_first_only: bool = False) -> Design | None:
        """A title cue for an article type or an RCT wins; then participants allocated in this study
        (the trial's background may cite "a published meta-analysis"); otherwise the first design by
        priority in either field; failing all, a text that discusses without study numbers is a review."""
        for design, pattern in self.rules.text:
            if title and pattern.search(title) and (design in self.rules.title_first or design == "rct"):
                return design
        if title_first_only:
            return None
        if self.rules.allocation.search(abstract):
            return "rct"
        for design, pattern in self.rules.text:
            if pattern.search(title) or pattern.search(abstract):
                return design
        text = f"{title}\n{abstract}"
        if self.rules.review_discourse.search(text) and not self.rules.study_numbers.search(text):
            return "narrative_review"
        return None

    def _species(self, design: Design, title: str, abstract: str, descriptors: list[str]) -> Design:
        """Primary designs hold for people; animal and in-vitro work is named as such."""
        if design in ("meta_analysis", "systematic_review", "narrative_review", "case_report"):
            return design
        text = f"{title}\n{abstract}"
        if self.rules.human_mesh in descriptors:
            return design
        animals = len(self.rules.animal.findall(text))
        humans = len(self.rules.human.findall(text))
        if animals > humans:
            return "animal"
        if self.rules.in_vitro.search(text) and humans == 0:
            return "in_vitro"
        return design


@Language.factory("litwatch_design", default_config={"rules_file": "design.yaml"})
def make_design(nlp: Language, name: str, rules_file: str) -> DesignClassifier:
    return DesignClassifier(DesignRules.load(DATA / rules_file))
