"""Fuzzing the pack reader: whatever a pack file holds, reading it returns its problems (one line
each, naming the file) and the catalog still loads with every built-in; nothing is raised
(#18 point 1: arrays 500 deep raised RecursionError, a NUL in an image path ValueError)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomli_w
from catalog.test_load import BUILTIN_COUNT, card
from hostile_toml import (
    FUZZ,
    any_content,
    mutated,
    nested,
    strings,
    table,
    toml_text,
    values,
    write,
)
from hypothesis import example, given
from hypothesis import strategies as st

from traybreak.catalog.fields import OPTIONAL, REQUIRED, USER_ONLY
from traybreak.catalog.load import load_catalog, read_pack, validate_pack

FIELDS = [*REQUIRED, *OPTIONAL, *USER_ONLY]

# A valid card with some fields replaced by anything: values reach each field's reader.
cards = st.builds(lambda changes: card(**changes),
                  st.dictionaries(st.sampled_from(FIELDS), values | strings, max_size=4))
packs = st.fixed_dictionaries({"exercise": st.lists(cards | table(FIELDS), max_size=3)}) | \
    st.dictionaries(st.sampled_from(["exercise"]) | strings, values, max_size=2)
GOOD = tomli_w.dumps({"exercise": [card(), card(id="other_one", image="pic.png")]})


@contextmanager
def packs_folder(content: str | bytes) -> Iterator[Path]:
    """A packs folder with the pack, a picture, and a link to a picture outside the folder."""
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "exercises"
        folder.mkdir()
        (Path(root) / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (folder / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (folder / "link.png").symlink_to(Path(root) / "outside.png")
        path = folder / "pack.toml"
        write(path, content)
        yield path


def assert_only_problems(content: str | bytes) -> None:
    with packs_folder(content) as path:
        checked = read_pack(path, "pack.toml")
        for line in checked.problems + checked.conflicts:
            assert line.startswith("pack.toml: ") and "\n" not in line, line
        assert all(isinstance(line, str) for line in validate_pack(path))
        catalog = load_catalog(path.parent)
        assert len([ex for ex in catalog if ex.source == "built-in"]) >= BUILTIN_COUNT - 3
        assert (not checked.problems) or not any(ex.source != "built-in" for ex in catalog)


@FUZZ
@given(toml_text(packs) | any_content | mutated(GOOD))
@example(nested(500))
@example("[[exercise]]\n" + nested(500, "{", "}"))
@example("[[exercise]]\nsets = " + "9" * 5000 + "\n")  # int() refuses it: ValueError
@example(tomli_w.dumps({"exercise": [card(image="a\x00b.png")]}))
@example(tomli_w.dumps({"exercise": [card(image="link.png")]}))
@example(tomli_w.dumps({"exercise": [card(name="\x1b]0;owned\x07Cat")]}))
@example(tomli_w.dumps({"exercise": [{"requires": [[]]}]}))  # a list in a list: unhashable
@example(tomli_w.dumps({"exercise": [card(cautions=[{"text": "x", "tags": [{}]}])]}))
def test_whatever_a_pack_holds_it_gives_problems_not_exceptions(content: str | bytes) -> None:
    """Packs shaped like packs, any bytes or text, a good pack with a few characters changed."""
    assert_only_problems(content)


def _problems(pack: dict[str, Any]) -> list[str]:
    with packs_folder(tomli_w.dumps(pack)) as path:
        return validate_pack(path, "pack.toml")


def test_an_image_linked_from_outside_the_folder_is_refused() -> None:
    problems = _problems({"exercise": [card(image="link.png")]})
    assert len(problems) == 1 and "image" in problems[0]
    assert '"link.png" leads outside the pack\'s folder' in problems[0]
    assert _problems({"exercise": [card(image="pic.png")]}) == []


def test_control_characters_in_names_are_refused_naming_the_field() -> None:
    problems = _problems({"exercise": [card(name="\x1b[2J\x1b]0;owned\x07Cat")]})
    assert problems == ['pack.toml: exercise "cat_camel": name: has a control character '
                        "(U+001B at character 1) that cannot be shown; remove it"]
    steps = ["Kneel.", "Round \u202eyour back.", "Sag."]
    assert "steps[2]: has a control character (U+202E" in _problems(
        {"exercise": [card(steps=steps)]})[0]
