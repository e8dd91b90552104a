"""Sentences a report is made of, generated deterministically from the data: what is unknown is left out.

e.g. "A randomised controlled trial of 3 mg/day in 18 children with autism found a significant
decrease in sleep onset latency (mean difference -28; p = 0.0001) [PMID 19968048]."
"""

from __future__ import annotations

from collections.abc import Sequence

from litwatch.evidence.models import Dose, Finding, OutcomeStudy, OutcomeSummary, dose_bounds
from litwatch.evidence.tiers import DESIGN_LABELS, TIER_LABELS, is_human
from litwatch.evidence.verdict import SMALL_STUDY, rule_text


def number(value: float) -> str:
    """Plain decimal, no trailing zeros, no exponent: 17.4, 0.0001, 320."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number_range(low: float, high: float) -> str:
    """ "320" or "320-729"."""
    return number(low) if low == high else f"{number(low)}-{number(high)}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def _article(phrase: str) -> str:
    return f"{'An' if phrase[:1].lower() in 'aeiou' else 'A'} {phrase}"


# How a stated amount's `per` reads after its unit ("30 mg/kg"); a dose without one is per dose.
PER_WORDS = {"day": "/day", "kg": "/kg", "kg_day": "/kg/day", "week": "/week", "hour": "/hour"}


def stated_amount(dose: Dose) -> str:
    """ "3 mg", "30 mg/kg", "1-2 g/hour": the amount as the abstract gave it, or "" without one."""
    if dose.amount_low is None or not dose.unit:
        return ""
    high = dose.amount_high if dose.amount_high is not None else dose.amount_low
    return f"{number_range(dose.amount_low, high)} {dose.unit}{PER_WORDS.get(dose.per or '', '')}"


def dose_phrase(doses: Sequence[Dose]) -> str:
    """ "320-729 mg/day" over the study's normalised doses; without one, the amounts as stated
    ("3 mg melatonin (dosing frequency not stated)"); "" when the abstract gives no amount."""
    forms = sorted({d.form for d in doses if d.form})
    form = f" {forms[0]}" if len(forms) == 1 else ""
    bounds = dose_bounds(doses)
    if bounds is not None:
        return f"{number_range(*bounds)} mg/day{form}"
    amounts = [(dose, text) for dose in doses if (text := stated_amount(dose))]
    if not amounts:
        return ""
    stated = list(dict.fromkeys(text for _, text in amounts))
    # A dose per administration says nothing of how often it was taken; a rate or daily amount does.
    unknown_frequency = any(dose.per in (None, "dose", "kg") for dose, _ in amounts)
    caveat = " (dosing frequency not stated)" if unknown_frequency else ""
    return f"{' or '.join(stated)}{form}{caveat}"


def who_phrase(study: OutcomeStudy) -> str:
    """ "in 36 children with autism", "in 12 participants", "in older adults", or ""."""
    who = next((p.describe() for p in study.populations if p.describe()), "")
    if study.sample_size and is_human(study.tier):
        return f" in {study.sample_size} {who or 'participants'}"
    return f" in {who}" if who else ""


def p_phrase(value: float, relation: str | None) -> str:
    """ "p = 0.03", "p < 0.05" as the abstract stated it ("P < .05" is not "p = 0.05"); below 0.001,
    "p < 0.001" whatever the digits."""
    if value < 0.001 and relation != ">":
        return "p < 0.001"
    return f"p {relation or '='} {number(value)}"


# The estimate kinds the findings step names, as a report writes them; other kinds are shown as stored.
EFFECT_KIND_WORDS = {
    "mean_difference": "mean difference",
    "smd": "SMD",
    "odds_ratio": "OR",
    "risk_ratio": "RR",
    "hazard_ratio": "HR",
    "percentage": "change %",
}


def _statistics(finding: Finding) -> str:
    parts = []
    if finding.effect_size is not None:
        kind = EFFECT_KIND_WORDS.get(finding.effect_kind or "", finding.effect_kind or "effect size")
        parts.append(f"{kind} {number(finding.effect_size)}")
    if finding.ci_low is not None and finding.ci_high is not None:
        parts.append(f"95% CI {number(finding.ci_low)} to {number(finding.ci_high)}")
    if finding.p_value is not None:
        parts.append(p_phrase(finding.p_value, finding.p_relation))
    return f" ({'; '.join(parts)})" if parts else ""


def result_phrase(effect: str, finding: Finding, outcome: str, better: str = "higher") -> str:
    """What the study found about the outcome, in words, without the numbers. A change measured on a
    scale that runs the other way (a lower PSQI is a better sleep quality) is said as the improvement or
    worsening it is, not as a "decrease in sleep quality"."""
    change = finding.direction if finding.direction in ("increase", "decrease") else None
    if effect == "null" or finding.significant is False or finding.direction == "no_change":
        return f"no significant difference in {outcome}"
    if change and finding.significant:
        if effect in ("benefit", "harm") and ((change == "increase") == (better == "higher")) != (
            effect == "benefit"
        ):
            verdict = "improvement in" if effect == "benefit" else "worsening of"
            return f"a significant {verdict} {outcome} (its measure {change}d)"
        return f"a significant {change} in {outcome}"
    if change:
        return f"{_article(change).lower()} in {outcome} (significance not reported)"
    if effect == "benefit":
        return f"an improvement in {outcome}"
    if effect == "harm":
        return f"a worsening of {outcome}"
    if finding.significant:
        return f"a significant change in {outcome}, direction not stated"
    return f"no clear direction for {outcome}"


def finding_sentence(study: OutcomeStudy, outcome: OutcomeSummary) -> str:
    """One sentence with the study's design, size, population, dose, result, numbers and PMID."""
    dose = dose_phrase(study.doses)
    subject = _article(DESIGN_LABELS[study.design]) + (f" of {dose}" if dose else "") + who_phrase(study)
    result = result_phrase(study.effect, study.finding, outcome.name, outcome.better) + _statistics(
        study.finding
    )
    concern = " (an expression of concern is attached)" if study.concern else ""
    return f"{subject} found {result}{concern} [PMID {study.pmid}]."


