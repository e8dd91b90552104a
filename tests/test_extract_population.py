"""Population component: sample size (totals, arms summed, pooled), age, sex, condition, setting."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from extractors.components.participant_sentences import ParticipantSentences
from extractors.components.population import DATA, PopulationExtractor, PopulationLexicon
from extractors.models import PopulationAttrs
from tests.extract_support import labelled, run

RULES = PopulationExtractor(PopulationLexicon.load(DATA / "population.yaml"), participant_sentences=None)


def rules_only(abstract: str) -> Doc:
    """The population rules on every sentence (no participant-sentence classifier), for the phrase forms."""
    return RULES(run(abstract))


def test_total_randomised_is_the_sample_size() -> None:
    doc = run("A total of 46 elderly subjects were randomized. 20 of the 46 completed the study.")
    assert doc._.sample_size == 46


def test_arms_are_summed_when_no_total_is_given() -> None:
    doc = run("Patients were assigned to magnesium (n = 30) or placebo (n = 32).")
    assert doc._.sample_size == 62


def test_arms_after_an_allocation_are_summed() -> None:
    doc = run("Overall 266 patients were randomly assigned to GT and 263 to paclitaxel.")
    assert doc._.sample_size == 529


def test_meta_analysis_reports_the_pooled_total() -> None:
    doc = run("Twelve trials involving 1,234 participants were included; the largest had 300 patients.")
    assert doc._.sample_size == 1234


def test_number_words_are_counts() -> None:
    doc = run("Seventy-three children were enrolled.")
    assert doc._.sample_size == 73


def test_years_are_not_counts() -> None:
    doc = run("Patients treated between 2012 and 2013 were enrolled.")
    assert doc._.sample_size is None


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # The pool a sentence divides is the total, not its first part.
        ("Of the 885 patients, 442 were assigned to high dose and 443 to conventional dose.", 885),
        # Thousands split by a plain space before a people noun.
        ("A total of 266 064 women had been randomly assigned to BSE or control.", 266064),
        # A sentence-initial number whose noun is an unknown abbreviation.
        ("Forty-six postmenopausal BCS (stage I-II, off treatment) were randomized to exercise.", 46),
        # Two groups listed in turn add up.
        ("Fifty patients were treated with docetaxel, and 51 patients were treated with paclitaxel.", 101),
        ("We randomly assigned 78 patients to drug A and 78 patients to drug A plus drug B.", 156),
        # A case-control study's cases and controls; several n = in one sentence are its arms.
        ("We recruited 756 incident breast cancer cases and 789 hospital controls.", 1545),
        ("Women were randomized to the intervention (N = 71) or usual care (N = 34).", 105),
        # Two arms in one breath; arms listed after an allocation or an inclusion; not "N in each group".
        ("The TC6 and T-FEC group consisted of 22 and 21 patients, respectively.", 43),
        ("Thirty-seven and 36 patients were assigned to the control and the experimental groups.", 73),
        ("The analysis included 23 patients in the RA arm and 24 patients in the SA arm.", 47),
        ("Forty-two patients were randomized to arm A and 40 were randomized to arm B.", 82),
        (
            "A total of 187 patients were assigned to A (n = 95) or B (n = 92), and 87 patients in each "
            "group completed.",
            187,
        ),
        (
            "Participants were randomized to control (<75 minutes per week; 41 patients), low-dose "
            "exercise (150 minutes per week; 38 patients), or high-dose exercise (300 minutes per week; "
            "37 patients) groups.",
            116,
        ),
        # A count that the later counts of its sentence add up to is their total; an outcome's count is not.
        ("Women (N=13388) were randomly assigned to receive placebo (n=6707) or tamoxifen (n=6681).", 13388),
        (
            "A total of 216 patients were randomised. After 38 months, 71 patients (33%) relapsed or died: "
            "DD, 33 patients; CS, 38 patients.",
            216,
        ),
        # An enrolment verb or participle before the number, whatever the noun; a section label before it.
        ("The CPTD Screening Trial enrolled 1905 community-dwelling Medicare beneficiaries.", 1905),
        ("Of 299 enrolled patients, 127 patients treated with duloxetine were evaluable.", 299),
        ("Methods: Two hundred and forty-one Latinas with breast cancer were randomized.", 241),
        # Ages are not counts; a rate's denominator is not a count.
        ("Subjects between the ages of 18 and 65 were enrolled.", None),
        ("The incidence was 4.30 per 1000 women-years with raloxifene.", None),
        # An allocation without an auxiliary and its further arms; a pair named as the arms.
        ("Adults were recruited, with 79 allocated to group A and 81 to the control group.", 160),
        ("Women were recruited (818 and 756 in the 4-HPR and control arm, respectively).", 1574),
        # A total cue or a trial's population before any noun; digits only after "a study of".
        ("A sample of 141 Spanish-speaking Latinas was randomly assigned to one of three arms.", 141),
        ("We conducted a randomized controlled trial in 71 BCS within 5 years of menopause.", 71),
        ("This is a study of two taxanes and cisplatin.", None),
        # Two groups of one enrolment; the part that a verb counts; completers are not the total.
        ("580 intervention and 655 control women completed follow-up interviews.", 1235),
        (
            "Twenty-six patients with breast cancer (mean, 20 months postchemotherapy) and 10 healthy women "
            "were studied.",
            36,
        ),
        ("From 1981 to 1999, 68 (62%) of 109 patients with distant metastases were recruited.", 68),
        ("The trial stopped after 74 of the planned 92 patients were enrolled.", 74),
        ("Only 16 patients in the first stage were enrolled.", 16),
        ("This was a trial of 129 women. A total of 94 women completed 5-year follow-up.", 129),
        # One arm's size; an arm's "n =" that the people counts after it add up to.
        ("We did a randomized study of 100 women (with 50 patients in each group).", 100),
        ("In this subgroup (n = 48) 27 patients received IORT, 21 patients had standard radiotherapy.", 48),
        # Dates and punctuation-space thousands.
        ("Trial registration: ISRCTN91372184. Registered 28 September 2014.", None),
        ("26\u2008054 women were eligible for this analysis.", 26054),
        # Randomised beats completers, wherever the completers are named.
        ("Ninety-eight patients completed the 12-week study. Overall, 120 patients were randomized.", 120),
        # Two groups' result denominators are the arms, where nothing else counts the people; a stated
        # total (also "a total sample of") or another count of people wins.
        ("Relapse occurred in 62 (27%) of 231 patients with epoetin and 63 (27%) of 232 with control.", 463),
        ("The endpoint was met in 10 of 36 patients in arm A and 4 of 19 patients in arm B.", 55),
        (
            "From a total sample of 247 patients, 14 withdrew. Recurrence: 1 (1%) of 108 control "
            "subjects and 3 (2.5%) of 119 experimental patients.",
            247,
        ),
        ("Thirty women had surgery. Pain resolved in 10 of 15 with drug A versus 4 of 15 with placebo.", 30),
        ("Response was seen in 10 of 36 patients and toxicity in 12 of 36 patients.", 36),
        # Those of an arm with an event are not its size; the arms' "n =" are.
        (
            "Patients received TX/CEX (n = 753) or T/CEF (n = 747). Fifty-six patients assigned to TX/CEX "
            "died during follow-up.",
            1500,
        ),
        ("Forty patients assigned to group A were included.", 40),
        # The "(n = ...)" of the people a trial studied beats its arms' in a later sentence.
        (
            "This was a trial of a consecutive series of breast cancer patients (n = 96). Patients were "
            "randomized to A (n = 23), B (n = 26) or C (n = 27); a fourth arm had D (n = 20).",
            96,
        ),
        (
            "Postmenopausal women (N = 14) with breast cancer took part. Ki67 fell: Arm 1 69% (n = 2), "
            "Arm 2 96% (n = 6), Arm 3 92% (n = 3).",
            14,
        ),
        # A planned sample is a target; the part of it reached is the sample.
        ("Accrual was terminated at 338 of 2,150 planned patients because of loss of funding.", 338),
        (
            "Accrual fell short of a total of 200 planned patients. Patients were assigned to A (n = 40) "
            "or B (n = 41).",
            81,
        ),
        # A cluster trial's units are not its participants; people counted beside the units still are.
        ("Cluster-randomized trial of 12 primary care practices. We randomised 24 secondary schools.", None),
        ("A trial of 40 women from 12 general practices.", 40),
        # An arm's size stated as what the arm had; the study group's is the whole sample.
        ("The weekly arm had 52 assessable patients; the every-3-weeks arm had 51 assessable patients.", 103),
        ("The study group consisted of 120 patients with insomnia.", 120),
        # A sample counted by sex is summed; a total beside its breakdown stays the total.
        ("Subjects (128 boys, 21 girls) had a mean age of 9.3 years.", 149),
        ("We enrolled 30 men and 28 women with insomnia.", 58),
        ("Swimmers (three females and six males; aged 21-26 yr) performed time trials.", 9),
        ("We studied 76 patients (26 men and 50 women) with cirrhosis.", 76),
        # Parts of people counted: the people are the sample.
        ("RESULTS: A total of 181 eyes of 167 patients were included in the final analysis.", 167),
        ("A trial of argon laser trabeculoplasty was carried out on 48 eyes of 30 patients.", 30),
    ],
)
def test_sample_size_rules(abstract: str, expected: int | None) -> None:
    assert run(abstract)._.sample_size == expected


def test_age_range_and_group() -> None:
    doc = rules_only("We studied children aged 5 to 12 years.")
    [age] = [s for s in doc.spans["population"] if s.label_ == "age"]
    assert age.text == "children aged 5 to 12 years"
    attrs: PopulationAttrs = age._.population
    assert (attrs.age_low, attrs.age_high, attrs.age_group) == (5, 12, "children")


@pytest.mark.parametrize(
    ("abstract", "span"),
    [
        (
            "The median age was 52.6 (SD = 10.1) years (range, 21-76).",
            "52.6 (SD = 10.1) years (range, 21-76)",
        ),
        ("Women > or = 60 years were eligible.", "> or = 60 years"),
        ("Women between 33 and 46 years were eligible.", "between 33 and 46 years"),
        ("Participants were 53.8 ± 8.2 years old.", "53.8 ± 8.2 years"),
        ("Women older than 60 were eligible.", "older than 60"),
        ("Patients aged 65 and over were included.", "aged 65 and over"),
        ("Adults aged 18 years or older were enrolled.", "aged 18 years or older"),
        ("Participants were on average 46.2 (SD = 11.4) years old.", "46.2 (SD = 11.4) years old"),
        ("We recruited 39 women [mean age (y) 51.9 ± 8.8].", "51.9 ± 8.8"),
        ("Baseline mean [SD] age was 63.4 (7.2) years.", "63.4 (7.2) years"),
    ],
)
def test_age_value_forms(abstract: str, span: str) -> None:
    assert span in labelled(rules_only(abstract), "population", "age")[0]


@pytest.mark.parametrize(
    "abstract",
    [
        "Patients were followed for 10 to 15 years after surgery.",
        "Women who had completed ≥4 years of endocrine therapy were eligible.",
        "Women who were menopausal for >1 year took part.",
        "Survivors treated for at least 5 years were included.",
        "Most patients had Child-Pugh A cirrhosis.",
    ],
)
def test_durations_and_names_are_not_ages(abstract: str) -> None:
    assert labelled(rules_only(abstract), "population", "age") == []


def test_mean_age() -> None:
    doc = rules_only("Mean age was 65.2 ± 3.1 years.")
    [span] = [s for s in doc.spans["population"] if s.label_ == "age"]
    assert span.text == "65.2 ± 3.1 years"  # the figure; "Mean age was" sets age_mean
    assert span._.population.age_mean == 65.2


def test_sex_mentions_are_normalised() -> None:
    doc = rules_only("Postmenopausal women and men took part.")
    sexes = {s._.population.sex for s in doc.spans["population"] if s.label_ == "sex"}
    assert sexes == {"female", "male"}


def test_condition_after_patients_with() -> None:
    doc = rules_only("Adults with primary insomnia were recruited from primary care.")
    assert "primary insomnia" in labelled(doc, "population", "condition")
    assert labelled(doc, "population", "setting") == ["primary care"]


@pytest.mark.parametrize(
    ("abstract", "condition"),
    [
        ("Forty-one migraine subjects were randomised.", "migraine"),
        ("Patients with advanced head and neck cancer were enrolled.", "advanced head and neck cancer"),
        ("Sixty adults with type 2 diabetes mellitus were randomised.", "type 2 diabetes mellitus"),
        ("We randomised 40 asthmatic children to budesonide or placebo.", "asthmatic"),
        ("Children scheduled for elective adenotonsillectomy were enrolled.", "elective adenotonsillectomy"),
    ],
)
def test_condition_phrases(abstract: str, condition: str) -> None:
    assert labelled(rules_only(abstract), "population", "condition") == [condition]


@pytest.mark.parametrize(
    ("abstract", "conditions"),
    [
        # A condition ends on a disease word; an intervention named after it is not part of it.
        (
            "Eighty-four women with breast cancer were randomised to mindfulness-based stress reduction.",
            ["breast cancer"],
        ),
        # A phrase after "women with" that names no disease is no condition.
        ("Women with extremity volume among survivors were measured.", []),
        ("We enrolled women with mindfulness-based stress reduction experience.", []),
        # Before a people noun: not a verb whose object the people are, nor "patient-" of a compound.
        ("Exercise benefits patients with cancer, but trials in them are few.", ["cancer"]),
        ("In all, 269 participants completed patient-reported outcomes at every visit.", []),
        # A lone participle before a people noun says what was done to or by them, unless a condition.
        ("Placebo-treated patients and community-dwelling adults were compared.", []),
        ("HIV-infected patients were randomised.", ["HIV-infected"]),
        # A section label run into the text ("METHODS Patients with asthma") is no condition.
        ("METHODS Patients with asthma were randomised.", ["asthma"]),
        # Cut back to its last disease word; an "of" part only when a clean boundary follows it.
        (
            "Sixty women with breast cancer-related lymphedema of the upper extremity volume among the arms "
            "were randomized.",
            ["breast cancer-related lymphedema"],
        ),
        ("Women with cancer of the cervix were included.", ["cancer of the cervix"]),
        ("Patients with chronic hepatitis C were treated.", ["chronic hepatitis C"]),
        # A disease word that modifies the noun after it is not a condition ("pain scores").
        ("Adults reported pain scores and stress management skills.", []),
        ("Sixty adults with NIDDM were randomised.", ["NIDDM"]),
        # A procedure after "undergoing" needs no disease word, when it is short and ends cleanly.
        ("Women undergoing IVF were randomised.", ["IVF"]),
        # Where people come from is not what they have.
        ("We randomised 336 Danish breast cancer patients.", ["breast cancer"]),
        ("Patients awaiting kidney transplantation were randomised.", ["kidney transplantation"]),
        # A grade joins only after its kind: the ASA physical status rates fitness for anaesthesia.
        ("Sixty ASA physical status I-II patients were randomised.", []),
        ("Forty ASA I or II women with chronic pain were enrolled.", ["chronic pain"]),
        ("Forty type II diabetic patients were randomised.", ["type II diabetic"]),
    ],
)
def test_condition_spans_end_on_a_disease_word(abstract: str, conditions: list[str]) -> None:
    assert labelled(rules_only(abstract), "population", "condition") == conditions


def test_a_condition_is_the_participants_only_where_a_people_noun_ties_it_to_them() -> None:
    doc = rules_only(
        "A home-based exercise program to improve function, fatigue, and sleep quality in patients with "
        "Stage IV lung and colorectal cancer: a randomized controlled trial."
    )
    conditions = [s for s in doc.spans["population"] if s.label_ == "condition"]
    ties = {s.text: s._.population.participants_condition for s in conditions}
    assert ties == {"fatigue": False, "Stage IV lung and colorectal cancer": True}


def test_a_condition_is_lower_cased_but_for_acronyms_and_numerals() -> None:
    doc = rules_only("Patients with Stage IV HIV-associated Lymphoma or hepatitis A were randomised.")
    conditions = [s._.population.condition for s in doc.spans["population"] if s.label_ == "condition"]
    assert conditions == ["stage IV HIV-associated lymphoma or hepatitis A"]
    doc = rules_only("Patients with Mild Parkinson's Disease were randomised.")
    conditions = [s._.population.condition for s in doc.spans["population"] if s.label_ == "condition"]
    assert conditions == ["mild Parkinson's disease"]


def test_a_condition_named_by_its_abbreviation_reads_as_the_long_form() -> None:
    doc = run(
        "BACKGROUND: Bright light may help in Parkinson's disease (PD).\nMETHODS: Thirty-six PD patients "
        "aged 50-80 years were randomised to bright light or dim light.",
        title="Light therapy in PD",
    )
    spans = [s for s in doc.spans["population"] if s.label_ == "condition"]
    assert {s.text: s._.population.condition for s in spans}["PD"] == "Parkinson's disease"


def test_abbreviation_defined_after_a_condition_is_one_mention() -> None:
    doc = rules_only("Patients with coronary artery disease (CAD) were randomised.")
    assert labelled(doc, "population", "condition") == ["coronary artery disease", "CAD"]


def test_descriptors_only_where_participants_are_described() -> None:
    """Age, sex and condition in a sentence describing the participants are kept; a disease named in the
    background or the results is not the population's condition."""
    doc = run(
        "Insomnia is common in heart failure. Sixty adults with chronic primary insomnia were randomised to "
        "magnesium or placebo. Sleep efficiency improved more with magnesium than with placebo (p = 0.03)."
    )
    assert labelled(doc, "population", "condition") == ["chronic primary insomnia"]
    assert labelled(doc, "population", "age") == ["adults"]
    assert labelled(rules_only(doc.text), "population", "condition")[0] == "Insomnia"


