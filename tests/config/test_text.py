"""Config as text: any config a file can express survives effective_toml → load_config unchanged."""

from __future__ import annotations

import tempfile
from datetime import time, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from traybreak.config.settings import DEFAULT_RULES, Config, ExercisePrefs, load_config
from traybreak.config.text import effective_toml
from traybreak.config.values import day_set, format_days
from traybreak.core.model import ActivityPolicy, Kind, PromptPolicy, Rule, Setting, WorkingHours
from traybreak.core.printable import control_char

positive = st.integers(1, 10**7).map(lambda seconds: timedelta(seconds=seconds))
non_negative = st.integers(0, 10**7).map(lambda seconds: timedelta(seconds=seconds))
clock = st.builds(time, st.integers(0, 23), st.integers(0, 59))
day_sets = st.frozensets(st.integers(0, 6), min_size=1)
counts = st.integers(0, 1000)
# What a message may hold: any UTF-8 text but the control characters a window cannot show (#18)
messages = st.text(st.characters(codec="utf-8"), min_size=1, max_size=60).map(str.strip).filter(
    lambda text: bool(text) and control_char(text, lines=True) is None
)
ids = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True)
custom_names = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True).filter(
    lambda name: name not in {rule.name for rule in DEFAULT_RULES}
)


@st.composite
def rules(draw: st.DrawFn, name: str, kind: st.SearchStrategy[Kind | None]) -> Rule:
    """A rule a [breaks.NAME] table can express (custom ones need a kind or a message)."""
    chosen = draw(kind)
    duration = draw(positive)
    message = draw(messages) if chosen is None else draw(st.none() | messages)
    on_clock = draw(st.booleans())
    return Rule(
        name=name, kind=chosen, duration=duration, message=message,
        every=None if on_clock else duration + draw(positive),
        at=draw(clock) if on_clock else None,
        days=draw(st.none() | day_sets),
        natural_break=draw(st.none() | positive),
        enabled=draw(st.booleans()),
    )


@st.composite
def configs(draw: st.DrawFn) -> Config:
    """Any config a file can express: cross-key rules hold (e.g. sampling shorter than a break)."""
    built_in = [draw(rules(rule.name, st.sampled_from(Kind))) for rule in DEFAULT_RULES]
    names = draw(st.lists(custom_names, max_size=3, unique=True))
    custom = [draw(rules(name, st.none() | st.sampled_from(Kind))) for name in names]
    sample = draw(positive)
    start = draw(clock)
    excluded = draw(st.lists(ids, max_size=4, unique=True))
    favourite_ids = ids.filter(lambda item: item not in excluded)
    return Config(
        rules=(*built_in, *custom),
        activity=ActivityPolicy(natural_break=sample + draw(positive), sample_every=sample),
        prompt=PromptPolicy(
            timeout=draw(positive), snooze=draw(positive), max_snoozes=draw(counts),
            strict=draw(non_negative), daily_skips=draw(st.none() | counts),
            notice=draw(non_negative),
        ),
        hours=draw(st.none() | st.builds(
            WorkingHours, day_sets, st.just(start), clock.filter(lambda end: end != start))),
        exercises=ExercisePrefs(
            exclude=tuple(excluded),
            favourites=tuple(draw(st.lists(favourite_ids, max_size=4, unique=True))),
            settings=draw(st.frozensets(st.sampled_from(Setting), min_size=1)),
        ),
    )


@settings(max_examples=150, deadline=None)
@given(configs())
def test_effective_toml_round_trips_any_expressible_config(config: Config) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(effective_toml(config), encoding="utf-8")
        assert load_config(path) == config


@given(day_sets)
def test_day_sets_are_written_as_the_text_they_are_read_from(days: frozenset[int]) -> None:
    assert day_set(format_days(days)) == days
