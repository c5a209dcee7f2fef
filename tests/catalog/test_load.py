"""Catalog loading and pack validation against real TOML (and image) files in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

from traybreak.catalog.load import load_builtin, load_catalog, validate_pack
from traybreak.core.model import Kind, Setting
from traybreak.errors import UserError

BUILTIN_COUNT = len(load_builtin())


def card(**changes: Any) -> dict[str, Any]:
    """A valid user card; ``changes`` override fields (a value of None removes the field)."""
    base: dict[str, Any] = {
        "id": "cat_camel",
        "name": "Cat-camel on all fours",
        "kind": "stretch",
        "setting": "floor",
        "targets": ["thoracic_spine"],
        "counters": "stiff_upper_back",
        "steps": ["Kneel on all fours.", "Round your back up.", "Let it sag gently."],
        "dosage": {"reps": 8},
        "duration": "45s",
        "cautions": ["Stop if it hurts."],
        "why": "Moves the spine through its range.",
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def write_pack(folder: Path, name: str, *cards: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(tomli_w.dumps({"exercise": list(cards)}), encoding="utf-8")
    return path


def test_no_packs_folder_means_builtins_only(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path / "does-not-exist")
    assert len(catalog) == BUILTIN_COUNT
    assert catalog.warnings == []
    assert not (tmp_path / "does-not-exist").exists()  # loading never creates anything


def test_a_good_user_pack_joins_the_builtins(tmp_path: Path) -> None:
    (tmp_path / "camel.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write_pack(tmp_path, "mine.toml", card(image="camel.png"),
                      card(id="my_chin_tuck", kind="strengthen", setting="seated",
                           targets=["deep_neck_flexors"], counters="forward_head",
                           pose="chin_tuck", dosage={"hold_s": 5, "reps": 10}, duration="1m15s"))
    catalog = load_catalog(tmp_path)
    assert catalog.warnings == []
    assert len(catalog) == BUILTIN_COUNT + 2
    camel = catalog.exercises["cat_camel"]
    assert camel.source == str(path.resolve())
    assert camel.image == str((tmp_path / "camel.png").resolve())
    assert Path(camel.image).is_absolute()
    assert catalog.exercises["my_chin_tuck"].pose == "chin_tuck"
    assert list(catalog.exercises)[-2:] == ["cat_camel", "my_chin_tuck"]


def test_a_broken_pack_is_skipped_with_one_warning_and_the_rest_load(tmp_path: Path) -> None:
    write_pack(tmp_path, "a_good.toml", card())
    write_pack(tmp_path, "b_broken.toml", card(id="wobbly", steps=["Only one step."], kind="x"))
    (tmp_path / "c_not_toml.toml").write_text("[[exercise]\nid =", encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert "cat_camel" in catalog and "wobbly" not in catalog
    assert "seated_hip_flexor_stretch" in catalog
    assert len(catalog.warnings) == 2
    broken, not_toml = catalog.warnings
    assert "\n" not in broken
    assert 'b_broken.toml: exercise "wobbly": kind:' in broken and "(+1 more)" in broken
    assert "c_not_toml.toml: not valid TOML" in not_toml


def test_a_builtin_id_is_kept_unless_the_user_card_says_replaces(tmp_path: Path) -> None:
    write_pack(tmp_path, "clash.toml", card(id="chin_tuck"), card(id="fine_one"))
    catalog = load_catalog(tmp_path)
    assert catalog.exercises["chin_tuck"].source == "built-in"
    assert "fine_one" in catalog  # only the clashing card is left out
    assert len(catalog.warnings) == 1
    assert 'clash.toml: exercise "chin_tuck": id:' in catalog.warnings[0]
    assert "replaces = true" in catalog.warnings[0]


def test_replaces_true_overrides_a_builtin_in_place_and_keeps_its_figure(tmp_path: Path) -> None:
    write_pack(tmp_path, "physio.toml", card(id="chin_tuck", replaces=True, name="Physio tuck"))
    catalog = load_catalog(tmp_path)
    assert catalog.warnings == []
    tuck = catalog.exercises["chin_tuck"]
    assert tuck.name == "Physio tuck" and tuck.source.endswith("physio.toml")
    assert tuck.pose == "chin_tuck"
    assert list(catalog.exercises).index("chin_tuck") < BUILTIN_COUNT
    assert len(catalog) == BUILTIN_COUNT


def test_replaces_without_a_builtin_to_replace_is_a_warning(tmp_path: Path) -> None:
    write_pack(tmp_path, "typo.toml", card(id="chin_tuk", replaces=True))
    catalog = load_catalog(tmp_path)
    assert "chin_tuk" not in catalog
    assert 'replaces: no built-in exercise has id "chin_tuk" (did you mean "chin_tuck"?)' in \
        catalog.warnings[0]


def test_the_same_id_in_two_user_packs_keeps_the_first_file(tmp_path: Path) -> None:
    write_pack(tmp_path, "a.toml", card(name="From a"))
    write_pack(tmp_path, "b.toml", card(name="From b"))
    catalog = load_catalog(tmp_path)
    assert catalog.exercises["cat_camel"].name == "From a"
    assert catalog.warnings == ['b.toml: exercise "cat_camel": id: another user pack already has '
                                "this id; skipped"]


def test_require_names_the_closest_ids(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path)
    with pytest.raises(UserError) as err:
        catalog.require("chin_tuk")
    message = str(err.value)
    assert "\n" not in message and 'no exercise "chin_tuk"' in message
    assert "chin_tuck" in message
    assert catalog.require("chin_tuck").id == "chin_tuck"
    assert catalog.get("nope") is None


def test_select_filters_by_kind_and_setting(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path)
    floor = catalog.select(Kind.STRENGTHEN, Setting.FLOOR)
    assert floor and all(ex.kind is Kind.STRENGTHEN and ex.setting is Setting.FLOOR for ex in floor)
    assert len(catalog.select()) == len(catalog)


# --- validate_pack: every problem names the file, the exercise and the field ---------------------

BROKEN_CARDS = [
    pytest.param(card(kind=None), 'exercise "cat_camel": kind: missing', id="missing-field"),
    pytest.param(card(kind="strech"),
                 'exercise "cat_camel": kind: "strech" is not a kind (did you mean "stretch"?)',
                 id="bad-kind"),
    pytest.param(card(setting="desk"), 'exercise "cat_camel": setting: "desk" is not a setting',
                 id="bad-setting"),
    pytest.param(card(targets=["hamstring"]),
                 'exercise "cat_camel": targets: "hamstring" is not a muscle group '
                 '(did you mean "hamstrings"?)', id="unknown-group"),
    pytest.param(card(counters="slouch"), 'exercise "cat_camel": counters: "slouch" is not a '
                 "pattern", id="unknown-pattern"),
    pytest.param(card(targets=["glute_max"]), 'exercise "cat_camel": targets: a stretch '
                 'countering "stiff_upper_back" must target one of its tight groups',
                 id="targets-do-not-fit-kind"),
    pytest.param(card(steps=["Do it."]), 'exercise "cat_camel": steps: need 3–6 steps, got 1',
                 id="too-few-steps"),
    pytest.param(card(steps=["One.", "", "Three."]), 'exercise "cat_camel": steps[2]: must be a '
                 "non-empty string", id="empty-step"),
    pytest.param(card(duration="45"), 'exercise "cat_camel": duration: "45" has no unit',
                 id="duration-without-unit"),
    pytest.param(card(duration="ages"), 'exercise "cat_camel": duration: "ages" is not a duration',
                 id="duration-not-a-duration"),
    pytest.param(card(duration="10m"), 'exercise "cat_camel": duration: "10m" is too long for '
                 '8 reps', id="duration-implausible"),
    pytest.param(card(dosage={"reps": 8, "sets": 0}), 'exercise "cat_camel": dosage.sets: must '
                 "be a whole number from 1 to 10, got 0", id="dosage-subfield"),
    pytest.param(card(dosage={"sets": 2}), 'exercise "cat_camel": dosage: give hold_s',
                 id="dosage-without-amount"),
    pytest.param(card(dosage={"reps": 8, "hold": 3}), 'exercise "cat_camel": dosage.hold: '
                 'unknown field (did you mean "hold_s"?)', id="dosage-unknown-field"),
    pytest.param(card(kind="relax", targets=["breathing"], counters="stress",
                      breath={"inhale": 4, "exhale": 40}, dosage={"reps": 2, "unit": "breaths"}),
                 'exercise "cat_camel": breath.exhale: must be a whole number from 2 to 12',
                 id="breath-out-of-range"),
    pytest.param(card(image="missing.png"), 'exercise "cat_camel": image: "missing.png" not found',
                 id="missing-image"),
    pytest.param(card(image="notes.txt"), 'exercise "cat_camel": image: "notes.txt" must be a PNG, '
                 "GIF or JPEG picture", id="image-not-a-picture-name"),
    pytest.param(card(image="fake.png"), 'exercise "cat_camel": image: "fake.png" is not really a '
                 "PNG, GIF or JPEG picture", id="image-not-a-picture"),
    pytest.param(card(image="../up.png"), 'exercise "cat_camel": image: "../up.png" must be a path '
                 "relative to the pack", id="image-outside-pack"),
    pytest.param(card(pose="chin_tuk"), 'exercise "cat_camel": pose: "chin_tuk" is not a built-in '
                 'exercise (did you mean "chin_tuck"?)', id="unknown-pose"),
    pytest.param(card(stpes=["a", "b", "c"]), 'exercise "cat_camel": stpes: unknown field '
                 '(did you mean "steps"?)', id="unknown-field-with-hint"),
    pytest.param(card(id="Bad Id"), "exercise #1: id: 'Bad Id' is not a valid id", id="bad-id"),
    pytest.param(card(id="chin_tuck"), 'exercise "chin_tuck": id: "chin_tuck" is a built-in '
                 "exercise", id="builtin-id"),
    pytest.param(card(why="Line one.\nLine two."), 'exercise "cat_camel": why: must be one line',
                 id="why-two-lines"),
    pytest.param(card(cautions=[{"text": "Skip it with weak bones.", "tags": ["osteoporsis"]}]),
                 'exercise "cat_camel": cautions[1].tags: "osteoporsis" is not a caution tag '
                 '(did you mean "osteoporosis"?); use any of osteoporosis, pregnancy, ',
                 id="unknown-caution-tag"),
    pytest.param(card(cautions=[{"text": "Skip it with sore knees.", "tags": []}]),
                 'exercise "cat_camel": cautions[1].tags: must be a non-empty list of caution tags',
                 id="empty-caution-tags"),
    pytest.param(card(cautions=[{"text": "Skip it with sore knees."}]),
                 'exercise "cat_camel": cautions[1].tags: missing; add e.g. tags = ["shoulder"], '
                 "or write the caution as plain text", id="caution-table-without-tags"),
    pytest.param(card(cautions=[{"tags": ["knee"]}]),
                 'exercise "cat_camel": cautions[1].text: missing', id="caution-without-text"),
    pytest.param(card(cautions=[{"text": "Skip it.", "tags": ["knee"], "tag": "x"}]),
                 'exercise "cat_camel": cautions[1].tag: unknown field (did you mean "tags"?)',
                 id="caution-unknown-field"),
    pytest.param(card(cautions=["Stop if it hurts.", 3]),
                 'exercise "cat_camel": cautions[2]: must be a non-empty string',
                 id="caution-not-text"),
    pytest.param(card(requires=["mat"]), 'exercise "cat_camel": requires: "mat" is not a prop; '
                 "use any of wall, doorway, fixed_chair, low_chair_back, floor, step, band",
                 id="unknown-prop"),
    pytest.param(card(requires="wall"), 'exercise "cat_camel": requires: must be a non-empty '
                 'list of props, e.g. ["wall"]', id="requires-not-a-list"),
    # A list in the list was a TypeError (unhashable) out of the duplicate check (fuzz case).
    pytest.param(card(requires=[["wall"], "wall", "wall"]), 'exercise "cat_camel": requires: '
                 '"[\'wall\']" is not a prop', id="requires-a-list-in-the-list"),
    pytest.param(card(cautions=[{"text": "Skip it.", "tags": ["knee", ["knee"], "knee"]}]),
                 'exercise "cat_camel": cautions[1].tags: "[\'knee\']" is not a caution tag',
                 id="caution-tags-a-list-in-the-list"),
    pytest.param(card(levels=[{"reps": 8}]), 'exercise "cat_camel": levels: must be a list of '
                 "2–5 tables, easiest first", id="one-level"),
    pytest.param(card(levels=[{"reps": 8}, {"reps": 8}]), 'exercise "cat_camel": levels[2]: 8 '
                 "reps is not more than level 1 (8 reps); list levels easiest first",
                 id="level-not-harder"),
    pytest.param(card(levels=[{"reps": 8}, {"rep": 12}]), 'exercise "cat_camel": levels[2].rep: '
                 'unknown field (did you mean "reps"?)', id="level-unknown-field"),
    pytest.param(card(levels=[{"reps": 8}, {"sets": 2}]), 'exercise "cat_camel": levels[2]: give '
                 "hold_s or reps (or both), or variant = an exercise id", id="level-no-amount"),
    pytest.param(card(levels=[{"reps": 8}, {"variant": "sit_to_stnd"}]),
                 'exercise "cat_camel": levels[2].variant: no exercise "sit_to_stnd" (did you '
                 'mean "sit_to_stand"?)', id="level-unknown-variant"),
]


@pytest.mark.parametrize(("broken", "expected"), BROKEN_CARDS)
def test_validate_names_file_exercise_and_field(tmp_path: Path, broken: dict[str, Any],
                                                expected: str) -> None:
    (tmp_path / "fake.png").write_text("not a picture", encoding="utf-8")
    path = write_pack(tmp_path, "my.toml", broken)
    problems = validate_pack(path, "my.toml")
    assert problems, "a broken card must be reported"
    assert any(p.startswith(f"my.toml: {expected}") for p in problems), problems
    assert all(p.startswith("my.toml: exercise ") and "\n" not in p for p in problems)


def test_validate_reports_every_problem_not_just_the_first(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "many.toml",
                      card(kind="strech", steps=["One."], duration="45", colour="red"),
                      card(id="second", name=None))
    problems = validate_pack(path, "many.toml")
    fields = [p.split(": ")[2] for p in problems]
    assert fields == ["colour", "kind", "steps", "duration", "name"]
    assert problems[-1].startswith('many.toml: exercise "second": name: missing')


def test_validate_duplicate_id_in_one_file(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "twice.toml", card(), card(name="Again"))
    assert validate_pack(path, "twice.toml") == [
        'twice.toml: exercise "cat_camel": id: "cat_camel" is used twice in this file '
        "(also exercise #1)"]


def test_validate_broken_toml_names_the_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[exercise]]\nid = "x"\nname = \n', encoding="utf-8")
    [problem] = validate_pack(path)
    assert problem.startswith(f"{path}: not valid TOML: ") and "line 3" in problem


@pytest.mark.parametrize(("text", "expected"), [
    ("", "no [[exercise]] tables found"),
    ('exercise = "yes"', "exercise: write each card as an [[exercise]] table"),
    ('[[exercises]]\nid = "x"', '"exercises": unknown top-level key (did you mean "exercise"?)'),
])
def test_validate_pack_shape(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "shape.toml"
    path.write_text(text, encoding="utf-8")
    assert any(p == f"shape.toml: {expected}" for p in validate_pack(path, "shape.toml"))


def test_validate_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Étirement"'.encode("latin-1"))
    assert validate_pack(path, "latin1.toml") == [
        "latin1.toml: not valid TOML: the file is not UTF-8 text"]


def test_validate_accepts_a_good_pack_with_image_breath_and_replaces(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "sq.gif").write_bytes(b"GIF89a")
    path = write_pack(
        tmp_path, "good.toml",
        card(image="pics/sq.gif"),
        card(id="square_breath", kind="relax", setting="seated", targets=["breathing"],
             counters="stress", breath={"inhale": 4, "hold": 4, "exhale": 4, "hold_out": 4},
             dosage={"reps": 5, "unit": "breaths"}, duration="1m20s"),
        card(id="box_breathing", replaces=True, kind="relax", setting="seated",
             targets=["breathing"], counters="stress", dosage={"reps": 4, "unit": "breaths"},
             breath={"inhale": 3, "exhale": 3}, duration="30s"),
    )
    assert validate_pack(path) == []
    catalog = load_catalog(tmp_path)
    assert catalog.exercises["square_breath"].breath == (4, 4, 4, 4)
    assert catalog.exercises["square_breath"].dosage.describe() == "5 breaths"
    assert catalog.exercises["box_breathing"].breath == (3, 0, 3, 0)


def test_the_example_in_the_docs_validates(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "exercises.md"
    example = docs.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "cat-camel.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "physio.toml"
    path.write_text(example, encoding="utf-8")
    assert validate_pack(path) == []
    catalog = load_catalog(tmp_path)
    assert {"physio_cat_camel", "physio_chin_tuck", "slow_square_breathing"} <= set(
        catalog.exercises)


def test_a_pack_card_can_declare_its_levels_and_a_harder_variant(tmp_path: Path) -> None:
    """Levels (#16 point 4): each side comes from the card's dosage; a level may show a harder
    card of this pack or a built-in one."""
    levels = [{"reps": 8}, {"reps": 12}, {"reps": 12, "sets": 2}, {"variant": "standing_cat_cow"}]
    write_pack(tmp_path, "mine.toml", card(dosage={"reps": 8, "per_side": True}, levels=levels,
                                           duration="1m"))
    catalog = load_catalog(tmp_path)
    assert catalog.warnings == []
    got = catalog.require("cat_camel").levels
    assert [(lv.dosage.reps, lv.dosage.sets, lv.dosage.per_side, lv.variant) for lv in got] == \
        [(8, 1, True, None), (12, 1, True, None), (12, 2, True, None),
         (None, 1, False, "standing_cat_cow")]


def test_a_pack_card_can_tag_its_cautions_and_name_its_props(tmp_path: Path) -> None:
    """#16: tags and requires are open to packs as to the built-ins; a plain-text caution (the
    old form) stays a caution for everyone."""
    write_pack(tmp_path, "mine.toml", card(
        requires=["floor", "wall"],
        cautions=[{"text": "Skip it with osteoporosis.", "tags": ["osteoporosis"]},
                  {"text": "In pregnancy, ask first; skip it after surgery.",
                   "tags": ["pregnancy", "recent_surgery"]},
                  "Stop if it hurts."]))
    catalog = load_catalog(tmp_path)
    assert catalog.warnings == []
    camel = catalog.exercises["cat_camel"]
    assert camel.requires == ("floor", "wall")
    assert [(c.text, c.tags) for c in camel.cautions] == [
        ("Skip it with osteoporosis.", ("osteoporosis",)),
        ("In pregnancy, ask first; skip it after surgery.", ("pregnancy", "recent_surgery")),
        ("Stop if it hurts.", ())]
    assert camel.caution_tags == {"osteoporosis", "pregnancy", "recent_surgery"}


def test_a_pack_with_an_unknown_tag_is_skipped_with_a_warning_naming_it(tmp_path: Path) -> None:
    write_pack(tmp_path, "mine.toml",
               card(cautions=[{"text": "Skip it with sore wrists.", "tags": ["wrists"]}]))
    catalog = load_catalog(tmp_path)
    assert "cat_camel" not in catalog
    [warning] = catalog.warnings
    assert 'mine.toml: exercise "cat_camel": cautions[1].tags: "wrists" is not a caution tag ' \
           '(did you mean "wrist"?)' in warning
