"""The built-in exercise pack: it validates, covers every group, pairs up, and reads safely."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib import resources

import pytest
from fakes import sample_exercises

from traybreak.catalog.load import BUILTIN_FILES, load_builtin
from traybreak.catalog.validate import check_pack, plausible_seconds
from traybreak.core.model import Exercise, Kind, Setting
from traybreak.core.muscles import GROUPS, PATTERNS, Side

PACK = load_builtin()
BY_ID = {ex.id: ex for ex in PACK}

# The muscle groups issue 4 asks the pack to cover, by the kind that should serve them.
STRETCHED = ("hip_flexors", "hamstrings", "piriformis", "chest", "upper_traps", "lats",
             "quadratus_lumborum", "calves", "wrist_flexors", "neck", "thoracic_spine")
STRENGTHENED = ("glute_max", "glute_med", "deep_core", "obliques", "rhomboids", "lower_traps",
                "deep_neck_flexors", "spinal_erectors")
RELAXED = ("breathing", "whole_body", "eyes")


def ids(exercises: list[Exercise]) -> list[str]:
    return [ex.id for ex in exercises]


def moves_the_neck(exercise: Exercise) -> bool:
    """A neck stretch or strengthener, or any card whose steps tilt, turn or roll the head."""
    neck_work = exercise.kind is not Kind.RELAX and bool(
        {"neck", "deep_neck_flexors", "upper_traps"} & set(exercise.targets))
    steps = " ".join(exercise.steps).lower()
    return neck_work or bool(re.search(r"\b(tilt|turn|tip|roll)\b[^.]*\bhead\b|"
                                       r"\bhead\b[^.]*\b(tilt|turn|tip|roll)\b", steps))


@pytest.mark.parametrize("name", BUILTIN_FILES)
def test_each_builtin_file_validates_with_no_problems(name: str) -> None:
    text = resources.files("traybreak.exercises").joinpath(name).read_text(encoding="utf-8")
    checked = check_pack(tomllib.loads(text), name, source="built-in")
    assert checked.problems == []
    assert checked.entries, f"{name} is empty"
    assert {ex.kind for ex in checked.entries} == {Kind(name.removesuffix(".toml"))}


def test_counts_per_kind_meet_the_issue() -> None:
    counts = Counter(ex.kind for ex in PACK)
    assert counts[Kind.STRETCH] >= 16
    assert counts[Kind.STRENGTHEN] >= 14
    assert counts[Kind.RELAX] >= 8
    assert len(PACK) >= 40


def test_pack_matches_the_shared_manifest() -> None:
    """Ids, kind, setting, targets and counters agree with the manifest the figures follow."""
    expected = {ex.id: ex for ex in sample_exercises()}
    assert set(BY_ID) == set(expected)
    for ident, sample in expected.items():
        ours = BY_ID[ident]
        assert (ours.kind, ours.setting, ours.counters) == (
            sample.kind, sample.setting, sample.counters), ident
        assert set(ours.targets) == set(sample.targets), ident


@pytest.mark.parametrize(("kind", "groups"), [
    (Kind.STRETCH, STRETCHED), (Kind.STRENGTHEN, STRENGTHENED), (Kind.RELAX, RELAXED)])
def test_every_listed_group_is_served_by_its_kind(kind: Kind, groups: tuple[str, ...]) -> None:
    served = {t for ex in PACK if ex.kind is kind for t in ex.targets}
    missing = [g for g in groups if g not in served]
    assert missing == []


def test_every_group_in_the_model_is_covered() -> None:
    covered = {t for ex in PACK for t in ex.targets}
    assert covered == set(GROUPS)


@pytest.mark.parametrize("pattern", [p for p in PATTERNS.values() if p.tight])
def test_every_pattern_has_a_stretch_and_a_strengthener_to_pair(pattern: object) -> None:
    stretches = [ex for ex in PACK if ex.kind is Kind.STRETCH and ex.counters == pattern.id
                 and set(ex.targets) & set(pattern.tight)]
    strengths = [ex for ex in PACK if ex.kind is Kind.STRENGTHEN and ex.counters == pattern.id
                 and set(ex.targets) & set(pattern.weak)]
    assert stretches and strengths, pattern.id
    # a desk-friendly pair exists, so the default rules can pair without the floor
    assert any(ex.setting is not Setting.FLOOR for ex in stretches)
    assert any(ex.setting is not Setting.FLOOR for ex in strengths)


def test_every_tight_group_has_a_strengthener_for_a_weak_partner() -> None:
    from traybreak.core.muscles import partner_groups

    strengthened = {t for ex in PACK if ex.kind is Kind.STRENGTHEN for t in ex.targets}
    for group in STRETCHED:
        assert set(partner_groups(group)) & strengthened, group


def test_ids_and_names_are_unique() -> None:
    assert len(set(BY_ID)) == len(PACK)
    names = [ex.name.lower() for ex in PACK]
    assert len(set(names)) == len(names)


def test_floor_moves_are_the_exception() -> None:
    """Default rules prefer desk moves: most of each kind is done seated or standing."""
    for kind in Kind:
        of_kind = [ex for ex in PACK if ex.kind is kind]
        desk = [ex for ex in of_kind if ex.setting is not Setting.FLOOR]
        assert len(desk) >= 0.75 * len(of_kind), kind


@pytest.mark.parametrize("exercise", PACK, ids=ids(PACK))
class TestCard:
    def test_steps_are_three_to_six_short_imperatives(self, exercise: Exercise) -> None:
        assert 3 <= len(exercise.steps) <= 6
        for step in exercise.steps:
            assert len(step) <= 100, step
            assert step[0].isupper() and step.endswith("."), step
            assert not re.match(r"(you|we|i)\b", step, re.IGNORECASE), step

    def test_duration_fits_the_dosage(self, exercise: Exercise) -> None:
        low, high = plausible_seconds(exercise.dosage, exercise.breath)
        seconds = exercise.duration.total_seconds()
        assert low <= seconds <= high, (exercise.dosage.describe(), seconds)
        longest = 300 if exercise.kind is Kind.RELAX else 120
        assert 20 <= seconds <= longest

    def test_dosage_reads_well(self, exercise: Exercise) -> None:
        text = exercise.dosage.describe()
        assert text and "None" not in text
        if exercise.breath is not None:
            assert exercise.dosage.unit == "breaths" and exercise.dosage.hold_s is None

    def test_cautions_say_when_to_stop(self, exercise: Exercise) -> None:
        assert any(c.lower().startswith("stop") for c in exercise.caution_texts)
        assert all(c.endswith(".") for c in exercise.caution_texts)

    def test_cautions_name_who_should_skip_it(self, exercise: Exercise) -> None:
        text = " ".join(exercise.caution_texts).lower()
        if exercise.setting is Setting.FLOOR or {"deep_core", "obliques"} & set(exercise.targets):
            assert "pregnan" in text
        if moves_the_neck(exercise):
            assert "dizzy" in text
        if {"wrist_flexors", "wrist_extensors"} & set(exercise.targets):
            assert "wrist" in text
        if exercise.kind is not Kind.RELAX:
            assert "skip" in text or "ask your" in text

    def test_why_is_one_plain_line_without_medical_claims(self, exercise: Exercise) -> None:
        why = exercise.why
        assert "\n" not in why and len(why) <= 100 and why.endswith(".")
        banned = (r"\b(cure[sd]?|heal\w*|treat\w*|fix(es)?|prevent\w*|guarantee\w*|eliminat\w*"
                  r"|will)\b")
        assert not re.search(banned, why, re.IGNORECASE), why

    def test_figure_comes_from_the_pose_library(self, exercise: Exercise) -> None:
        assert exercise.pose is None and exercise.image is None
        assert exercise.source == "built-in"


def test_relax_covers_breathing_pacers_and_a_daily_wind_down() -> None:
    relax = [ex for ex in PACK if ex.kind is Kind.RELAX]
    paced = {ex.id: ex.breath for ex in relax if ex.breath}
    assert paced["box_breathing"] == (4, 4, 4, 4)
    inhale, _, exhale, _ = paced["long_exhale_breathing"]
    assert exhale > inhale
    assert all(ex.breath for ex in relax if "breathing" in ex.targets)
    wind_down = BY_ID["daily_wind_down"]
    assert wind_down.duration.total_seconds() >= 240
    assert {"breathing", "whole_body"} <= set(wind_down.targets)


def test_calming_groups_only_serve_relax() -> None:
    for ex in PACK:
        calm = [t for t in ex.targets if GROUPS[t].side is Side.CALM]
        assert not calm or ex.kind is Kind.RELAX, ex.id


# --- issue 16 point 2: tagged cautions, props, and the content corrections ---------------------

# A caution's text naming a condition must carry that condition's tag, so `avoid` finds it.
CONDITION_WORDS = {
    "osteoporosis": r"osteoporosis",
    "pregnancy": r"pregnan",
    "recent_surgery": r"surgery",
    "dizziness": r"dizzy",
    "balance": r"balance is unsteady",
    "shoulder": r"shoulder",
    "neck": r"\bneck\b",
    "wrist": r"wrist",
    "hip": r"hip replacement",
    "hernia": r"hernia",
    "heart": r"heart|blood pressure",
    "lungs": r"lung",
    "back": r"flare of back pain|back (or hamstring )?injury",
    "ankle": r"achilles|ankle",
    "eyes": r"eye surgery|eye infection",
}


@pytest.mark.parametrize("exercise", PACK, ids=ids(PACK))
def test_each_condition_a_caution_names_carries_its_tag(exercise: Exercise) -> None:
    for caution in exercise.cautions:
        for tag, words in CONDITION_WORDS.items():
            if re.search(words, caution.text, re.IGNORECASE):
                assert tag in caution.tags, (caution.text, tag)


@pytest.mark.parametrize("exercise", PACK, ids=ids(PACK))
def test_each_required_prop_is_named_in_the_steps(exercise: Exercise) -> None:
    """A card that needs a prop says so where the user reads first: in its steps."""
    from traybreak.core.conditions import PROPS

    steps = " ".join(exercise.steps).lower()
    for prop in exercise.requires:
        assert any(word in steps for word in PROPS[prop].words), (exercise.id, prop)


def test_osteoporosis_cautions_are_on_rounding_and_twisting_not_on_extension() -> None:
    """Guidance is to avoid loaded or end-range flexion and end-range twists with osteoporosis,
    while back-extension strengthening is recommended (docs/exercises.md, sources there)."""
    tagged = {ex.id for ex in PACK if "osteoporosis" in ex.caution_tags}
    assert tagged == {"standing_cat_cow", "seated_thoracic_rotation"}
    for ident in ("seated_thoracic_extension", "seated_back_extension"):
        assert "osteoporosis" not in " ".join(BY_ID[ident].caution_texts).lower()


def test_standing_cat_cow_is_an_upper_back_mobility_stretch_only() -> None:
    """A rounding-and-arching stretch does not strengthen the spinal erectors, so the history must
    not credit that weak group with it."""
    assert BY_ID["standing_cat_cow"].targets == ("thoracic_spine",)


def test_the_hip_hike_is_done_on_a_step_and_says_so() -> None:
    hike = BY_ID["standing_hip_hike"]
    assert hike.requires == ("step",)
    assert re.search(r"\b(step|stair)\b", hike.steps[0])
    assert "edge" in " ".join(hike.steps)
    assert "balance" in hike.caution_tags


def test_core_cards_cue_a_brace_never_a_hollowing() -> None:
    """One cue for the deep core: a light brace all round, not drawing the belly in."""
    brace = " ".join(BY_ID["seated_core_brace"].steps).lower()
    assert "brace" in brace and "without sucking it in" in brace
    for ex in PACK:
        text = " ".join(ex.steps).lower()
        assert not re.search(r"draw (your )?(lower )?belly|hollow", text), ex.id


def test_no_card_asks_to_lock_chair_wheels() -> None:
    """Most office chairs cannot lock their wheels: cards that need a steady chair ask for one
    without wheels (and list fixed_chair) instead."""
    for ex in PACK:
        text = " ".join((*ex.steps, *ex.caution_texts)).lower()
        assert not re.search(r"\block\w*\b[^.]*\bwheels?\b", text), ex.id
    for ident in ("sit_to_stand", "seated_hip_flexor_stretch"):
        assert BY_ID[ident].requires == ("fixed_chair",)
        assert "without wheels" in BY_ID[ident].steps[0]


def test_the_chair_back_arch_states_the_chair_it_needs() -> None:
    arch = BY_ID["seated_thoracic_extension"]
    assert arch.requires == ("low_chair_back",)
    assert "below your shoulder blades" in arch.steps[0]


def test_the_wall_chin_tuck_never_forces_the_head_to_the_wall() -> None:
    """With a rounded upper back, pressing the head to the wall tips the neck back: the card lets
    the head come back only as far as it goes, with a towel to fill the gap."""
    steps = " ".join(BY_ID["wall_chin_tuck"].steps).lower()
    assert "touch the wall" not in steps
    assert "towel" in steps and "never tip it back" in steps


EXPECTED_PROPS = {
    "seated_hip_flexor_stretch": ("fixed_chair",), "sit_to_stand": ("fixed_chair",),
    "standing_hamstring_stretch": ("step",), "standing_hip_hike": ("step",),
    "doorway_chest_stretch": ("doorway",), "seated_thoracic_extension": ("low_chair_back",),
    "wall_side_plank": ("wall",), "wall_angel": ("wall",), "wall_chin_tuck": ("wall",),
}


def test_props_are_listed_where_the_card_cannot_be_done_without_them() -> None:
    for ex in PACK:
        expected = ("floor",) if ex.setting is Setting.FLOOR else EXPECTED_PROPS.get(ex.id, ())
        assert ex.requires == expected, ex.id


def test_the_catalogue_page_is_generated_from_this_pack() -> None:
    """docs/catalogue.md lists each card's props and caution tags; regenerate it with
    `python docs/make_catalogue.py` after changing the pack (thumbnails are not checked here)."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "make_catalogue.py"
    spec = importlib.util.spec_from_file_location("make_catalogue", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (script.parent / "catalogue.md").read_text(encoding="utf-8") == module.render_page(PACK)
