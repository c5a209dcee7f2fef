"""Durations: format → parse round trip, bare numbers and garbage refused with a hint; the short
forms for status lines (humanize, clock_label)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from traybreak.core.durations import (
    DurationError,
    clock_label,
    format_duration,
    humanize,
    next_clock_phrase,
    parse_duration,
)

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


@pytest.mark.parametrize("text", ["9" * 5000 + "d", "1" * 21 + "s", "999999999999999999s"])
def test_a_huge_number_is_too_long_in_one_short_line(text: str) -> None:
    """Over 4,300 digits int() itself refuses (ValueError, not a DurationError) (#18)."""
    with pytest.raises(DurationError, match="too long") as caught:
        parse_duration(text)
    assert len(str(caught.value)) < 120


def test_leading_zeros_do_not_make_a_duration_too_long() -> None:
    assert parse_duration("0" * 40 + "5m") == timedelta(minutes=5)


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


THURSDAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("when", "label"),
    [
        (datetime(2026, 11, 26, 15, 30), "15:30"),            # today: the time alone
        (datetime(2026, 11, 26, 9, 5), "09:05"),              # two digits, 24-hour
        (datetime(2026, 11, 27, 9, 0), "tomorrow 09:00"),     # the next day says so
        (datetime(2026, 11, 28, 9, 0), "Sat 09:00"),          # another day: with its weekday
        (datetime(2026, 11, 25, 18, 0), "Wed 18:00"),         # a day before, too
        (datetime(2026, 12, 2, 15, 30), "Wed 15:30"),         # six days on: the weekday is clear
        # a week on would read as today's weekday: from there on the date says which day (#18)
        (datetime(2026, 12, 3, 15, 30), "Thu 3 Dec 15:30"),
        (datetime(2026, 11, 19, 15, 30), "Thu 19 Nov 15:30"),  # a week back, likewise
        (datetime(2027, 12, 31, 15, 29), "Fri 31 Dec 2027 15:29"),  # another year: the year too
        (datetime(2026, 11, 26, 23, 59, 59), "23:59"),        # across midnight: the last minute...
        (datetime(2026, 11, 27, 0, 0), "tomorrow 00:00"),     # ...and the first of the next day
        (datetime(2026, 11, 26, 0, 0), "00:00"),              # today's first minute
        (datetime(2026, 11, 25, 23, 59), "Wed 23:59"),        # yesterday's last
    ],
)
def test_clock_label_today_and_another_day(when: datetime, label: str) -> None:
    assert clock_label(when, THURSDAY) == label


def test_clock_label_reads_an_aware_time_in_its_own_zone() -> None:
    late_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert clock_label(late_utc, THURSDAY) == "23:30"          # no conversion to another zone
    berlin = timezone(timedelta(hours=1))
    assert clock_label(late_utc.astimezone(berlin), THURSDAY) == "tomorrow 00:30"
    assert clock_label(late_utc.astimezone(berlin), date(2026, 11, 27)) == "00:30"
    east = datetime(2026, 11, 26, 8, 0, tzinfo=timezone(timedelta(hours=14)))
    assert clock_label(east, THURSDAY) == "08:00"              # its date is its own zone's date


def test_next_clock_phrase_says_at_today_and_the_day_otherwise() -> None:
    assert next_clock_phrase(datetime(2026, 11, 26, 15, 30), THURSDAY) == "at 15:30"
    assert next_clock_phrase(datetime(2026, 11, 27, 15, 30), THURSDAY) == "tomorrow 15:30"
    assert next_clock_phrase(datetime(2026, 11, 30, 12, 30), THURSDAY) == "Mon 12:30"
