"""`traybreak exercises path|list|show|validate|groups` through main(), in a temporary data dir."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli_w
from catalog.test_load import card, write_pack

from traybreak.catalog.load import load_builtin
from traybreak.cli import main
from traybreak.core.model import Kind
from traybreak.errors import ExitStatus

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user packs folder under a private XDG_DATA_HOME (not created)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "traybreak" / "exercises"


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    status = main(["exercises", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_path_prints_the_packs_folder(packs: Path, capsys: Capture) -> None:
    assert run(capsys, "path") == (ExitStatus.OK, f"{packs}\n", "")
    assert not packs.exists()


def test_list_is_an_aligned_table_of_every_exercise(packs: Path, capsys: Capture) -> None:
    status, out, err = run(capsys, "list")
    assert status == ExitStatus.OK and err == ""
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "KIND", "SETTING", "NAME", "TARGETS"]
    assert len(rows) == len(load_builtin())
    columns = [header.index(word) for word in ("KIND", "SETTING", "NAME", "TARGETS")]
    for row, exercise in zip(rows, load_builtin(), strict=True):
        assert row.startswith(exercise.id + " ")
        assert [row[c - 2:c] for c in columns] == ["  "] * 4, row  # columns line up
        assert row[columns[2]:].startswith(exercise.name)
        assert row.endswith(", ".join(exercise.targets))


def test_list_filters_by_kind_and_setting(packs: Path, capsys: Capture) -> None:
    _, out, _ = run(capsys, "list", "--kind", "strengthen", "--setting", "floor")
    ids = [line.split()[0] for line in out.splitlines()[1:]]
    assert ids == [ex.id for ex in load_builtin()
                   if ex.kind is Kind.STRENGTHEN and ex.setting.value == "floor"]
    assert "glute_bridge" in ids


def test_list_rejects_an_unknown_kind(packs: Path, capsys: Capture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["exercises", "list", "--kind", "yoga"])
    assert stop.value.code == ExitStatus.BAD_INPUT
    assert "invalid choice: 'yoga'" in capsys.readouterr().err


def test_show_lists_the_levels(packs: Path, capsys: Capture) -> None:
    """#16 point 4: the steps Too easy moves through; none for a one-level card."""
    assert "Levels: 8 reps → 12 reps → 12 reps · 2 sets" in run(capsys, "show", "wall_angel")[1]
    assert "Levels:" not in run(capsys, "show", "box_breathing")[1]


def test_show_prints_the_whole_card(packs: Path, capsys: Capture) -> None:
    status, out, err = run(capsys, "show", "seated_hip_flexor_stretch")
    assert status == ExitStatus.OK and err == ""
    exercise = next(ex for ex in load_builtin() if ex.id == "seated_hip_flexor_stretch")
    lines = out.splitlines()
    assert lines[0] == f"{exercise.name}  (seated_hip_flexor_stretch)"
    assert lines[1] == "stretch · seated"
    assert "Targets: hip flexors (psoas)" in lines
    assert f"Dosage: {exercise.dosage.describe()}" in lines
    assert "Duration: 1 min 15 s" in lines
    numbered = [line for line in lines if re.match(r"  \d\. ", line)]
    assert [int(line.split(".")[0]) for line in numbered] == list(
        range(1, len(exercise.steps) + 1))
    flat = " ".join(line.strip() for line in lines)
    for text in (exercise.why, *exercise.steps, *exercise.caution_texts):
        assert text in flat
    assert "Needs: a sturdy chair without wheels" in lines
    assert "Skip it after recent hip, knee or back surgery. [recent_surgery]" in flat
    assert max(len(line) for line in lines) <= 80


def test_show_a_breathing_exercise_gives_its_pace(packs: Path, capsys: Capture) -> None:
    _, out, _ = run(capsys, "show", "box_breathing")
    assert "Dosage: 5 breaths" in out
    assert "Pace: in 4 s · hold 4 s · out 4 s · hold 4 s" in out


def test_show_an_unknown_id_names_the_closest(packs: Path, capsys: Capture) -> None:
    status, out, err = run(capsys, "show", "hamstring")
    assert status == ExitStatus.BAD_INPUT and out == ""
    assert err.count("\n") == 1
    assert err.startswith('traybreak: no exercise "hamstring"; closest: seated_hamstring_stretch')


def test_validate_a_good_pack(packs: Path, tmp_path: Path, capsys: Capture) -> None:
    path = write_pack(tmp_path, "mine.toml", card(), card(id="other"))
    assert run(capsys, "validate", str(path)) == (ExitStatus.OK, f"{path}: ok (2 exercises)\n", "")


