"""Dose component: amounts, units, ranges, frequency, duration, compound and mg/day normalisation."""

from __future__ import annotations

import pytest

from extractors.models import DoseAttrs
from tests.extract_support import labelled, run


def amounts(text: str) -> list[DoseAttrs]:
    doc = run(text)
    return [span._.dose for span in doc.spans["dose"] if span.label_ == "amount"]


def test_amount_unit_frequency_and_duration() -> None:
    doc = run("Participants received 500 mg magnesium oxide twice daily for 8 weeks.")
    assert labelled(doc, "dose", "amount") == ["500 mg"]
    dose = doc.spans["dose"][0]._.dose
    assert (dose.amount_low, dose.unit, dose.frequency_per_day, dose.duration_days) == (500, "mg", 2, 56)
    assert dose.compound == "magnesium oxide"
    assert dose.mg_per_day_low == 1000


def test_range_is_kept_as_a_range() -> None:
    [dose] = amounts("Elemental magnesium 320–729 mg/day was given.")
    assert (dose.amount_low, dose.amount_high, dose.per) == (320, 729, "day")
    assert (dose.mg_per_day_low, dose.mg_per_day_high) == (320, 729)
    assert dose.elemental is True


def test_glued_range_and_unit_are_split_by_the_tokenizer() -> None:
    doc = run("They took 320-729mg daily.")
    assert labelled(doc, "dose", "amount") == ["320-729mg"]


@pytest.mark.parametrize(
    ("text", "per_day"),
    [
        ("250 mg three times a day", 3),
        ("250 mg TID", 3),
        ("250 mg b.i.d.", 2),
        ("250 mg once daily", 1),
        # the interval between doses
        ("250 mg every 8 hours", 3),
        ("250 mg every six hours", 4),
        ("250 mg q12h", 2),
        ("250 mg every other day", 0.5),
    ],
)
def test_frequency_words_and_abbreviations(text: str, per_day: float) -> None:
    [dose] = amounts(f"Patients took {text} for 4 weeks.")
    assert dose.frequency_per_day == per_day
    assert dose.mg_per_day_low == 250 * per_day


def test_mmol_of_magnesium_becomes_mg_with_its_molar_mass() -> None:
    [dose] = amounts("Subjects received 12.4 mmol magnesium per day.")
    assert dose.mg_per_day_low == pytest.approx(12.4 * 24.305, rel=1e-4)


def test_mmol_of_another_substance_is_not_converted() -> None:
    [dose] = amounts("Subjects received 20 mmol potassium per day.")
    assert dose.unit == "mmol"
    assert dose.mg_per_day_low is None


def test_grams_and_micrograms_normalise_to_mg() -> None:
    grams, micrograms = amounts("They took 1 g daily and 500 µg daily.")
    assert grams.mg_per_day_low == 1000
    assert micrograms.mg_per_day_low == 0.5


def test_per_kg_dose_has_no_mg_per_day() -> None:
    [dose] = amounts("Magnesium sulfate 30 mg/kg was infused.")
    assert dose.per == "kg"
    assert dose.mg_per_day_low is None


@pytest.mark.parametrize(
    "text",
    [
        "Serum magnesium was 0.8 mmol/L at baseline.",
        "Patients aged 65 years were included (p<0.05).",
        "We enrolled 120 patients.",
        "Plasma magnesium levels of 2 mg/dL were normal.",
        "A 20 G needle was used.",
    ],
)
def test_lab_values_ages_p_values_and_counts_are_not_doses(text: str) -> None:
    assert amounts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Two hundred patients aged 40-75 years received magnesium 300 mg.",
        "Mice received magnesium 100 mg, 50 days post-infection.",
        "Patients received cisplatin 50 mg every 3 weeks.",
    ],
)
def test_ages_intervals_and_time_points_are_not_durations(text: str) -> None:
    [dose] = amounts(text)
    assert dose.duration_days is None


def test_a_cycle_interval_is_a_frequency_and_the_duration_its_own() -> None:
    [dose] = amounts("Patients aged 18-55 years received daclizumab 300 mg every 4 weeks for 52 weeks.")
    assert (dose.frequency_per_day, dose.duration_days) == (pytest.approx(1 / 28, abs=1e-6), 364)


def test_duration_in_days_from_months() -> None:
    [dose] = amounts("Melatonin 3 mg nightly for 3 months improved sleep.")
    assert dose.duration_days == pytest.approx(91.32)
    assert dose.frequency_per_day == 1


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("Magnesium sulfate was infused at 1 g/h for 24 hours.", "hour"),
        ("Magnesium 2 g per hour was given.", "hour"),
        ("Dexmedetomidine 0.5 µg kg-1 h-1 was infused.", "kg"),
        ("Magnesium sulphate 30 mg kg(-1) was given.", "kg"),
    ],
)
def test_infusion_notations_name_what_the_dose_is_per(text: str, per: str) -> None:
    [dose] = amounts(text)
    assert dose.per == per
    assert dose.mg_per_day_low is None


@pytest.mark.parametrize(
    "text",
    [
        "Morphine consumption was 12.4 mg in the magnesium group.",
        "Insulin requirements of 40 U were lower.",
        "Mean intake was 310 ± 45 mg in both groups.",
    ],
)
def test_drug_counted_as_an_outcome_and_spreads_are_not_doses(text: str) -> None:
    assert amounts(text) == []
