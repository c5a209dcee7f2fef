"""Config: defaults, overrides from real TOML files, every error path, and the TOML round trips."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta
from pathlib import Path

import pytest

from traybreak.config.settings import (
    RULE_KEYS,
    SECTION_KEYS,
    Config,
    ConfigError,
    ExercisePrefs,
    default_config,
    load_config,
    load_or_defaults,
)
from traybreak.config.text import (
    RULE_HELP,
    SECTION_HELP,
    config_tables,
    defaults_toml,
    effective_toml,
    hours_table,
)
from traybreak.core.model import ActivityPolicy, Kind, PromptPolicy, Rule, Setting, WorkingHours
from traybreak.errors import ExitStatus, UserError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> Config:
    return load_config(write(tmp_path, text))


def rule_named(config: Config, name: str) -> Rule:
    found = config.rule(name)
    assert found is not None, f"no rule {name}"
    return found


def problems_of(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return path, caught.value.problems


def test_defaults_are_the_documented_ones() -> None:
    config = default_config()
    assert config.rules == (
        Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=25)),
        Rule("strengthen", Kind.STRENGTHEN, timedelta(minutes=2), every=timedelta(minutes=55)),
        Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(15, 30)),
    )
    assert config.activity == ActivityPolicy(timedelta(minutes=3), timedelta(seconds=5))
    assert config.prompt == PromptPolicy(
        timeout=timedelta(minutes=2), snooze=timedelta(minutes=5), max_snoozes=2,
        strict=timedelta(0), daily_skips=None, notice=timedelta(seconds=10),
        respect_dnd=True, respect_fullscreen=True, max_wait=timedelta(minutes=60),
        sound=False, volume=70,
    )
    assert config.hours is None
    assert config.exercises == ExercisePrefs((), (), frozenset({Setting.SEATED, Setting.STANDING}))


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == default_config()
    assert load_or_defaults(tmp_path / "absent.toml") == (default_config(), [])
    assert list(tmp_path.iterdir()) == []  # loading created nothing


def test_a_file_changes_only_the_fields_it_names(tmp_path: Path) -> None:
    config = load_text(tmp_path, '[breaks.stretch]\nevery = "30m"\n')
    assert rule_named(config, "stretch") == Rule(
        "stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=30)
    )
    assert config.rules[1:] == default_config().rules[1:]
    assert config.prompt == default_config().prompt


def test_every_and_at_replace_each_other_as_the_schedule(tmp_path: Path) -> None:
    config = load_text(tmp_path, '[breaks.stretch]\nat = "10:00"\n[breaks.relax]\nevery = "2h"\n')
    stretch, relax = rule_named(config, "stretch"), rule_named(config, "relax")
    assert (stretch.every, stretch.at) == (None, time(10, 0))
    assert (relax.every, relax.at) == (timedelta(hours=2), None)


def test_custom_rules_follow_the_defaults_in_file_order(tmp_path: Path) -> None:
    config = load_text(tmp_path, """
[breaks.water]
message = "Time for a glass of water"
every = "45m"
[breaks.walk]
kind = "relax"
at = "12:30"
days = "mon,wed,fri"
natural_break = "10m"
[breaks.relax]
enabled = false
""")
    names = [rule.name for rule in config.rules]
    assert names == ["stretch", "strengthen", "relax", "water", "walk"]
    assert config.rule("water") == Rule(
        "water", None, timedelta(seconds=30), every=timedelta(minutes=45),
        message="Time for a glass of water",
    )
    assert config.rule("walk") == Rule(
        "walk", Kind.RELAX, timedelta(minutes=5), at=time(12, 30), days=frozenset({0, 2, 4}),
        natural_break=timedelta(minutes=10),
    )
    assert rule_named(config, "relax").enabled is False


def test_sections_override_field_by_field(tmp_path: Path) -> None:
    config = load_text(tmp_path, """
