"""Hypothesis strategies for hostile TOML: any parsed document a file can hold (every TOML type,
nested, with odd strings), shaped like settings or packs so the readers get past the first
check, and raw bytes and near-miss text. Shared by the config and pack fuzz tests (#18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Enough to find each bug the readers had within a run (checked at 2,500 examples, ~1 min each)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Strings a hostile file would try: control characters, escapes, NUL, huge numbers as text,
# paths, bidi overrides, near-misses of real values.
_nasty = st.sampled_from([
    "", " ", "\x00", "\x1b[31m", "\x1b]0;title\x07", "\u202e", "\r", "\n", "..", "../x.png",
    "/etc/passwd", "a\x00b.png", "25m", "0s", "9" * 5000 + "d", "1h1h", "mon-", "-", ",",
    "15:30", "25:00", "stretch", "relax", "seated", "floor", "breaths", "x" * 10_000,
])
strings = st.text(max_size=30) | _nasty
scalars = (strings | st.integers(-2**63, 2**63 - 1) | st.floats() | st.booleans()
           | st.dates() | st.times() | st.datetimes()
           | st.datetimes(timezones=st.just(dt.UTC)))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(strings, inner, max_size=4),
    max_leaves=12,
)


any_content = st.binary(max_size=200) | st.text(max_size=200)


def table(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A table with some of ``keys`` (and maybe others), each with any value."""
    return st.dictionaries(st.sampled_from(keys) | strings, values, max_size=len(keys) + 1)


def toml_text(document: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[str]:
    """``document`` written as TOML (documents tomli_w cannot write are left out)."""
    def dumps(data: dict[str, Any]) -> str | None:
        try:
            return tomli_w.dumps(data)
        except (TypeError, ValueError):
            return None
    return document.map(dumps).filter(lambda text: text is not None)  # type: ignore[arg-type,return-value]


def mutated(text: str) -> st.SearchStrategy[str]:
    """``text`` with a few characters cut out or put in: almost-valid files."""
    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = text
        for _ in range(draw(st.integers(1, 4))):
            where = draw(st.integers(0, len(out)))
            if draw(st.booleans()):
                out = out[:where] + out[where + draw(st.integers(1, 5)):]
            else:
                out = out[:where] + draw(st.text(max_size=4) | _nasty) + out[where:]
        return out
    return mutate()


def write(path: Path, content: str | bytes) -> None:
    """Save ``content`` as the file at ``path``: text as UTF-8, bytes as they are."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    """A document with one value nested ``depth`` deep."""
    return f"a = {opening * depth}1{closing * depth}\n" if opening == "[" else \
        "a = " + "{b = " * depth + "1" + "}" * depth + "\n"