def test_an_age_summary_counts_wherever_it_stands() -> None:
    doc = run(
        "Sixty adults with chronic primary insomnia were randomised to magnesium or placebo. Sleep "
        "efficiency improved more with magnesium (p = 0.03). The mean age of the patients was 52.6 (10.1) "
        "years."
    )
    ages = [s for s in doc.spans["population"] if s.label_ == "age"]
    assert [s.text for s in ages] == ["adults", "52.6 (10.1) years"]
    assert ages[1]._.population.age_mean == 52.6


def test_participant_sentences_model_is_deterministic_and_bounded() -> None:
    gate = ParticipantSentences.load(DATA / "participant_sentences.json")
    text = "Sixty adults with asthma were randomised. FEV1 improved."
    ranges = [(0, 40), (41, len(text))]
    assert gate.flags(text, ranges, 0) == [True, False]
    assert 0.0 < gate.probability(["bias"]) < 1.0


@pytest.mark.parametrize(
    ("abstract", "sex"),
    [
        ("We randomised 120 participants (65% women) with insomnia.", "mixed"),
        ("A total of 200 adults (women, 58.5%) were randomised.", "mixed"),
        ("Data came from 18 children who completed the study (11 males, age range 2 to 15 years).", "mixed"),
        ("We randomised 120 women with insomnia.", "female"),
        ("Sixty women were randomised (30 women per arm).", "female"),
        ("A total of 40 children (40 boys) were randomised.", "male"),
    ],
)
def test_a_sex_word_counting_part_of_the_participants_is_mixed(abstract: str, sex: str) -> None:
    doc = rules_only(abstract)
    assert {s._.population.sex for s in doc.spans["population"] if s.label_ == "sex"} == {sex}
