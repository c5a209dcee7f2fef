"""The fixed xorg icon as a user meets it in a panel (issue 15): any click opens the menu, and
the look sits on the panel's own colour, light or dark. The fixes are ANY_BUTTON and
TRAY_BACKGROUND in traybreak.ui.tray.icon; the probe is tests/e2e/xorg_icon_probe.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.test_tray_app import TrayApp
from e2e.test_tray_xorg import (
    ALL,
    LIGHT_PANEL,
    all_but,
    differs_by,
    look_over,
    slot_square,
    start_docked,
)
from e2e.xdesktop import Desktop, end_process, missing_tools, skip_reason, wait_until

from traybreak.ui.tray.looks import SHEET_CELLS, TrayLook

#: X buttons: 2 middle, 3 right; 4 and 5 the scroll wheel.
MIDDLE, RIGHT, WHEEL_UP, WHEEL_DOWN = 2, 3, 4, 5
#: trayer's panel, light (its default) and dark (a tint over nothing: the tint's colour).
PANELS = {
    "light": ((), LIGHT_PANEL),
    "dark": (("--transparent", "true", "--tint", "0x202830", "--alpha", "0"), (32, 40, 48)),
}


@pytest.mark.e2e
@pytest.mark.parametrize("button", [MIDDLE, RIGHT])
def test_fix_any_button_a_middle_or_right_click_runs_the_default_action(
        tray_desktop: Desktop, button: int) -> None:
    probe = start_docked(tray_desktop, ALL)
    try:
        tray_desktop.click(probe.window, button)
        probe.expect("activated", timeout=2)
    finally:
        probe.end()


@pytest.mark.e2e
@pytest.mark.parametrize(("fixes", "buttons"), [
    (ALL, (WHEEL_UP, WHEEL_DOWN)),                      # a scroll over the icon is not a click
    (all_but("any-button"), (RIGHT, MIDDLE)),           # upstream: only the left button counts
], ids=["scroll", "without-fix-any-button"])
def test_no_default_action_for_a_scroll_nor_without_fix_any_button(
        tray_desktop: Desktop, fixes: str, buttons: tuple[int, ...]) -> None:
    probe = start_docked(tray_desktop, fixes)
    try:
        for button in buttons:
            tray_desktop.click(probe.window, button)
        assert probe.maybe("activated", timeout=1.5) is None
    finally:
        probe.end()


@pytest.mark.e2e
def test_without_fix_tray_background_the_look_sits_on_a_black_square(
        tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, all_but("tray-background"), look="active")
    try:
        time.sleep(0.2)  # the icon is drawn right after docking; let the picture settle
        geo = tray_desktop.geometry(probe.window)
        square = slot_square(tray_desktop.screenshot("tray_xorg_black_slot.png"), geo)
        assert corners(square) == [(0, 0, 0)] * 4
    finally:
        probe.end()


@pytest.fixture(params=sorted(PANELS))
def panel_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TrayApp, Any]]:
    """The real app docked in a light or a dark trayer; with the panel's expected colour."""
    missing = missing_tools(wm=True, tray=True)
    if missing:
        pytest.skip(skip_reason(missing))
    options, colour = PANELS[request.param]
    with Desktop(wm=True, tray=True, tray_options=options) as desk:
        app = TrayApp(desk, tmp_path)
        try:
            yield app, (request.param, colour)
        finally:
            if app.proc.poll() is None:
                end_process(app.proc)


@pytest.mark.e2e
def test_the_apps_icon_sits_on_the_panels_own_colour_and_any_click_opens_the_menu(
        panel_app: tuple[TrayApp, Any]) -> None:
    app, (panel, colour) = panel_app
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=10)
    assert desk.wait_docked(icon, 5), "the icon did not dock"
    geo = desk.geometry(icon)
    side = min(geo.width, geo.height)
    looks = [TrayLook(state, step) for state, step in SHEET_CELLS]

    def drawn() -> Any:
        """The slot, once it shows one of the looks over the panel's colour (or None)."""
        square = slot_square(desk.screenshot(f"tray_app_on_{panel}_panel.png"), geo)
        near = min(differs_by(square, look_over(look, side, colour)) for look in looks)
        return square if near <= 3 else None

    square = wait_until(drawn, 5, 0.2)
    assert square, f"no look over the {panel} panel {colour} in the icon's slot at {geo}"
    for corner in corners(square):  # transparent in every look: the panel, not black
        assert max(abs(a - b) for a, b in zip(corner, colour, strict=True)) <= 3, corner
    # Any button opens the menu (the panel window); the light panel tries right, the dark middle.
    desk.click(icon, RIGHT if panel == "light" else MIDDLE)
    desk.wait_for_window(name="^traybreak menu$", timeout=10)


def corners(square: Any) -> list[tuple[int, int, int]]:
    """The four corner pixels of an RGB PIL image."""
    last_x, last_y = square.width - 1, square.height - 1
    return [square.getpixel(xy) for xy in ((0, 0), (last_x, 0), (0, last_y), (last_x, last_y))]
