"""The catalog holds every exercise, routine and rule from the seeds, with the seeds' numbers."""

from __future__ import annotations

import dataclasses
import re

import pytest

from skill.domain.catalog import Catalog, Range

S0 = "000_323c424526996954.txt"
S1 = "001_bbe442e9a59b4850.txt"
S3 = "003_dd24d6ad20fa27d0.txt"
S4 = "004_50a5c3ec3777fee2.txt"

# The list, each with a name people use that must find it.
REQUIRED = {
    "ankle_pumps": ["ankle pumps", "ankle flexes"],
    "ankle_circles": ["ankle circles", "rotations"],
    "toe_raises": ["toe raises"],
    "heel_raises": ["heel raises"],
    "leg_slides": ["leg slides to the side", "leg sweeps"],
    "glute_squeezes": ["glute squeezes", "buttocks tightening"],
    "heel_slides": ["heel slides"],
    "pelvic_tilts": ["pelvic tilts", "pelvic tilt"],
    "abdominal_bracing": ["abdominal bracing", "draw in", "tummy hold"],
    "deep_breathing": ["deep breathing"],
    "seated_marching": ["seated marching"],
    "walking": ["walking"],
    "wall_slides": ["wall slides"],
    "bridging": ["bridging", "bridge"],
    "shoulder_blade_squeezes": ["shoulder blade squeezes"],
    "cat_cow": ["cat cow", "cat-cow"],
    "bird_dog": ["bird dog", "table top", "opposite arm and leg"],
    "superman": ["superman"],
    "calf_stretch": ["standing wall calf stretch", "calf stretch"],
    "hamstring_stretch_towel": ["supine hamstring stretch", "towel hamstring stretch"],
    "hamstring_stretch_hands": ["hands behind the thigh hamstring stretch"],
    "knee_to_chest": ["knee to chest", "supine lumbar flexion"],
    "piriformis_stretch": ["piriformis stretch", "knee to opposite shoulder"],
    "crossed_leg_buttock_stretch": ["crossed-leg buttock stretch"],
    "hip_flexor_stretch": ["kneeling hip flexor stretch"],
    "seated_lower_back_stretch": ["seated lower back stretch"],
    "prone_quad_stretch": ["prone quadriceps stretch", "quad stretch"],
    "side_lying_leg_lift": ["side lying leg lift", "side-lying leg lift with a pillow"],
    "seated_ball_squeeze": ["seated ball squeeze", "ball squeeze"],
    "chest_opener": ["chest opener"],
    "stationary_bike": ["stationary bike", "exercise bike"],
    "swimming": ["swimming", "water exercise"],
}


@pytest.mark.parametrize("exercise_id", sorted(REQUIRED))
def test_every_required_exercise_is_present_with_steps_and_sources(catalog: Catalog, exercise_id: str) -> None:
    exercise = catalog.exercise(exercise_id)
    assert exercise.steps and all(step.strip() for step in exercise.steps)
    assert exercise.position
    assert exercise.breathing
    assert exercise.sources and all(s in catalog.sources for s in exercise.sources)
    assert exercise.category in {"strengthening", "stretching", "circulation", "breathing", "aerobic"}
    for dosage in exercise.dosages:
        assert dosage.source in catalog.sources
        if not dosage.given:
            assert dosage.note, "a missing dosage must say so"
            assert (dosage.reps, dosage.hold_seconds, dosage.minutes) == (None, None, None)
    for spoken in REQUIRED[exercise_id]:
        found = catalog.find_exercise(spoken)
        assert found is not None and found.id == exercise_id, spoken


def test_steps_are_short_enough_to_speak(catalog: Catalog) -> None:
    for exercise in catalog.exercises.values():
        for step in exercise.steps:
            assert len(step) <= 160, (exercise.id, step)
            # one action per step: at most two sentences, and no lists inside a step
            assert len(re.findall(r"[.!?](\s|$)", step)) <= 2, (exercise.id, step)


def _dosage(catalog: Catalog, exercise_id: str, dosage_id: str | None = None) -> dict[str, object]:
    d = catalog.exercise(exercise_id).dosage(dosage_id)
    return {
        "source": d.source,
        "reps": d.reps,
        "hold": d.hold_seconds,
        "per_side": d.per_side,
        "sets": d.sets,
        "per_day": d.times_per_day,
        "minutes": d.minutes,
    }


