"""What a nightly run reports: per topic the figures of each stage; for the night, who failed and why."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from litwatch.errors import LitwatchError


class ReportFiles(BaseModel):
    """Where a topic's report was written, in each format."""

    model_config = ConfigDict(frozen=True)

    md_path: Path
    html_path: Path
    json_path: Path


class TopicNight(BaseModel):
    """One topic's nightly run, in numbers."""

    model_config = ConfigDict(frozen=True)

    topic: str
    run_id: str
    searched: int
    new: int
    revised: int
    extracted: int
    new_relevant: int
    relevant: int
    flags: int
    flag_reasons: dict[str, int]
    verdicts: dict[str, str]
    reports: ReportFiles
    digest_status: str
    digest_path: str | None

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(self.flag_reasons.items()))
        return (
            f"{self.topic}: {self.new} new, {self.revised} revised, {self.new_relevant} new relevant "
            f"({self.relevant} relevant in all), {self.flags} flag(s){f' ({reasons})' if reasons else ''}; "
            f"digest {self.digest_status}."
        )


class TopicFailure(BaseModel):
    """A topic whose run failed, with the one-sentence reason."""

    model_config = ConfigDict(frozen=True)

    topic: str
    error: str


class NightlyResult(BaseModel):
    """Every topic of one nightly run: those that finished and those that failed."""

    model_config = ConfigDict(frozen=True)

    nights: list[TopicNight]
    failures: list[TopicFailure]

    def message(self) -> str:
        ok = f"{len(self.nights)} topic(s) done"
        if not self.failures:
            return f"{ok}."
        failed = "; ".join(f"{f.topic}: {f.error}" for f in self.failures)
        return f"{ok}, {len(self.failures)} failed ({failed})"


class NightlyRunFailed(LitwatchError):
    """Some topics of a nightly run failed; `result` holds what every topic did."""

    def __init__(self, result: NightlyResult) -> None:
        super().__init__(f"Nightly run finished with failures: {result.message()}.")
        self.result = result
