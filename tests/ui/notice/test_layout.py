"""Where the notice toast opens (ui/notice/layout.py, #17 point 4): beside a known tray icon,
below one at the top of its monitor and above one at the bottom, right edges aligned; else in the
tray's corner; always wholly on the monitor."""

from __future__ import annotations

import pytest

from traybreak.ui.notice.layout import GAP, MARGIN, TASKBAR_S, toast_position
from traybreak.ui.toolkit.geometry import Area

SCREEN = Area(0, 0, 1920, 1080)
SIZE = (300, 70)


def test_below_an_icon_in_a_top_panel_right_edges_aligned() -> None:
    icon = Area(1800, 0, 24, 24)
    assert toast_position(SIZE, SCREEN, icon, "linux") == (1824 - 300, 24 + GAP)


def test_above_an_icon_in_a_bottom_panel() -> None:
    icon = Area(1800, 1050, 24, 24)
    assert toast_position(SIZE, SCREEN, icon, "linux") == (1524, 1050 - GAP - 70)


def test_kept_on_the_monitor_next_to_an_icon_at_its_left_edge() -> None:
    second = Area(1920, 0, 1280, 1024)
    icon = Area(1925, 1000, 24, 24)
    assert toast_position(SIZE, second, icon, "linux") == (1920, 1000 - GAP - 70)


@pytest.mark.parametrize(("platform", "corner"), [
    ("linux", (1920 - MARGIN - 300, MARGIN)),
    ("win32", (1920 - MARGIN - 300, 1080 - TASKBAR_S - MARGIN - 70)),
    ("darwin", (1920 - MARGIN - 300, MARGIN + TASKBAR_S // 2)),
])
def test_without_an_icon_the_trays_corner(platform: str, corner: tuple[int, int]) -> None:
    assert toast_position(SIZE, SCREEN, None, platform) == corner


def test_a_toast_wider_than_the_monitor_starts_at_its_edge() -> None:
    small = Area(0, 0, 200, 100)
    assert toast_position(SIZE, small, None, "linux") == (0, MARGIN)