def caveats(outcome: OutcomeSummary) -> list[str]:
    """What limits the verdict: few trials, small or unreported samples, who was studied, exclusions."""
    human = [s for s in outcome.studies if is_human(s.tier)]
    notes = []
    if outcome.studies and not human:
        notes.append("only animal, in vitro or anecdotal evidence; none of it decides the verdict")
    trials = [s for s in human if s.tier <= 2]
    if human and not trials:
        notes.append("no randomised evidence: non-randomised or observational studies only")
    elif 0 < sum(1 for s in trials if s.design == "rct") <= 2 and not any(s.tier == 1 for s in trials):
        notes.append(f"few RCTs: {plural(sum(1 for s in trials if s.design == 'rct'), 'RCT')}")
    sizes = [s.sample_size for s in human if s.sample_size]
    if sizes and max(sizes) < SMALL_STUDY:
        notes.append(f"small samples: the largest study has {max(sizes)} participants")
    if outcome.studies_without_sample_size:
        notes.append(
            f"{plural(outcome.studies_without_sample_size, 'study', 'studies')} did not report a sample size"
        )
    if human:
        studied = "; ".join(outcome.populations) if outcome.populations else "not described in the abstracts"
        notes.append(f"populations studied: {studied}")
    if outcome.counts.unclear:
        notes.append(f"{plural(outcome.counts.unclear, 'finding')} without a clear direction not counted")
    notes.extend(f"expression of concern on PMID {s.pmid}" for s in outcome.studies if s.concern)
    if outcome.excluded:
        pmids = ", ".join(str(e.pmid) for e in outcome.excluded)
        notes.append(
            f"{plural(len(outcome.excluded), 'retracted study', 'retracted studies')} excluded (PMID {pmids})"
        )
    if outcome.kind == "mechanistic" and outcome.studies:
        notes.append("a mechanistic outcome: a change here is not a clinical benefit by itself")
    return notes


def conclusion_statement(outcome: OutcomeSummary) -> str:
    """The verdict for one outcome in a sentence or two, with the evidence behind it."""
    if not outcome.studies:
        return f"Insufficient evidence: no study measured {outcome.name}."
    v = outcome.verdict
    counts = outcome.counts
    lead = (
        f"{outcome.name[:1].upper()}{outcome.name[1:]}: {v.label} ({v.strength} certainty; rule {v.rule_id}: "
    )
    body = (
        f"{rule_text(v.rule_id)}). {plural(len(outcome.studies), 'study', 'studies')}"
        + (f" with {outcome.participants} participants" if outcome.participants else "")
        + f": {counts.benefit} benefit, {counts.null} null, {counts.harm} harm"
        + (f", {counts.unclear} unclear." if counts.unclear else ".")
    )
    best = f" Best evidence: {TIER_LABELS[v.deciding_tier]}" if v.deciding_tier else ""
    strongest = f" (strongest: PMID {outcome.strongest_pmid})." if outcome.strongest_pmid else "."
    return lead + body + (best + strongest if best else "")
