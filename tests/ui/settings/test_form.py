"""The settings window's rows as data (ui/settings/form.py): every field it shows is one the
draft has, and messages name their field where a row has several."""

from __future__ import annotations

from pathlib import Path

from traybreak.config.draft import SettingsDraft
from traybreak.ui.settings import form


def test_every_field_the_window_shows_is_one_the_draft_edits(tmp_path: Path) -> None:
    draft = SettingsDraft.load(tmp_path / "config.toml")
    shown = {key for _, rows in form.SECTIONS for row in rows for key in row.keys}
    for rule in draft.rules:
        shown |= set(form.rule_keys(rule.name).values())
    assert shown == set(draft.keys)


def test_a_message_names_its_field_where_the_row_has_several() -> None:
    keys = tuple(form.rule_keys("stretch").values())
    assert form.message_for("breaks.stretch.every", "25 has no unit", keys) == \
        "Every: 25 has no unit"
    assert form.message_for("prompt.snooze", "bad", ("prompt.snooze",)) == "bad"
    assert form.message_for("prompt.max_snoozes", "-1 is negative",
                            ("prompt.snooze", "prompt.max_snoozes")) == "At most: -1 is negative"


def test_rule_labels() -> None:
    rules = SettingsDraft.load(Path("/nonexistent/config.toml")).rules
    assert [form.rule_label(rule) for rule in rules] == ["Stretch", "Strengthen", "Relax"]


def test_the_footer_path_stays_short() -> None:
    home = Path("/home/me")
    assert form.short_path(home / ".config/traybreak/config.toml", home) == \
        "~/.config/traybreak/config.toml"
    long = Path("/tmp/pytest-of-root/pytest-137/test_settings_from_the_menu_sa0/config/"
                "traybreak/config.toml")
    assert form.short_path(long, home) == "/…/config/traybreak/config.toml"
    assert form.short_path(Path("/" + "x" * 60 + "/config.toml"), home) == "/…/config.toml"


def test_a_set_fields_boxes_make_its_value_in_their_order() -> None:
    row = next(row for _, rows in form.SECTIONS for row in rows if row.set_key)
    assert form.set_text(["floor", "seated"], row.choices) == "seated,floor"
    assert form.set_items(" seated, floor ") == {"seated", "floor"}
    assert form.set_text([], row.choices) == ""


def test_problems_without_a_field_are_listed_without_every_known_key() -> None:
    assert form.brief('unknown key; did you mean "snooze"? (expected one of: timeout, snooze)') \
        == 'unknown key; did you mean "snooze"?'
    assert form.brief('"wirst" is not a caution tag; did you mean "wrist"? (expected any of: '
                      'osteoporosis, wrist)') == \
        '"wirst" is not a caution tag; did you mean "wrist"?'
    assert form.brief("5s is not shorter (expected a shorter period)") == \
        "5s is not shorter (expected a shorter period)"


def test_every_condition_and_prop_has_a_box_with_a_short_label() -> None:
    from traybreak.core.conditions import CAUTION_TAGS, PROPS

    rows = {row.set_key: row for _, rows in form.SECTIONS for row in rows if row.set_key}
    avoid, have = rows["exercises.avoid"], rows["exercises.have"]
    assert [item for item, _ in avoid.choices] == list(CAUTION_TAGS)
    assert [item for item, _ in have.choices] == list(PROPS)
    for _, words in (*avoid.choices, *have.choices):
        assert words[:1].isupper() and len(words) <= 24, words    # fits a column of 4
    assert avoid.columns and have.columns


def test_the_chime_row_is_a_box_with_its_volume_and_a_play_button() -> None:
    row = next(row for _, rows in form.SECTIONS for row in rows if row.flag == "prompt.sound")
    assert [entry.key for entry in row.entries] == ["prompt.volume"]
    assert row.action == "play" and form.ACTION_FIELDS["play"] == "prompt.volume"
    assert form.message_for("prompt.volume", "101 is more than 100", row.keys) == \
        "Volume: 101 is more than 100"
    notices = [title for title, rows in form.SECTIONS for row in rows
               if row.keys == ("prompt.notice",)]
    assert notices == ["Notice and sound"]
