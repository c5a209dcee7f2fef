"""A panel restarted under the xorg icon (issue 18 point 4): the icon docks in the new tray
within 2 s, cycle after cycle, whether the panel was stopped or crashed. The fix is
PANEL_RESTART in traybreak.ui.tray.icon; the probe is tests/e2e/xorg_icon_probe.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from e2e import test_tray_xorg as xorg
from e2e.test_tray_app import app_on_a_desktop
from e2e.xdesktop import Desktop, wait_until

from traybreak.ui.tray.looks import TrayLook, TrayState

#: The promise: the icon is back in a restarted panel within this many seconds.
BACK_WITHIN_S = 2.0
CYCLES = 6


def restart_tray(desk: Desktop, cycle: int) -> None:
    """End trayer (every other cycle a SIGKILL, as a crash) and start a new one."""
    desk.stop_tray(hard=cycle % 2 == 1)
    desk.start_tray()


def back_in_the_tray(desk: Desktop, window: int) -> bool:
    """The icon window is docked in the tray and viewable within BACK_WITHIN_S."""
    deadline = time.monotonic() + BACK_WITHIN_S
    return desk.wait_docked(window, BACK_WITHIN_S) and bool(
        wait_until(lambda: desk.is_viewable(window), max(0.0, deadline - time.monotonic())))


def shows_active_look(desk: Desktop, window: int) -> bool:
    """The icon's slot shows the "active" look over trayer's light panel."""
    geo = desk.geometry(window)
    expected = xorg.look_over(TrayLook(TrayState.ACTIVE), min(geo.width, geo.height),
                              xorg.LIGHT_PANEL)
    shown = xorg.slot_square(desk.screenshot("tray_xorg_restart.png"), geo)
    return xorg.differs_by(shown, expected) <= 1


@pytest.mark.e2e
def test_fix_panel_restart_the_icon_is_back_and_drawn_within_2s_every_cycle(
        tray_desktop: Desktop) -> None:
    probe = xorg.start_docked(tray_desktop, xorg.ALL, look="active")
    try:
        for cycle in range(CYCLES):
            restart_tray(tray_desktop, cycle)
            assert back_in_the_tray(tray_desktop, probe.window), f"not back in cycle {cycle}"
            assert wait_until(lambda: shows_active_look(tray_desktop, probe.window),
                              BACK_WITHIN_S, 0.1), f"look not drawn again in cycle {cycle}"
        assert probe.proc.poll() is None
        assert probe.stop() is not None, "the icon did not stop after the restarts"
        _out, errors = probe.proc.communicate(timeout=5)
        assert "Traceback" not in errors and "Failed to dock" not in errors, errors
    finally:
        probe.end()


@pytest.mark.e2e
def test_without_fix_panel_restart_the_icon_stays_out_of_a_restarted_panel(
        tray_desktop: Desktop) -> None:
    probe = xorg.start_docked(tray_desktop, xorg.all_but("panel-restart"))
    try:
        restart_tray(tray_desktop, 0)
        assert not tray_desktop.wait_docked(probe.window, BACK_WITHIN_S + 1)
    finally:
        probe.end()


@pytest.mark.e2e
def test_fix_panel_restart_a_hidden_icon_stays_hidden(tray_desktop: Desktop) -> None:
    probe = xorg.start_docked(tray_desktop, xorg.ALL)
    try:
        probe.send("hide")
        probe.expect("hidden", timeout=2)
        restart_tray(tray_desktop, 0)
        assert not tray_desktop.wait_docked(probe.window, BACK_WITHIN_S)
    finally:
        probe.end()


@pytest.mark.e2e
def test_fix_panel_restart_an_icon_shown_before_any_tray_docks_when_one_starts(
        xdesktop: Desktop) -> None:
    from e2e.xdesktop import missing_tools, skip_reason

    if missing_tools(tray=True):
        pytest.skip(skip_reason(missing_tools(tray=True)))
    probe = xorg.Probe(xdesktop, "tbprobe", xorg.ALL)
    try:
        time.sleep(0.3)  # shown, with no tray to dock in
        assert not xdesktop.is_docked(probe.window)
        probe.send("look")  # a new look while there is no tray: nothing to draw it in yet
        probe.expect("look changed", timeout=2)
        xdesktop.start_tray()
        assert back_in_the_tray(xdesktop, probe.window)
        assert wait_until(lambda: shows_active_look(xdesktop, probe.window), BACK_WITHIN_S, 0.1)
        assert probe.stop() is not None
        _out, errors = probe.proc.communicate(timeout=5)
        assert "Traceback" not in errors and "Failed to dock" not in errors, errors
    finally:
        probe.end()


@pytest.mark.e2e
def test_the_apps_icon_comes_back_to_a_restarted_panel_within_2s(tmp_path: Path) -> None:
    with app_on_a_desktop(tmp_path) as app:
        desk = app.desk
        icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=10)
        assert desk.wait_docked(icon, 5), "the icon did not dock at start"
        for cycle in range(3):
            restart_tray(desk, cycle)
            assert back_in_the_tray(desk, icon), f"not back in cycle {cycle}"
        assert app.proc.poll() is None
        # The icon still works in the new panel: a click opens the menu.
        desk.click(icon, 1)
        desk.wait_for_window(name="^traybreak menu$", timeout=10)
