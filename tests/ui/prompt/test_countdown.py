"""The countdown's segments and what it says when (pure parts of ui/prompt/countdown.py)."""

from __future__ import annotations

import pytest

from traybreak.core.model import Dosage
from traybreak.ui.prompt.countdown import SWITCH_FLASH_S, holds_ended, segments, state_at


def test_per_side_switches_at_half_time() -> None:
    parts = segments(Dosage(hold_s=30, per_side=True), 60)
    assert [(p.start, p.end, p.side) for p in parts] == [(0, 30, 0), (30, 60, 1)]
    assert state_at(parts, 60, 10).label == "First side"
    assert state_at(parts, 60, 29.9).side == 0
    at_switch = state_at(parts, 60, 30.5)
    assert at_switch.switching and at_switch.label == "Switch sides" and at_switch.side == 1
    later = state_at(parts, 60, 30 + SWITCH_FLASH_S + 0.1)
    assert not later.switching and later.label == "Other side"


def test_rounds_and_sides_alternate() -> None:
    parts = segments(Dosage(hold_s=30, per_side=True, sets=2), 120)
    assert [p.side for p in parts] == [0, 1, 0, 1]
    assert parts[2].label == "Round 2 of 2 · first side"
    assert state_at(parts, 120, 61).label == "Switch sides"  # side 1 -> side 0 is a switch too


def test_sets_without_sides_never_say_switch() -> None:
    parts = segments(Dosage(reps=10, sets=3), 90)
    assert [p.label for p in parts] == ["Set 1 of 3", "Set 2 of 3", "Set 3 of 3"]
    assert all(not state_at(parts, 90, t).switching for t in (0, 30.1, 60.1, 89))


def test_single_hold_has_no_label() -> None:
    parts = segments(Dosage(hold_s=30), 30)
    state = state_at(parts, 30, 5)
    assert state.label == "" and state.text == "0:25 left"
    assert state.fraction == pytest.approx(5 / 30)


def test_finished_and_text() -> None:
    parts = segments(Dosage(hold_s=30, per_side=True), 60)
    done = state_at(parts, 60, 61)
    assert done.finished and done.fraction == 1.0 and done.remaining_s == 0
    assert "Time's up" in done.text
    # a prompt nobody answers is logged ignored: the window must not say it was done (#15)
    assert done.text == "Time's up · press Done if you did it"
    assert state_at(parts, 60, 0).text == "First side · 1:00 left"


def test_no_countdown_is_finished() -> None:
    assert state_at([], 0, 0).finished


def test_the_chime_counts_each_hold_as_it_ends() -> None:
    """#17 point 5: with sound on, the window chimes whenever this count grows: at each side
    or round's end and at the countdown's end, never at the start; none without a countdown."""
    parts = segments(Dosage(hold_s=30, per_side=True, sets=2), 120)
    assert [holds_ended(parts, 120, t) for t in (0, 29.9, 30, 59, 60, 90, 119.9, 120, 500)] == [
        0, 0, 1, 1, 2, 3, 3, 4, 4]
    assert holds_ended(segments(Dosage(), 0), 0, 5) == 0
