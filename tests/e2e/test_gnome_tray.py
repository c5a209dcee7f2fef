"""traybreak on a real headless GNOME Shell 43 (Wayland, Xwayland for the windows), started the
way a user starts it: the SNI icon in the top bar through the AppIndicator extension, its menu
over dbusmenu doing what each entry says, and with the extension switched off (GNOME's default
on Fedora and Debian) an app that keeps running, prompts, and says how to get an icon.

Skips with the apt command where GNOME is not installed (.ci/run installs it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.test_app_menu_launch import Home
from e2e.wayland_app import (
    ABOUT,
    ACTIVE_TOOLTIP,
    DUE_SOON,
    MENU,
    PROMPT_TITLE,
    SessionApp,
    has_window,
    icon_colour,
    ours,
    pixels_near,
)
from e2e.wayland_session import WaylandSession
from e2e.xdesktop import ARTIFACTS, wait_until

from traybreak.ui.notice.layout import NOTICE_TITLE
from traybreak.ui.panel.layout import PANEL_TITLE

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def app(gnome: WaylandSession, tmp_path: Path) -> Iterator[SessionApp]:
    gnome.set_appindicator_extension(True)
    running = SessionApp(gnome, tmp_path)
    try:
        yield running
    finally:
        running.end()


def test_the_icon_is_in_the_top_bar_within_2_s_with_the_full_menu(app: SessionApp) -> None:
    gnome = app.session
    registered_after = app.wait_item()
    assert registered_after < 2.0, f"registered {registered_after:.2f} s after start"
    props = app.props()
    assert (props["Id"], props["Status"], props["ItemIsMenu"]) == ("traybreak", "Active", False)
    assert wait_until(lambda: ACTIVE_TOOLTIP.match(app.tooltip()), 5), app.tooltip()
    assert app.outline() == MENU
    assert '"tray": "sni"' in app.cli("status", "--json").stdout

    shot = ARTIFACTS / "gnome_top_bar.png"
    teal = icon_colour()

    def drawn() -> int:
        gnome.shot(shot)
        return pixels_near(gnome.crop_panel(shot, ARTIFACTS / "gnome_top_bar_crop.png"), teal)

    assert wait_until(lambda: drawn() >= 40, 10, 0.5), "the top bar shows no traybreak icon"


def test_every_menu_entry_works_through_dbusmenu(app: SessionApp) -> None:
    app.wait_item()
    app.click("30 minutes")
    assert wait_until(lambda: '"paused": true' in app.cli("status", "--json").stdout, 5)
    assert wait_until(lambda: app.tooltip().startswith("Paused until "), 5), app.tooltip()
    assert wait_until(lambda: app.entry_enabled("Skip next break") is False, 5)
    resume = next(label for label in app.labels() if label.startswith("Resume (paused"))
    app.click(resume)
    assert wait_until(lambda: '"paused": false' in app.cli("status", "--json").stdout, 5)

    # Start at login: the box shows the real state when the menu opens, and clicking it works.
    assert app.cli("autostart", "enable").returncode == 0          # behind the tray's back
    assert app.item is not None
    assert app.session.about_to_show(app.item) is True
    assert app.session.menu_find(app.item, "Start at login")["toggle-state"] == 1
    app.click("Start at login")
    assert wait_until(lambda: "disabled" in app.cli("autostart", "status").stdout, 5)

    app.click("Stretch")                                  # Take a break now › Stretch
    assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 15), "no prompt window on Xwayland"
    assert wait_until(lambda: app.props()["Status"] == "NeedsAttention", 5)
    app.session.shot(ARTIFACTS / "gnome_prompt.png")

    for label, title in (("History", re.compile("history")), ("About traybreak", ABOUT)):
        app.click(label)
        assert wait_until(lambda t=title: app.has_window(t), 15), f"{label} opened nothing"

    status, stderr = _quit_from_menu(app)
    assert status == 0 and "Traceback" not in stderr, stderr
    assert wait_until(lambda: ours(app.session) is None, 5), "the item stayed after quit"


def test_a_left_click_opens_the_panel(app: SessionApp) -> None:
    app.wait_item()
    assert app.item is not None
    app.session.activate(app.item, 1200, 16)
    assert wait_until(lambda: app.has_window(PANEL_TITLE), 10), "Activate showed no panel"
    app.session.shot(ARTIFACTS / "gnome_panel.png")


def test_the_extension_switched_off_and_on(app: SessionApp) -> None:
    gnome = app.session
    app.wait_item()
    since = gnome.bus_log.mark()
    gnome.set_appindicator_extension(False)
    time.sleep(1.0)
    assert app.proc.poll() is None, "the app ended when the tray went away"
    assert wait_until(lambda: _no_tray_notes(gnome, since), 5), gnome.notifications(since)
    [(name, _summary, body)] = _no_tray_notes(gnome, since)
    assert name == "traybreak" and "AppIndicator extension" in body
    assert "traybreak panel" in body

    assert app.cli("break-now").returncode == 0                # prompts still come
    assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 15), "no prompt without a tray"
    assert "showing the menu" in app.cli("panel").stdout      # and the menu is there
    assert wait_until(lambda: app.has_window(PANEL_TITLE), 10)

    back = time.monotonic()
    gnome.set_appindicator_extension(True)
    assert wait_until(lambda: _ours_listed(app), 5), "the icon did not come back"
    assert time.monotonic() - back < 2.0
    assert len(_no_tray_notes(gnome, since)) == 1             # said once
    status, stderr = app.quit()
    assert status == 0 and "Traceback" not in stderr, stderr


def test_without_the_extension_from_the_start_the_app_runs_and_says_so(
        gnome: WaylandSession, tmp_path: Path) -> None:
    gnome.set_appindicator_extension(False)
    since = gnome.bus_log.mark()
    app = SessionApp(gnome, tmp_path)
    try:
        assert wait_until(lambda: _no_tray_notes(gnome, since), 10), "no notification"
        assert app.proc.poll() is None
        assert app.cli("status").returncode == 0
        gnome.set_appindicator_extension(True)
        app.wait_item(timeout=5)
        status, stderr = app.quit()
        assert status == 0 and "Traceback" not in stderr, stderr
    finally:
        app.end()
        gnome.set_appindicator_extension(True)


def test_without_the_extension_the_menu_entry_starts_it_and_then_shows_its_menu(
        gnome: WaylandSession, tmp_path: Path) -> None:
    """GNOME's default: no tray, so the application-menu entry is how a user reaches traybreak.
    Launched as GLib launches it (`gio launch`), it starts the tray; launched again, the
    running tray shows its menu as a panel on Xwayland."""
    gnome.set_appindicator_extension(False)
    home = Home(gnome.full_env(), tmp_path)
    try:
        home.launch()
        assert wait_until(home.running_pid, 20, 0.2), "the entry started no traybreak"
        pid = home.running_pid()
        assert not has_window(home.env, PANEL_TITLE)
        home.launch()
        assert wait_until(lambda: has_window(home.env, PANEL_TITLE), 15, 0.2), (
            "the second launch showed no panel: " + (tmp_path / "launch.log").read_text())
        gnome.shot(ARTIFACTS / "gnome_app_menu_panel.png")
        assert home.running_pid() == pid
        assert home.cli("quit").returncode == 0
        assert wait_until(lambda: home.running_pid() is None, 10, 0.2), "traybreak did not quit"
    finally:
        home.end()
        gnome.set_appindicator_extension(True)


def test_the_notice_is_a_gnome_notification_not_a_window(
        gnome: WaylandSession, tmp_path: Path) -> None:
    """#17 point 4: before a prompt, GNOME's own notification server says a break is near (the
    shell shows it as a banner); traybreak opens no toast of its own."""
    gnome.set_appindicator_extension(True)
    since = gnome.bus_log.mark()
    app = SessionApp(gnome, tmp_path, DUE_SOON + '[prompt]\nnotice = "10s"\n')
    try:
        def notices() -> list[tuple[str, str, str]]:
            return [note for note in gnome.notifications(since)
                    if note[0] == "traybreak" and note[1].startswith("A stretch break in")]

        assert wait_until(notices, 30, 0.2), gnome.notifications(since)
        [(_name, summary, _body)] = notices()
        assert re.fullmatch(r"A stretch break in (9|10) s", summary), summary
        gnome.shot(ARTIFACTS / "gnome_notice.png")
        assert not app.x_windows(re.compile(f"^{NOTICE_TITLE}$")), "a toast as well"
        assert wait_until(lambda: app.x_windows(PROMPT_TITLE), 20), "no prompt after the notice"
        status, stderr = app.quit()
        assert status == 0 and "Traceback" not in stderr, stderr
    finally:
        app.end()


# --- helpers ------------------------------------------------------------------------------

def _quit_from_menu(app: SessionApp) -> tuple[int, str]:
    app.click("Quit")
    return app.wait_end(10)


def _no_tray_notes(gnome: WaylandSession, since: int) -> list[tuple[str, str, str]]:
    return [note for note in gnome.notifications(since) if "without a tray icon" in note[1]]


def _ours_listed(app: SessionApp) -> bool:
    return ours(app.session) is not None