def test_bridging_dosage_matches_seed(catalog: Catalog) -> None:
    # seed 001: "Hold for 5 seconds, then lower. Do 10-12 reps."
    assert _dosage(catalog, "bridging") == {
        "source": S1,
        "reps": Range(10, 12),
        "hold": Range(5, 5),
        "per_side": False,
        "sets": 1,
        "per_day": None,
        "minutes": None,
    }


def test_pelvic_tilts_dosage_matches_seed(catalog: Catalog) -> None:
    # seed 001: "Hold for 5-10 seconds, then relax. Do 10-15 reps."
    assert _dosage(catalog, "pelvic_tilts") == {
        "source": S1,
        "reps": Range(10, 15),
        "hold": Range(5, 10),
        "per_side": False,
        "sets": 1,
        "per_day": None,
        "minutes": None,
    }


def test_ankle_pumps_dosage_matches_seed(catalog: Catalog) -> None:
    # seed 001: "Repeat slowly for 10-15 reps per leg, 2-3 times a day."
    assert _dosage(catalog, "ankle_pumps") == {
        "source": S1,
        "reps": Range(10, 15),
        "hold": None,
        "per_side": True,
        "sets": 1,
        "per_day": Range(2, 3),
        "minutes": None,
    }


def test_towel_hamstring_stretch_dosage_matches_seed(catalog: Catalog) -> None:
    # seed 003: "Hold 20 seconds ... Repeat 3 times on each side. Perform 2 times per day."
    assert _dosage(catalog, "hamstring_stretch_towel") == {
        "source": S3,
        "reps": Range(3, 3),
        "hold": Range(20, 20),
        "per_side": True,
        "sets": 1,
        "per_day": Range(2, 2),
        "minutes": None,
    }


def test_knee_to_chest_keeps_both_seeds_dosages(catalog: Catalog) -> None:
    # seed 003: 20 s, 3 per side, twice a day; seed 004: 10-20 s, working up to 5 per side.
    assert _dosage(catalog, "knee_to_chest", "handout") == {
        "source": S3,
        "reps": Range(3, 3),
        "hold": Range(20, 20),
        "per_side": True,
        "sets": 1,
        "per_day": Range(2, 2),
        "minutes": None,
    }
    assert _dosage(catalog, "knee_to_chest", "lower_back") == {
        "source": S4,
        "reps": Range(1, 5),
        "hold": Range(10, 20),
        "per_side": True,
        "sets": 1,
        "per_day": None,
        "minutes": None,
    }
    lower_back = catalog.exercise("knee_to_chest").dosage("lower_back")
    assert lower_back.note and "work up to five" in lower_back.note
    uses = {
        routine.id: item.dosage
        for routine in catalog.routines.values()
        for item in routine.items
        if item.exercise == "knee_to_chest"
    }
    assert uses == {"week_six": "handout", "general_low_back": "handout", "long_term": "lower_back"}


def test_missing_dosages_are_marked_not_invented(catalog: Catalog) -> None:
    quad = catalog.exercise("prone_quad_stretch").dosage()
    assert not quad.given
    assert quad.note and "cut off" in quad.note
    for exercise_id in ("ankle_circles", "toe_raises", "heel_raises", "leg_slides", "calf_stretch", "bird_dog"):
        assert not catalog.exercise(exercise_id).dosage().given


def test_cat_cow_needs_clearance_and_others_mostly_do_not(catalog: Catalog) -> None:
    assert catalog.exercise("cat_cow").requires_clearance
    assert catalog.exercise("swimming").requires_clearance
    assert not catalog.exercise("bridging").requires_clearance


def test_every_routine_resolves(catalog: Catalog) -> None:
    assert set(catalog.routines) == {"in_hospital", "early", "mid", "week_six", "long_term", "general_low_back"}
    for routine in catalog.routines.values():
        assert routine.items
        for item in routine.items:
            catalog.exercise(item.exercise).dosage(item.dosage)  # raises if unresolved
        for alternative in routine.alternatives:
            catalog.exercise(alternative)