[activity]
natural_break = "5m"
[prompt]
max_snoozes = 0
daily_skips = 3
strict = "15s"
respect_dnd = false
max_wait = "1h30m"
[hours]
start = "09:30"
[exercises]
exclude = ["neck-roll", "neck-roll", "plank"]
settings = ["floor"]
""")
    assert config.activity == ActivityPolicy(natural_break=timedelta(minutes=5))
    assert config.prompt == PromptPolicy(max_snoozes=0, daily_skips=3, strict=timedelta(seconds=15),
                                         respect_dnd=False, max_wait=timedelta(minutes=90))
    assert config.hours == WorkingHours(start=time(9, 30))
    assert config.exercises == ExercisePrefs(exclude=("neck-roll", "plank"),
                                             settings=frozenset({Setting.FLOOR}))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("sat-sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        (" Monday , thu ", {0, 3}),
        ("mon-sun", set(range(7))),
    ],
)
def test_day_sets(tmp_path: Path, text: str, days: set[int]) -> None:
    config = load_text(tmp_path, f'[hours]\ndays = "{text}"\n')
    assert config.hours is not None and config.hours.days == frozenset(days)


def test_a_toml_local_time_is_read_as_a_time_of_day(tmp_path: Path) -> None:
    config = load_text(tmp_path, "[breaks.relax]\nat = 16:45:00\n")
    assert rule_named(config, "relax").at == time(16, 45)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbf[prompt]\nsnooze = "7m"\n')
    assert load_config(path).prompt.snooze == timedelta(minutes=7)


# (case id, file text, the dotted key the problem names, words the message must contain)
ERROR_CASES = [
    ("bare number", '[breaks.stretch]\nevery = 25', "breaks.stretch.every", '"25s" or "25m"'),
    ("unitless string", '[prompt]\nsnooze = "5"', "prompt.snooze", '"5s" or "5m"'),
    ("bad unit", '[prompt]\ntimeout = "2w"', "prompt.timeout", "not a duration"),
    ("units out of order", '[prompt]\ntimeout = "30m1h"', "prompt.timeout", "largest first"),
    ("bad time", '[breaks.relax]\nat = "25:00"', "breaks.relax.at", "not a time of day"),
    ("time not text", "[breaks.relax]\nat = 1530", "breaks.relax.at", "not a time of day"),
    ("bad day", '[hours]\ndays = "mon-fry"', "hours.days", 'did you mean "fri"'),
    ("no days", '[hours]\ndays = ""', "hours.days", "not a set of days"),
    ("day gap", '[hours]\ndays = "mon,,fri"', "hours.days", "gap"),
    ("day range", '[breaks.stretch]\ndays = "mon-wed-fri"', "breaks.stretch.days", "range"),
    ("unknown key", '[prompt]\nsnoze = "5m"', "prompt.snoze", 'did you mean "snooze"'),
    ("unknown rule key", '[breaks.stretch]\nduratoin = "1m"', "breaks.stretch.duratoin",
     'did you mean "duration"'),
    ("unknown table", '[promt]\nsnooze = "5m"', "promt", 'did you mean "prompt"'),
    ("unknown kind", '[breaks.eyes]\nkind = "strech"\nevery = "1h"', "breaks.eyes.kind",
     'did you mean "stretch"'),
    ("every and at", '[breaks.water]\nmessage = "m"\nevery = "1h"\nat = "10:00"', "breaks.water",
     "both"),
    ("neither every nor at", '[breaks.water]\nmessage = "drink"', "breaks.water", "neither"),
    ("no kind or message", '[breaks.strech]\nevery = "30m"', "breaks.strech",
     'did you mean "stretch"'),
    ("rule not a table", '[breaks]\nstretch = "25m"', "breaks.stretch", "not a table"),
    ("breaks not a table", 'breaks = "25m"', "breaks", "not a table"),
    ("section not a table", 'prompt = "2m"', "prompt", "not a table"),
    ("bad rule name", '[breaks."my rule"]\nmessage = "m"\nevery = "1h"', 'breaks."my rule"',
     "rule name"),
    ("count as string", '[prompt]\nmax_snoozes = "2"', "prompt.max_snoozes", "without quotes"),
    ("count as float", "[prompt]\nmax_snoozes = 1.5", "prompt.max_snoozes", "whole number"),
    ("count as bool", "[prompt]\ndaily_skips = true", "prompt.daily_skips", "whole number"),
    ("negative count", "[prompt]\ndaily_skips = -1", "prompt.daily_skips", "negative"),
    ("zero interval", '[breaks.stretch]\nevery = "0s"', "breaks.stretch.every", "zero"),
    ("zero duration", '[breaks.stretch]\nduration = "0m"', "breaks.stretch.duration", "zero"),
    ("zero timeout", '[prompt]\ntimeout = "0s"', "prompt.timeout", "zero"),
    ("zero max_wait", '[prompt]\nmax_wait = "0s"', "prompt.max_wait", "zero"),
    ("respect as string", '[prompt]\nrespect_dnd = "yes"', "prompt.respect_dnd",
     "true or false"),
    ("respect as number", "[prompt]\nrespect_fullscreen = 0", "prompt.respect_fullscreen",
     "true or false"),
    ("sound as string", '[prompt]\nsound = "on"', "prompt.sound", "true or false"),
    ("volume too high", "[prompt]\nvolume = 150", "prompt.volume", "more than 100"),
    ("volume as string", '[prompt]\nvolume = "70"', "prompt.volume", "without quotes"),
    ("volume negative", "[prompt]\nvolume = -5", "prompt.volume", "negative"),
    ("volume as float", "[prompt]\nvolume = 0.7", "prompt.volume", "whole number"),
    ("zero sampling", '[activity]\nsample_every = "0s"', "activity.sample_every", "zero"),
    ("every within duration", '[breaks.relax]\nevery = "3m"', "breaks.relax.every",
     "not longer than"),
    ("sampling too slow", '[activity]\nsample_every = "5m"', "activity.sample_every",
     "not shorter"),
    ("empty working day", '[hours]\nstart = "09:00"\nend = "09:00"', "hours.end", "same as start"),
    ("enabled as string", '[breaks.relax]\nenabled = "no"', "breaks.relax.enabled",
     "true or false"),
    ("empty message", '[breaks.water]\nmessage = " "\nevery = "1h"', "breaks.water.message",
     "not a text"),
    ("duration as table", "[prompt.snooze]\nm = 5", "prompt.snooze", "not a duration"),
    ("exclude not array", '[exercises]\nexclude = "plank"', "exercises.exclude", "not an array"),
    ("id with space", '[exercises]\nfavourites = ["neck roll"]', "exercises.favourites",
     "not an exercise id"),
    ("unknown setting", '[exercises]\nsettings = ["sitting"]', "exercises.settings",
     "not a setting"),
    ("no settings", "[exercises]\nsettings = []", "exercises.settings", "non-empty"),
    ("favourite excluded", '[exercises]\nexclude = ["a"]\nfavourites = ["a"]',
     "exercises.favourites", "only one"),
    ("unknown caution tag", '[exercises]\navoid = ["osteoporsis"]', "exercises.avoid",
     '"osteoporsis" is not a caution tag; did you mean "osteoporosis"? (expected any of: '
     "osteoporosis, pregnancy, recent_surgery,"),
    ("unknown prop", '[exercises]\nhave = ["wall", "stool"]', "exercises.have",
     '"stool" is not a prop (expected any of: wall, doorway, fixed_chair, low_chair_back, floor, '
     "step, band)"),
    ("avoid not array", '[exercises]\navoid = "wrist"', "exercises.avoid", "not an array"),
]


@pytest.mark.parametrize(("text", "key", "words"), [case[1:] for case in ERROR_CASES],
                         ids=[case[0] for case in ERROR_CASES])
def test_each_problem_names_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    path, problems = problems_of(tmp_path, text + "\n")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}: {key}: "), problems[0]
    assert words in problems[0]
    assert re.search(r" \(expected [^()]+(\([^()]*\)[^()]*)*\)$", problems[0]), problems[0]
    assert "\n" not in problems[0]


def test_every_problem_is_collected_in_file_order(tmp_path: Path) -> None:
    _, problems = problems_of(tmp_path, """
