"""Fuzzing the settings reader: whatever a config file holds, loading it gives a Config or
raises ConfigError (one line per problem, naming the file), and the tray's reader falls back to
the defaults; nothing else escapes (#18 point 1: arrays 500 deep raised RecursionError)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hostile_toml import FUZZ, any_content, mutated, nested, table, toml_text, values, write
from hypothesis import example, given
from hypothesis import strategies as st

from traybreak.config.rules import RULE_KEYS
from traybreak.config.settings import (
    SECTION_KEYS,
    TABLES,
    Config,
    ConfigError,
    default_config,
    load_config,
    load_or_defaults,
)
from traybreak.config.text import defaults_toml

EXERCISE_IDS = ["neck_roll", "box_breathing"]

# Shaped like settings: known tables with known keys (and others), so values reach the readers.
rule_tables = st.dictionaries(st.sampled_from(["stretch", "relax", "water", "my rule", ""]),
                              table(list(RULE_KEYS)), max_size=3)
sections = st.fixed_dictionaries(
    {}, optional={"breaks": rule_tables | values,
                  **{name: table(list(keys)) | values for name, keys in SECTION_KEYS.items()}})
documents = st.dictionaries(st.sampled_from(list(TABLES)) | st.text(max_size=8), values,
                            max_size=3) | sections


@contextmanager
def config_file(content: str | bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        write(path, content)
        yield path


def assert_only_documented_errors(content: str | bytes) -> None:
    with config_file(content) as path:
        for ids in (None, EXERCISE_IDS):  # the tray's reading, and `config check`'s
            try:
                assert isinstance(load_config(path, ids), Config)
            except ConfigError as err:
                assert err.problems and str(err).startswith(f"{path}: ")
                for problem in err.problems:
                    assert problem.startswith(f"{path}: ") and "\n" not in problem, problem
        config, problems = load_or_defaults(path)
        assert isinstance(config, Config)
        assert (config == default_config()) if problems else True


@FUZZ
@given(toml_text(sections) | toml_text(documents) | any_content | mutated(defaults_toml()))
@example(nested(500))
@example(nested(500, "{", "}"))
@example(nested(17))
@example('[breaks.water]\nevery = "1h"\nmessage = "Drink\\u0000water"\n')
@example('[breaks.water]\nevery = "1h"\nmessage = "' + "x" * 10_000 + '"\n')
@example('[prompt]\nsnooze = "' + "9" * 5000 + 'm"\n')
@example("[prompt]\nmax_snoozes = " + "9" * 5000 + "\n")  # int() refuses it: ValueError
def test_whatever_a_settings_file_holds_only_config_error_escapes(content: str | bytes) -> None:
    """Files shaped like settings, any bytes or text, the defaults file with a few characters
    changed."""
    assert_only_documented_errors(content)
