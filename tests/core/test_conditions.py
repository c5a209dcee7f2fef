"""Your conditions and your room (issue 16 point 3): what ``[exercises] avoid`` and ``have`` leave
out, checked on single cards, on the real catalogue, and through the real engine and rotation over
simulated working weeks: an excluded card is never shown."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import sample_exercises
from rotation_sim import counts_by_kind, simulate

from traybreak.catalog.load import load_builtin
from traybreak.config.settings import ExercisePrefs, default_config
from traybreak.core.conditions import CAUTION_TAGS, PROPS, USUAL_PROPS, left_out
from traybreak.core.model import Caution, Kind
from traybreak.core.rotation import DESK_SETTINGS

CATALOGUE = load_builtin()
CARD = replace(sample_exercises()[0], cautions=(
    Caution("Skip it with osteoporosis.", ("osteoporosis",)),
    Caution("Skip it after surgery or in pregnancy.", ("recent_surgery", "pregnancy")),
    Caution("Stop if it hurts.")), requires=("step",))


def groups_left(prefs: ExercisePrefs) -> dict[Kind, set[str]]:
    """Per kind, the groups the desk catalogue serves that ``prefs`` leaves no card for."""
    empty: dict[Kind, set[str]] = {}
    for kind in Kind:
        desk = [e for e in CATALOGUE if e.kind is kind and e.setting in DESK_SETTINGS]
        kept = [e for e in desk if left_out(e, settings=prefs.settings, exclude=prefs.exclude,
                                            avoid=prefs.avoid, have=prefs.have) is None]
        empty[kind] = {g for e in desk for g in e.targets} - {g for e in kept for g in e.targets}
    return empty


def test_a_card_fits_when_nothing_rules_it_out() -> None:
    assert left_out(CARD, settings=DESK_SETTINGS, avoid=["wrist"], have=["step"]) is None
    assert left_out(CARD, settings=DESK_SETTINGS) is None   # have None: any prop


@pytest.mark.parametrize(("avoid", "reason"), [
    (["osteoporosis"], "has a caution for osteoporosis"),
    (["pregnancy", "wrist"], "has a caution for pregnancy"),
    (["recent_surgery", "osteoporosis"], "has a caution for osteoporosis, recent_surgery"),
])
def test_any_caution_tag_in_avoid_leaves_the_card_out(avoid: list[str], reason: str) -> None:
    assert left_out(CARD, settings=DESK_SETTINGS, avoid=avoid, have=["step"]) == reason


def test_a_missing_prop_leaves_the_card_out_and_names_the_prop() -> None:
    assert left_out(CARD, settings=DESK_SETTINGS, have=["wall"]) == (
        "needs a sturdy low step or the bottom stair")
    assert left_out(CARD, settings=DESK_SETTINGS, have=USUAL_PROPS) is not None


def test_exclude_and_setting_still_apply_first() -> None:
    assert left_out(CARD, settings=DESK_SETTINGS, exclude=[CARD.id]) == "in exclude"
    floor = next(e for e in CATALOGUE if e.id == "glute_bridge")
    assert left_out(floor, settings=DESK_SETTINGS) == "a floor exercise, not in settings"


def test_the_vocabularies_cover_every_tag_and_prop_the_catalogue_uses() -> None:
    used_tags = {t for e in CATALOGUE for t in e.caution_tags}
    assert used_tags <= set(CAUTION_TAGS)
    assert {"osteoporosis", "pregnancy", "recent_surgery", "balance", "wrist", "shoulder", "neck",
            "knee", "dizziness"} <= used_tags
    assert {p for e in CATALOGUE for p in e.requires} <= set(PROPS)
    assert {"wall", "step", "doorway", "fixed_chair", "floor", "band"} <= set(PROPS)


def test_the_default_config_leaves_every_group_an_exercise() -> None:
    """The default ``have`` keeps a good variety: no muscle group loses its last desk card, and
    only the two step moves are left out."""
    prefs = default_config().exercises
    assert groups_left(prefs) == {kind: set() for kind in Kind}
    out = {e.id for e in CATALOGUE if e.setting in DESK_SETTINGS and left_out(
        e, settings=prefs.settings, avoid=prefs.avoid, have=prefs.have) is not None}
    assert out == {"standing_hamstring_stretch", "standing_hip_hike"}


def test_the_documented_example_leaves_only_the_groups_the_docs_name_empty() -> None:
    """docs/config.md: osteoporosis and sore wrists at a desk with a wall and a door leave no
    upper-back stretch and nothing for the forearms; every other group keeps a card."""
    prefs = ExercisePrefs(avoid=("osteoporosis", "wrist"), have=frozenset({"wall", "doorway"}))
    assert groups_left(prefs) == {
        Kind.STRETCH: {"thoracic_spine", "wrist_flexors"},
        Kind.STRENGTHEN: {"wrist_extensors"},
        Kind.RELAX: set(),
    }


@pytest.mark.parametrize("prefs", [
    ExercisePrefs(avoid=("osteoporosis", "wrist"), have=frozenset({"wall", "doorway"})),
    ExercisePrefs(avoid=("pregnancy", "neck", "shoulder", "balance"), have=frozenset()),
], ids=["osteoporosis-wrist", "pregnancy-neck-shoulder-balance"])
def test_the_rotation_never_shows_an_excluded_card(prefs: ExercisePrefs) -> None:
    """Twenty working days through the real engine and rotation (tests/rotation_sim.py), with the
    config's avoid and have: no card they exclude comes up, and what is left still rotates."""
    config = replace(default_config(), exercises=prefs)
    month = simulate(CATALOGUE, 20, seed=1, config=config)
    shown = {s.choice.exercise.id: s.choice.exercise for s in month}
    for exercise in shown.values():
        assert not exercise.caution_tags & set(prefs.avoid), exercise.id
        assert set(exercise.requires) <= prefs.have, exercise.id
    counts = counts_by_kind(month, CATALOGUE, config)
    for kind, per_card in counts.items():
        assert per_card and min(per_card.values()) >= 1, (kind, per_card)
    # the same month without the filters does show excluded cards, so the check above bites
    free = {s.choice.exercise for s in simulate(CATALOGUE, 20, seed=1)}
    assert any(e.caution_tags & set(prefs.avoid) or not set(e.requires) <= prefs.have
               for e in free)