def test_validate_prints_every_problem_on_stderr(packs: Path, tmp_path: Path,
                                                  capsys: Capture) -> None:
    path = write_pack(tmp_path, "broken.toml", card(kind="strech", steps=["x"]),
                      card(id="chin_tuck"))
    status, out, err = run(capsys, "validate", str(path))
    assert status == ExitStatus.BAD_INPUT and out == ""
    assert err.splitlines() == [
        f'{path}: exercise "cat_camel": kind: "strech" is not a kind (did you mean "stretch"?); '
        "choose one of stretch, strengthen, relax",
        f'{path}: exercise "cat_camel": steps: need 3–6 steps, got 1',
        f'{path}: exercise "chin_tuck": id: "chin_tuck" is a built-in exercise; choose another '
        "id, or add replaces = true to use yours instead",
    ]


def test_validate_a_missing_file(packs: Path, tmp_path: Path, capsys: Capture) -> None:
    missing = tmp_path / "nope.toml"
    assert run(capsys, "validate", str(missing)) == (
        ExitStatus.BAD_INPUT, "", f"{missing}: no such file\n")


def test_a_broken_user_pack_warns_but_the_commands_still_work(packs: Path, capsys: Capture) -> None:
    write_pack(packs, "good.toml", card())
    (packs / "bad.toml").write_text(tomli_w.dumps({"exercise": [card(id="bad", steps=[])]}),
                                    encoding="utf-8")
    status, out, err = run(capsys, "list")
    assert status == ExitStatus.OK
    assert out.splitlines()[-1].startswith("cat_camel ")
    [warning] = err.splitlines()
    assert warning.startswith('traybreak: warning: user pack skipped: bad.toml: exercise "bad": '
                              "steps: need 3–6 steps, got 0")
    status, out, _ = run(capsys, "show", "cat_camel")
    assert status == ExitStatus.OK and f"From: {(packs / 'good.toml').resolve()}" in out


def test_groups_lists_groups_and_patterns(packs: Path, capsys: Capture) -> None:
    status, out, _ = run(capsys, "groups")
    assert status == ExitStatus.OK
    assert re.search(r"^hip_flexors +tight +hip flexors", out, re.MULTILINE)
    assert re.search(r"^front_hip +hip_flexors → glute_max, deep_core", out, re.MULTILINE)


def test_exercises_alone_prints_its_help(packs: Path, capsys: Capture) -> None:
    status, out, _ = run(capsys)
    assert status == ExitStatus.OK
    for sub in ("path", "list", "show", "validate", "groups"):
        assert sub in out


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config file `traybreak` reads (through TRAYBREAK_CONFIG), not written yet."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TRAYBREAK_CONFIG", str(path))
    return path


def test_list_for_me_keeps_what_avoid_and_have_leave(packs: Path, config_file: Path,
                                                     capsys: Capture) -> None:
    """#16 point 3: the example config of docs/config.md."""
    config_file.write_text('[exercises]\navoid = ["osteoporosis", "wrist"]\n'
                           'have = ["wall", "doorway"]\n', encoding="utf-8")
    status, out, err = run(capsys, "list", "--for-me")
    assert status == ExitStatus.OK
    listed = [line.split()[0] for line in out.splitlines()[1:]]
    assert listed and "doorway_chest_stretch" in listed and "wall_chin_tuck" in listed
    for gone in ("standing_cat_cow", "seated_thoracic_rotation", "wrist_flexor_stretch",
                 "sit_to_stand", "standing_hip_hike", "glute_bridge"):
        assert gone not in listed
    assert "left out: standing_cat_cow (has a caution for osteoporosis)" in err.splitlines()
    assert "left out: sit_to_stand (needs a sturdy chair without wheels)" in err.splitlines()
    assert "traybreak: note: no stretch exercise left for: thoracic_spine, wrist_flexors" in err
    assert "traybreak: note: no strengthen exercise left for: wrist_extensors" in err


def test_list_for_me_with_the_defaults_leaves_out_floor_and_step_moves(
        packs: Path, config_file: Path, capsys: Capture) -> None:
    status, out, err = run(capsys, "list", "--for-me", "--kind", "strengthen")
    listed = [line.split()[0] for line in out.splitlines()[1:]]
    assert status == ExitStatus.OK and "sit_to_stand" in listed
    assert sorted(line.split()[2] for line in err.splitlines()) == sorted(
        ["bird_dog", "clamshell", "dead_bug", "glute_bridge", "standing_hip_hike"])
    assert "note" not in err   # every group keeps a card


def test_list_for_me_with_a_broken_config_fails_in_one_line(packs: Path, config_file: Path,
                                                            capsys: Capture) -> None:
    config_file.write_text('[exercises]\navoid = ["wrists"]\n', encoding="utf-8")
    status, out, err = run(capsys, "list", "--for-me")
    assert (status, out) == (ExitStatus.BAD_INPUT, "")
    assert err.count("\n") == 1 and '"wrists" is not a caution tag' in err


def test_groups_lists_the_caution_tags_and_props(packs: Path, capsys: Capture) -> None:
    _, out, _ = run(capsys, "groups")
    lines = out.splitlines()
    assert any(line.split()[0] == "osteoporosis" for line in lines if line)
    assert any(line.split()[:2] == ["step", "no"] for line in lines if line)
    assert any(line.split()[:2] == ["wall", "yes"] for line in lines if line)