[breaks.stretch]
every = 25
[prompt]
snoze = "5m"
max_snoozes = -2
[hours]
days = "weekdays"
[colours]
""")
    keys = [problem.split(": ")[1] for problem in problems]
    assert keys == ["breaks.stretch.every", "prompt.snoze", "prompt.max_snoozes", "hours.days",
                    "colours"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('[breaks.stretch]\nevery = "25m\n', "line 2, column 13"),
        ("[prompt]\nsnooze = \n", "line 2, column 10"),
        ('[prompt]\nsnooze = "5m"\n[prompt]\n', "line 3, column 8"),
        ("[prompt]\nmax_snoozes =", "end of file"),
    ],
)
def test_invalid_toml_is_one_problem_with_its_place(tmp_path: Path, text: str, place: str) -> None:
    path, problems = problems_of(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: {place}: invalid TOML: ")
    assert problems[0].endswith(")")


def test_unreadable_files_are_problems_not_crashes(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'[prompt]\nsnooze = "\xff"\n')
    for path, words in ((binary, "not UTF-8"), (tmp_path, "cannot read")):
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.problems[0].startswith(f"{path}: ")
        assert words in caught.value.problems[0]


def test_config_error_is_a_one_line_user_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[prompt]\nsnooze = 5\ntimeout = 2\n')
    with pytest.raises(UserError) as caught:
        load_config(path)
    assert isinstance(caught.value, ConfigError)
    assert caught.value.status == ExitStatus.BAD_INPUT
    assert len(caught.value.problems) == 2
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: prompt.snooze: ") and "1 more" in message


def test_the_tray_gets_defaults_and_problems_and_the_file_stays_untouched(tmp_path: Path) -> None:
    text = '[breaks.stretch]\nevery = 25   # oops\n'
    path = write(tmp_path, text)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(tmp_path.iterdir()))
    config, problems = load_or_defaults(path)
    assert config == default_config()
    assert len(problems) == 1 and "breaks.stretch.every" in problems[0]
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(tmp_path.iterdir())) == before


def test_a_good_file_has_no_problems_for_the_tray(tmp_path: Path) -> None:
    config, problems = load_or_defaults(write(tmp_path, '[prompt]\nsnooze = "10m"\n'))
    assert problems == [] and config.prompt.snooze == timedelta(minutes=10)


def test_the_defaults_file_loads_back_to_exactly_the_defaults(tmp_path: Path) -> None:
    assert load_text(tmp_path, defaults_toml()) == default_config()


def test_every_commented_example_in_the_defaults_file_works(tmp_path: Path) -> None:
    uncommented = re.sub(r"(?m)^# (?=\[|[a-z_]+ = )", "", defaults_toml())
    assert uncommented != defaults_toml()
    config = load_text(tmp_path, uncommented)
    assert config.hours == WorkingHours()
    assert config.prompt.daily_skips is not None
    assert rule_named(config, "water").message
    assert rule_named(config, "stretch").days is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        '[breaks.stretch]\nat = "09:05"\ndays = "sat-sun,wed"\nnatural_break = "1h1s"\n',
        '[breaks.relax]\nenabled = false\nkind = "stretch"\n[breaks.eyes]\nkind = "relax"\n'
        'message = "Look out of the window"\nevery = "20m"\nduration = "20s"\n',
        '[breaks."a-b_c"]\nmessage = "quote \\" and\\nnewline"\nevery = "1d"\n',
        '[prompt]\ndaily_skips = 0\nnotice = "0s"\nstrict = "1m"\nrespect_fullscreen = false\n'
        'max_wait = "2h"\n[hours]\ndays = "fri-mon"\n'
        'start = "22:00"\nend = "06:00"\n[exercises]\nexclude = ["x.y", "z"]\n'
        'favourites = ["q"]\nsettings = ["floor", "seated", "standing"]\n',
    ],
)
def test_effective_toml_loads_back_to_an_equal_config(tmp_path: Path, text: str) -> None:
    config = load_text(tmp_path, text)
    assert load_config(write(tmp_path, effective_toml(config), "again.toml")) == config


def test_every_key_has_help_text() -> None:
    assert set(RULE_HELP) == set(RULE_KEYS)
    assert {name: set(keys) for name, keys in SECTION_HELP.items()} == {
        name: set(keys) for name, keys in SECTION_KEYS.items()
    }


def _docs_row(section: str, first_cell: str) -> str:
    """The docs table row starting with ``first_cell`` under the heading for ``section``."""
    block = DOCS.read_text(encoding="utf-8").split(f"## `[{section}]`", 1)[1].split("\n## ")[0]
    rows = [line for line in block.splitlines() if line.startswith(f"| `{first_cell}` |")]
    assert len(rows) == 1, f"{section}: no single row for {first_cell}"
    return rows[0]


def test_the_docs_give_every_key_with_its_default() -> None:
    tables = config_tables(default_config())
    tables["hours"] = hours_table(WorkingHours())
    for section, keys in {"breaks.NAME": RULE_KEYS, **SECTION_KEYS}.items():
        for key in keys:
            row = _docs_row(section, key)
            if key in tables.get(section, {}):
                assert f"`{json.dumps(tables[section][key])}`" in row, row
    assert "absent: unlimited" in _docs_row("prompt", "daily_skips")
    for rule in default_config().rules:
        row = _docs_row("breaks.NAME", f"[breaks.{rule.name}]")
        schedule = ("every", tables["breaks"][rule.name].get("every")) if rule.every else (
            "at", tables["breaks"][rule.name]["at"])
        assert f'`{schedule[0]} = "{schedule[1]}"`' in row
        assert f'`"{tables["breaks"][rule.name]["duration"]}"`' in row


def test_avoid_and_have_are_read_from_the_exercises_table(tmp_path: Path) -> None:
    """#16 point 3: the user's conditions (caution tags) and room (props)."""
    config = load_text(tmp_path, '[exercises]\navoid = ["osteoporosis", "wrist", "wrist"]\n'
                                 'have = ["wall", "doorway"]\n')
    assert config.exercises.avoid == ("osteoporosis", "wrist")
    assert config.exercises.have == frozenset({"wall", "doorway"})
    assert load_text(tmp_path, "[exercises]\nhave = []\n").exercises.have == frozenset()


def test_the_default_have_is_what_a_desk_usually_offers() -> None:
    from traybreak.core.conditions import PROPS

    prefs = default_config().exercises
    assert prefs.avoid == ()
    assert prefs.have == {"wall", "doorway", "fixed_chair", "low_chair_back", "floor"}
    assert prefs.have == {p.id for p in PROPS.values() if p.usual}


def test_several_unknown_tags_are_named_in_one_problem_with_their_suggestions(
        tmp_path: Path) -> None:
    path, problems = problems_of(tmp_path, '[exercises]\navoid = ["osteoporsis", "wrists", "knee"]')
    assert problems == [
        f'{path}: exercises.avoid: not caution tags: "osteoporsis" (did you mean "osteoporosis"?), '
        '"wrists" (did you mean "wrist"?) (expected any of: osteoporosis, pregnancy, '
        "recent_surgery, back, neck, shoulder, wrist, hip, knee, ankle, balance, dizziness, heart, "
        "lungs, hernia, eyes)"]
