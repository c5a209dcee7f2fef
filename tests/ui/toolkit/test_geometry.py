"""Sizes and places on the screen (ui/toolkit/geometry.py): scale and the pointer's monitor."""

from __future__ import annotations

import pytest

from traybreak.ui.toolkit import geometry


@pytest.mark.parametrize(("dpi", "height", "expected"), [
    (96, 768, 1.0), (96, 1080, 1.0), (144, 1080, 1.5), (96, 2160, 1.5), (192, 2160, 2.0),
    (0, 1080, 1.0), (10_000, 1080, 1.0), (72, 900, 1.0), (600, 4320, 3.0),
])
def test_ui_scale(dpi: float, height: int, expected: float) -> None:
    assert geometry.ui_scale(dpi, height) == expected


def test_monitor_at_picks_the_monitor_holding_the_pointer() -> None:
    left, right = geometry.Area(0, 0, 1920, 1080), geometry.Area(1920, 0, 2560, 1440)
    screen = geometry.Area(0, 0, 4480, 1440)
    assert geometry.monitor_at((100, 100), [left, right], screen) == left
    assert geometry.monitor_at((2000, 1300), [left, right], screen) == right
    assert geometry.monitor_at((100, 1300), [left, right], screen) == left  # in no monitor: first
    assert geometry.monitor_at((5, 5), [], screen) == screen


def test_centred_inside_the_area() -> None:
    assert geometry.centred(geometry.Area(0, 0, 1024, 768), 824, 536) == (100, 116)
    assert geometry.centred(geometry.Area(1920, 0, 2560, 1440), 1000, 800) == (1920 + 780, 320)
    assert geometry.centred(geometry.Area(0, 0, 800, 600), 900, 700) == (0, 0)  # too big: top-left
