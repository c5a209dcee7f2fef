"""The settings window's model (config/draft.py): load -> edit -> save keeps the user's comments,
key order and everything the window does not show; a bad value is refused with config check's
message; saving is atomic and never clobbers a file changed meanwhile."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from traybreak.config.draft import SaveRefused, SettingsDraft
from traybreak.config.settings import ConfigError, load_config
from traybreak.core.model import Kind

USERS_FILE = """\
# My traybreak settings: keep this comment.
[breaks.stretch]   # the stretches
every = "30m"      # a bit less often

# a reminder of my own, which the window has no field for
[breaks.water]
message = "Drink"
every = "45m"
kind = "relax"

[prompt]
snooze = "10m"  # long snoozes
respect_dnd = false
# the end of my prompt settings

[exercises]
exclude = ["neck_roll"]   # my neck does not like it
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fields_show_the_file_else_the_defaults(tmp_path: Path) -> None:
    draft = SettingsDraft.load(write(tmp_path, USERS_FILE))
    assert [rule.name for rule in draft.rules] == ["stretch", "strengthen", "relax", "water"]
    assert draft.rules[3].message == "Drink" and not draft.rules[3].builtin
    assert draft.value("breaks.stretch.every") == "30m"          # from the file
    assert draft.value("breaks.stretch.duration") == "45s"       # the default
    assert draft.value("breaks.relax.schedule") == "at"
    assert draft.value("breaks.relax.at") == "15:30"
    assert draft.value("breaks.water.duration") == "5m"          # relax's, the kind's default
    assert draft.value("hours") is False and draft.value("hours.days") == "mon-fri"
    assert draft.value("prompt.daily_skips") == ""               # absent: unlimited
    assert draft.value("breaks.stretch.enabled") is True
    assert draft.value("exercises.settings") == "seated,standing"
    assert draft.problems() == {} and draft.blocking() is None and not draft.changed()