def test_in_hospital_routine_is_seed_000_list(catalog: Catalog) -> None:
    items = [i.exercise for i in catalog.routine("in_hospital").items]
    assert items == ["ankle_pumps", "ankle_circles", "toe_raises", "heel_raises", "leg_slides", "glute_squeezes"]


@pytest.mark.parametrize("week", range(53))
def test_each_week_maps_to_exactly_one_stage(catalog: Catalog, week: int) -> None:
    spans = [span for span in catalog.week_map if span.contains(week)]
    assert len(spans) == 1
    assert catalog.routine_for_week(week).id == spans[0].routine


def test_stage_boundaries(catalog: Catalog) -> None:
    expected = {
        0: "in_hospital",
        1: "early",
        2: "early",
        3: "mid",
        5: "mid",
        6: "week_six",
        26: "week_six",
        104: "week_six",
    }
    assert {week: catalog.routine_for_week(week).id for week in expected} == expected
    with pytest.raises(ValueError, match="negative"):
        catalog.routine_for_week(-1)


def test_guidance_has_the_safety_rules(catalog: Catalog) -> None:
    g = catalog.guidance
    assert "not a substitute for professional medical advice" in g.disclaimer.text
    assert "without holding your breath" in g.breathing_rule.text.lower()
    assert "pain spreading to the legs" in g.stop_rule.text and "stop" in g.stop_rule.text.lower()
    assert "surgeon" in g.stop_contact
    for topic in (
        "lifting",
        "twisting",
        "bending",
        "high_impact",
        "swimming",
        "cycling",
        "getting_out_of_bed",
        "sitting",
    ):
        assert g.topic(topic).text
    assert {g.emergency_number(loc) for loc in ("en-US", "en-CA")} == {"911"}
    assert (g.emergency_number("en-GB"), g.emergency_number("en-AU"), g.emergency_number("en-IN")) == (
        "999",
        "000",
        "112",
    )
    assert g.emergency_number("en-NZ") == "911"  # unknown English locale falls back to en-US
    severities = {s.id: s.severity for s in g.symptoms}
    for red_flag in (
        "leg_weakness",
        "bladder_bowel",
        "chest_pain",
        "breathing_trouble",
        "fall_injury",
        "emergency_help",
    ):
        assert severities[red_flag] == "emergency"
    assert severities["fever_wound"] == "surgeon_today"  # the surgeon's office today, not emergency services


def test_catalog_objects_are_immutable(catalog: Catalog) -> None:
    exercise = catalog.exercise("bridging")
    with pytest.raises(dataclasses.FrozenInstanceError):
        exercise.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.exercises["new"] = exercise  # type: ignore[index]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("bridjing", "bridging"),
        ("the bridge thing", "bridging"),
        ("piri formis", "piriformis_stretch"),
        ("tummy", "abdominal_bracing"),
        ("knee chest", "knee_to_chest"),
    ],
)
def test_closest_exercises_finds_sound_alikes(catalog: Catalog, words: str, expected: str) -> None:
    assert catalog.closest_exercises(words)[0].id == expected


def test_closest_exercises_offers_nothing_for_nonsense(catalog: Catalog) -> None:
    assert catalog.closest_exercises("xyzzy") == []
    assert catalog.closest_exercises("") == []


_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    10: "ten",
    12: "twelve",
    15: "fifteen",
    20: "twenty",
}


def test_every_dosage_number_appears_in_its_seed(catalog: Catalog) -> None:
    """Cross-check against ../shared/seeds when it is present: no number is invented."""
    from tests.conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip("seed documents are not beside this checkout (../shared/seeds)")
    for exercise in catalog.exercises.values():
        for dosage in exercise.dosages:
            if not dosage.given:
                continue
            text = (SEEDS / dosage.source).read_text()
            numbers = {
                n
                for rng in (dosage.reps, dosage.hold_seconds, dosage.times_per_day, dosage.minutes)
                if rng is not None
                for n in {rng.min, rng.max}
            }
            if dosage.work_up_to:
                numbers.discard(1)  # the seed gives no starting number; the note says so
            for number in numbers:
                spelled = [rf"\b{number}\b", rf"\b{_WORDS.get(number, '@')}\b"]
                if number == 1:
                    spelled.append(r"\ba second\b")
                assert any(re.search(p, text, re.IGNORECASE) for p in spelled), (exercise.id, dosage.id, number)
