"""The welcome window's schedule presets (config/presets.py): each one passes config check,
standard is the built-in defaults (so Skip and Standard write nothing), and a preset saved
through the draft is what the tray then reads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from traybreak.config.draft import SettingsDraft
from traybreak.config.presets import DEFAULT_PRESET, PRESETS, Preset, preset_of
from traybreak.config.settings import default_config, load_config
from traybreak.core.durations import parse_duration


def test_the_presets_are_gentle_standard_and_active() -> None:
    assert [preset.name for preset in PRESETS] == ["gentle", "standard", "active"]
    assert DEFAULT_PRESET == "standard"
    standard = PRESETS[1]
    for name in ("stretch", "strengthen"):  # more often and longer, step by step
        every = [parse_duration(p.values[f"breaks.{name}.every"]) for p in PRESETS]
        lasts = [parse_duration(p.values[f"breaks.{name}.duration"]) for p in PRESETS]
        assert every == sorted(every, reverse=True) and lasts == sorted(lasts)
    assert standard.summary == ("a 45 s stretch every 25 min, a 2 min strengthening move "
                                "every 55 min")


def test_standard_is_the_defaults_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    draft = SettingsDraft.load(path)
    assert preset_of({key: draft.value(key) for key in PRESETS[0].values}) == "standard"
    for key, value in PRESETS[1].values.items():
        draft.set(key, value)
    assert not draft.changed() and draft.save() is False and not path.exists()
    assert load_config(path) == default_config()


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.name)
def test_each_preset_is_a_valid_config_the_tray_reads(tmp_path: Path, preset: Preset) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n[prompt]\nsnooze = \"10m\"\n")
    draft = SettingsDraft.load(path)
    for key, value in preset.values.items():
        draft.set(key, value)
    assert draft.problems() == {} and draft.blocking() is None
    draft.save()
    config = load_config(path)
    for name in ("stretch", "strengthen"):
        rule = config.rule(name)
        assert rule is not None
        every, lasts = (preset.values[f"breaks.{name}.{k}"]
                        for k in ("every", "duration"))
        assert (rule.every, rule.duration) == (parse_duration(every), parse_duration(lasts))
    assert config.prompt.snooze == timedelta(minutes=10)
    assert path.read_text().startswith("# mine\n")
    reopened = SettingsDraft.load(path)
    assert preset_of({key: reopened.value(key) for key in PRESETS[0].values}) == preset.name


def test_a_schedule_of_ones_own_is_no_preset() -> None:
    values = dict(PRESETS[0].values)
    assert preset_of(values) == "gentle"
    assert preset_of({**values, "breaks.strengthen.every": "90m"}) == "gentle"   # same length
    assert preset_of({**values, "breaks.stretch.every": "41m"}) is None
    assert preset_of({**values, "breaks.stretch.schedule": "at"}) is None
    assert preset_of({**values, "breaks.stretch.every": "soon"}) is None
