"""Durations: format → parse round trip, bare numbers and garbage refused with a hint."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from traybreak.core.durations import DurationError, format_duration, humanize, parse_duration

# The grammar, written independently of the module: ASCII digits + unit, units d h m s in order.
_GRAMMAR = re.compile(r"\s*(?:(\d+)\s*d\s*)?(?:(\d+)\s*h\s*)?(?:(\d+)\s*m\s*)?(?:(\d+)\s*s\s*)?",
                      re.ASCII)

whole_seconds = st.timedeltas(min_value=timedelta(0)).map(
    lambda value: value - timedelta(microseconds=value.microseconds)
)


@given(whole_seconds)
@example(timedelta(0))
@example(timedelta.max - timedelta(microseconds=timedelta.max.microseconds))
def test_format_then_parse_gives_the_same_duration(value: timedelta) -> None:
    text = format_duration(value)
    assert parse_duration(text) == value
    assert re.fullmatch(r"(\d+[dhms])+", text, re.ASCII)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45s", timedelta(seconds=45)),
        ("25m", timedelta(minutes=25)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("7d", timedelta(days=7)),
        (" 1h 5m 3s ", timedelta(hours=1, minutes=5, seconds=3)),
        ("2M", timedelta(minutes=2)),
        ("0s", timedelta(0)),
        ("90s", timedelta(seconds=90)),
    ],
)
def test_parse_reads_units(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@given(st.integers(min_value=0, max_value=10**6))
def test_a_bare_whole_number_is_refused_with_both_unit_spellings(number: int) -> None:
    for given_value in (number, str(number)):
        with pytest.raises(DurationError) as caught:
            parse_duration(given_value)
        assert f'"{number}s" or "{number}m"' in str(caught.value)


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(max_value=-1))
def test_any_bare_number_is_refused_with_a_hint(number: float) -> None:
    with pytest.raises(DurationError, match=r"bare number.*\(expected .*\)$"):
        parse_duration(number)


@given(st.text(max_size=20))
@example("٣m")          # a non-ASCII digit
@example("30m1h")       # out of order
@example("1h1h")        # repeated
@example("1.5h")
@example("-5m")
@example("5 minutes")
@example("99999999999999999999d")
def test_garbage_is_refused_and_only_the_grammar_is_read(text: str) -> None:
    """Either the text follows the grammar and reads as its sum, or DurationError says why."""
    match = _GRAMMAR.fullmatch(text.strip().lower())
    try:
        value = parse_duration(text)
    except DurationError as err:
        assert "(expected " in str(err) and str(err).endswith(")")
        return
    assert match is not None and any(match.groups()), f"{text!r} was read as {value}"
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    assert value == timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


@pytest.mark.parametrize("value", [None, True, [], {"m": 5}])
def test_non_text_values_are_refused(value: object) -> None:
    with pytest.raises(DurationError, match="not a duration"):
        parse_duration(value)


def test_negative_durations_cannot_be_written() -> None:
    with pytest.raises(DurationError):
        format_duration(timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(seconds=40), "40 s"),
        (timedelta(minutes=12), "12 min"),
        (timedelta(hours=1, minutes=5), "1 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(seconds=-3), "0 s"),
    ],
)
def test_humanize(value: timedelta, text: str) -> None:
    assert humanize(value) == text