def test_the_exercise_settings_are_an_array_and_never_empty(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    draft.set("exercises.settings", "")
    assert "is not a list of settings" in draft.problems()["exercises.settings"]
    draft.set("exercises.settings", "seated,standing,floor")
    assert draft.save()
    assert 'settings = ["seated", "standing", "floor"]\n' in path.read_text()
    assert 'exclude = ["neck_roll"]   # my neck does not like it\n' in path.read_text()


def test_an_edit_keeps_comments_order_and_what_the_window_does_not_show(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    draft.set("breaks.stretch.every", "40m")
    draft.set("prompt.timeout", "3m")
    draft.set("breaks.strengthen.enabled", False)
    assert draft.save() is True
    text = path.read_text(encoding="utf-8")
    assert text == USERS_FILE.replace('every = "30m"      #', 'every = "40m"      #').replace(
        'respect_dnd = false\n', 'respect_dnd = false\ntimeout = "3m"\n').replace(
        'kind = "relax"\n', 'kind = "relax"\n\n[breaks.strengthen]\nenabled = false\n')
    config = load_config(path)
    assert config.rule("stretch").every == timedelta(minutes=40)   # type: ignore[union-attr]
    assert config.rule("strengthen").enabled is False              # type: ignore[union-attr]
    assert config.rule("water").kind is Kind.RELAX                 # type: ignore[union-attr]
    assert config.prompt.respect_dnd is False and config.exercises.exclude == ("neck_roll",)


def test_a_key_the_window_does_not_know_is_kept_and_does_not_block(tmp_path: Path) -> None:
    path = write(tmp_path, '[prompt]\nsnoze = "10m"  # typo, mine to fix\n')
    draft = SettingsDraft.load(path)
    assert draft.other_problems()[0][:1] == ("prompt.snoze",)
    assert draft.other_problems()[0][2] is False        # the file had it: not the window's doing
    draft.set("prompt.snooze", "7m")
    assert draft.blocking() is None
    assert draft.save()
    assert path.read_text() == '[prompt]\nsnoze = "10m"  # typo, mine to fix\nsnooze = "7m"\n'


def test_a_bad_value_is_refused_with_config_checks_message(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    draft.set("prompt.snooze", "soon")
    message = '"soon" is not a duration (expected a duration such as "45s", "25m" or "1h30m")'
    assert draft.problems() == {"prompt.snooze": message}
    assert draft.blocking() == f"prompt.snooze: {message}"
    with pytest.raises(SaveRefused, match=r"^not saved: prompt\.snooze: \"soon\""):
        draft.save()
    assert path.read_text(encoding="utf-8") == USERS_FILE            # nothing written
    draft.set("prompt.snooze", "10m")                                # back as it was
    assert draft.problems() == {} and not draft.changed()
    assert draft.save() is False and path.read_text(encoding="utf-8") == USERS_FILE


@pytest.mark.parametrize(("key", "text", "problem"), [
    ("prompt.max_snoozes", "two", '"two" is not a whole number'),
    ("prompt.max_snoozes", "-1", "-1 is negative"),
    ("prompt.daily_skips", "2.5", '"2.5" is not a whole number'),
    ("breaks.stretch.every", "25", "has no unit"),
    ("breaks.stretch.every", "30s", "is not longer than the break's duration 45s"),
    ("breaks.stretch.days", "mon-fry", '"fry" in "mon-fry" is not a day'),
    ("breaks.relax.at", "25:00", '"25:00" is not a time of day'),
    ("prompt.timeout", "0s", "is zero"),
    ("prompt.volume", "101", "101 is more than 100"),
    ("prompt.volume", "loud", '"loud" is not a whole number'),
    ("prompt.volume", "-5", "-5 is negative"),
])
def test_each_kind_of_field_is_checked_as_config_check_does(
        tmp_path: Path, key: str, text: str, problem: str) -> None:
    draft = SettingsDraft.load(tmp_path / "none.toml")
    draft.set(key, text)
    assert problem in draft.problems()[key]


def test_the_chime_is_a_box_and_a_volume_saved_as_a_bool_and_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    assert draft.kind("prompt.sound") == "flag" and draft.kind("prompt.volume") == "count"
    assert draft.value("prompt.sound") is False                  # the default: a box, unticked
    assert draft.value("prompt.volume") == "70"
    draft.set("prompt.sound", True)
    draft.set("prompt.volume", "40")
    assert draft.problems() == {} and draft.save()
    assert path.read_text() == USERS_FILE.replace(
        'respect_dnd = false\n', 'respect_dnd = false\nsound = true\nvolume = 40\n')
    config = load_config(path)
    assert config.prompt.sound is True and config.prompt.volume == 40
    again = SettingsDraft.load(path)
    assert again.value("prompt.sound") is True and again.value("prompt.volume") == "40"
    again.set("prompt.sound", False)
    assert again.save() and "sound = false\nvolume = 40\n" in path.read_text()


def test_a_chime_setting_that_is_not_true_or_false_shows_on_its_box(tmp_path: Path) -> None:
    draft = SettingsDraft.load(write(tmp_path, '[prompt]\nsound = "yes"  # mine\n'))
    assert draft.value("prompt.sound") == "yes"                   # not ticked: not True
    assert "is not true or false" in draft.problems()["prompt.sound"]
    draft.set("prompt.sound", True)
    assert draft.problems() == {} and draft.save()
    assert draft.path.read_text() == "[prompt]\nsound = true  # mine\n"


def test_a_problem_on_a_key_without_a_field_still_blocks_when_an_edit_caused_it(
        tmp_path: Path) -> None:
    draft = SettingsDraft.load(tmp_path / "none.toml")
    draft.set("activity.natural_break", "4s")       # sample_every (5s) must stay shorter
    assert draft.problems() == {}
    assert draft.other_problems() == [("activity.sample_every", "5s is not shorter than "
                                       "natural_break 4s (expected a shorter period)", True)]
    assert draft.blocking() is not None and draft.blocking().startswith("activity.sample_every")  # type: ignore[union-attr]


def test_a_new_file_holds_only_what_was_changed(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    draft = SettingsDraft.load(path)
    assert draft.value("breaks.stretch.every") == "25m"
    draft.set("breaks.relax.schedule", "every")
    draft.set("breaks.relax.every", "2h")
    draft.set("hours", True)
    draft.set("hours.start", "09:00")
    draft.set("prompt.daily_skips", "3")
    assert draft.save()
    assert path.read_text() == ('[breaks.relax]\nevery = "2h"\n\n[hours]\ndays = "mon-fri"\n'
                                'start = "09:00"\nend = "18:00"\n\n[prompt]\ndaily_skips = 3\n')
    config = load_config(path)
    assert config.rule("relax").at is None                          # type: ignore[union-attr]
    assert config.hours is not None and config.hours.start == time(9)
    assert config.prompt.daily_skips == 3


def test_switching_schedule_and_clearing_optional_fields_remove_keys(tmp_path: Path) -> None:
    path = write(tmp_path, '[breaks.stretch]\nevery = "30m"  # mine\ndays = "mon-fri"\n\n'
                           '[hours]  # office\nstart = "07:00"\n\n[prompt]\ndaily_skips = 2\n')
    draft = SettingsDraft.load(path)
    draft.set("breaks.stretch.schedule", "at")
    assert draft.problems() == {"breaks.stretch.at": '"" is not a time of day '
                                '(expected a 24-hour time such as "15:30")'}
    draft.set("breaks.stretch.at", "10:00")
    draft.set("breaks.stretch.days", "")
    draft.set("hours", False)
    draft.set("prompt.daily_skips", " ")
    assert draft.problems() == {}
    draft.set("prompt.daily_skips", "")
    assert draft.save()
    assert path.read_text() == '[breaks.stretch]\nat = "10:00"\n\n[prompt]\n'
    assert load_config(path).hours is None


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    draft.set("prompt.snooze", "3m")
    path.write_text(USERS_FILE + "# edited in an editor meanwhile\n")
    with pytest.raises(SaveRefused, match="changed by another program"):
        draft.save()
    assert path.read_text().endswith("# edited in an editor meanwhile\n")


def test_saving_is_atomic_and_keeps_the_files_permissions(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, USERS_FILE)
    path.chmod(0o600)
    draft = SettingsDraft.load(path)
    draft.set("prompt.snooze", "3m")
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        replaced.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    draft.save()
    assert len(replaced) == 1 and replaced[0][1] == str(path)
    assert Path(replaced[0][0]).parent == path.parent            # a temporary file beside it
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]   # no leftovers


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    draft.set("prompt.snooze", "3m")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        draft.save()
    assert path.read_text() == USERS_FILE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_windows_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbf[prompt]\r\nsnooze = "10m"\r\n')
    draft = SettingsDraft.load(path)
    draft.set("prompt.timeout", "3m")
    draft.save()
    assert path.read_bytes() == b'\xef\xbb\xbf[prompt]\r\nsnooze = "10m"\r\ntimeout = "3m"\r\n'


@pytest.mark.parametrize(("text", "problem"), [
    ("[prompt\n", "invalid TOML"),
    ("prompt = 3\n", "prompt: 3 is not a table"),
    ("exercises = []\n", "exercises: an array is not a table"),
    ("[breaks]\nstretch = true\n", "breaks.stretch: true is not a table"),
])
def test_a_file_the_window_cannot_edit_is_refused_in_one_line(
        tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        SettingsDraft.load(path)
    assert problem in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_text() == text


def test_a_bad_value_already_in_the_file_shows_on_its_field_and_blocks_until_fixed(
        tmp_path: Path) -> None:
    path = write(tmp_path, '[prompt]\nsnooze = 5\n')
    draft = SettingsDraft.load(path)
    assert draft.value("prompt.snooze") == "5"
    assert "bare number" in draft.problems()["prompt.snooze"]
    assert draft.blocking() is not None
    draft.set("prompt.snooze", "5m")
    assert draft.save() and load_config(path).prompt.snooze == timedelta(minutes=5)


EDITS = {
    "breaks.stretch.every": ["40m", "1h", ""], "breaks.stretch.days": ["mon-fri", "", "sat"],
    "breaks.stretch.enabled": [True, False], "breaks.stretch.schedule": ["every", "at"],
    "breaks.stretch.at": ["09:00", "7:30"], "breaks.relax.schedule": ["every", "at"],
    "breaks.relax.every": ["2h", "90m"], "breaks.water.duration": ["1m", "20s"],
    "breaks.water.enabled": [False, True], "hours": [True, False],
    "hours.start": ["07:00", "09:30"], "hours.days": ["mon-thu", "sat-sun"],
    "activity.natural_break": ["5m", "2m"], "prompt.snooze": ["3m", "10m"],
    "prompt.daily_skips": ["", "0", "4"], "prompt.max_snoozes": ["0", "5"],
    "exercises.settings": ["seated", "standing,floor", "seated,standing,floor"],
}


def comments_kept(original: str, now: dict[str, Any]) -> list[str]:
    """The comments of ``original`` that must still be there: all but those on the line of a
    key that is gone (a rule switched from every to at loses its every line)."""
    table: list[str] = []
    kept = []
    for line in original.splitlines():
        code, mark, comment = line.partition("#")
        if code.strip().startswith("["):
            table = code.strip(" []").split(".")
        if not mark:
            continue
        if "=" in code:
            node: Any = now
            for part in [*table, code.split("=")[0].strip()]:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                continue
        kept.append("#" + comment)
    return kept


def inactive(draft: SettingsDraft, key: str) -> bool:
    """A greyed field: a rule's every while it runs at a time of day (or its at while it runs
    every), working hours' fields while they are off."""
    parts = key.split(".")
    if parts[0] == "hours" and len(parts) > 1:
        return draft.value("hours") is not True
    return parts[0] == "breaks" and parts[-1] in ("every", "at") and \
        draft.value(".".join([*parts[:-1], "schedule"])) != parts[-1]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([(k, v) for k, vs in EDITS.items() for v in vs]), max_size=8))
def test_any_edits_keep_every_comment_and_save_what_the_fields_show(
        tmp_path: Path, edits: list[tuple[str, str | bool]]) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    for key, value in edits:
        draft.set(key, value)
    text = draft.render()
    for comment in comments_kept(USERS_FILE, tomllib.loads(text)):
        assert comment in text
    if draft.blocking() is not None:
        return
    draft.save()
    again = SettingsDraft.load(path)             # what the file says now is what was shown
    shown = [key for key in draft.keys if not inactive(draft, key)]
    assert {key: again.value(key) for key in shown} == {key: draft.value(key) for key in shown}
    assert load_config(path).prompt.respect_dnd is False      # keys without a field stay
    assert load_config(path).exercises.exclude == ("neck_roll",)


def test_conditions_and_props_are_arrays_checked_as_config_check_does(tmp_path: Path) -> None:
    path = write(tmp_path, USERS_FILE)
    draft = SettingsDraft.load(path)
    assert draft.value("exercises.avoid") == ""                      # the default: none
    assert draft.value("exercises.have") == "wall,doorway,fixed_chair,low_chair_back,floor"
    draft.set("exercises.avoid", "wrist,osteoporosis")
    draft.set("exercises.have", "wall,step")
    assert draft.problems() == {}
    draft.set("exercises.avoid", "wirst")
    assert '"wirst" is not a caution tag; did you mean "wrist"?' in \
        draft.problems()["exercises.avoid"]
    draft.set("exercises.avoid", "wrist,osteoporosis")
    assert draft.save()
    text = path.read_text(encoding="utf-8")
    assert 'exclude = ["neck_roll"]   # my neck does not like it\n' in text
    assert 'avoid = ["wrist", "osteoporosis"]\n' in text and 'have = ["wall", "step"]\n' in text
    prefs = load_config(path).exercises
    assert prefs.avoid == ("wrist", "osteoporosis") and prefs.have == {"wall", "step"}


def test_a_set_field_in_another_order_is_no_edit(tmp_path: Path) -> None:
    path = write(tmp_path, '[exercises]\navoid = ["wrist", "back"]  # mine\nhave = []\n')
    draft = SettingsDraft.load(path)
    assert draft.value("exercises.avoid") == "wrist,back" and draft.value("exercises.have") == ""
    draft.set("exercises.avoid", "back,wrist")                       # as the boxes order it
    assert not draft.changed() and draft.save() is False
    draft.set("exercises.avoid", "")                                 # none: an empty array
    assert draft.save()
    assert path.read_text() == '[exercises]\navoid = []  # mine\nhave = []\n'
