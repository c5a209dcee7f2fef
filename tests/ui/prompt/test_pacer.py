"""The breathing pacer's cycle (pure parts of ui/prompt/pacer.py)."""

from __future__ import annotations

import pytest

from traybreak.ui.prompt.breath import DEFAULT_BREATH, breath_or_default, describe, phase_at


def test_box_breathing_cycle() -> None:
    box = (4, 4, 4, 4)
    assert [phase_at(box, t).words for t in (0, 4.5, 8.5, 12.5, 16.5)] == \
        ["Breathe in", "Hold", "Breathe out", "Hold", "Breathe in"]
    assert phase_at(box, 0.2).seconds_left == 4
    assert phase_at(box, 3.5).seconds_left == 1


def test_circle_grows_in_and_shrinks_out() -> None:
    breath = (4, 2, 6, 0)
    assert phase_at(breath, 0).size == pytest.approx(0)
    assert phase_at(breath, 2).size == pytest.approx(0.5)
    assert phase_at(breath, 5).size == 1.0
    sizes = [phase_at(breath, 6 + t / 2).size for t in range(12)]
    assert sizes == sorted(sizes, reverse=True)
    assert phase_at(breath, 11.99).size == pytest.approx(0, abs=1e-3)


def test_zero_phases_are_skipped() -> None:
    assert phase_at((4, 0, 6, 0), 4.5).words == "Breathe out"
    assert describe((4, 0, 6, 0)) == "in 4 · out 6"
    assert describe((4, 4, 4, 4)) == "in 4 · hold 4 · out 4 · hold 4"


@pytest.mark.parametrize("bad", [None, (0, 0, 0, 0), (4, 2, 0, 0), (4, -1, 6, 0)])
def test_default_breath_when_missing_or_unusable(bad: tuple[int, int, int, int] | None) -> None:
    assert breath_or_default(bad) == DEFAULT_BREATH


def test_given_breath_is_kept() -> None:
    assert breath_or_default((5, 0, 5, 0)) == (5, 0, 5, 0)
