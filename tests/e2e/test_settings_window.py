"""The settings window on a real X server: opened from the tray's menu (Xvfb + openbox + trayer),
a value changed and saved, the file keeping its comments with only that line changed, and the
running tray using the new value within 2 s; a bad value refused in the window with config
check's message next to its field, Cancel writing nothing, start at login set for real; the
chime turned on, heard at its volume with Play and saved.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import difflib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.test_small_windows import Window, open_window, wm_desktop  # noqa: F401 - a fixture
from e2e.test_tray_app import TrayApp, app_on_a_desktop
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until

from traybreak.platform.sound import MISSING_HINT, chime_path
from traybreak.ui.panel.layout import PANEL_TITLE
from traybreak.ui.protocol import read_settings_result
from traybreak.ui.settings.form import TITLE

pytestmark = pytest.mark.e2e

MY_FILE = """\
# My traybreak settings. Keep this comment.
[prompt]
snooze = "10m"   # long snoozes, on purpose
respect_dnd = false

# My own reminder, which the window only lists.
[breaks.water]
message = "Drink some water"
every = "45m"
"""


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TrayApp]:
    with app_on_a_desktop(tmp_path) as tray_app:
        yield tray_app


def centre(layout: dict[str, Any], key: str) -> tuple[int, int]:
    box = layout["widgets"][key]
    return box["x"] + box["width"] // 2, box["y"] + box["height"] // 2


def retype(desk: Desktop, layout: dict[str, Any], key: str, text: str) -> None:
    """Click into a field, clear it and type ``text``."""
    desk.click_at(*centre(layout, key))
    desk.xdotool("key", "End", *["BackSpace"] * 12)
    desk.xdotool("type", "--delay", "20", "--", text)


def reported(geometry: Path, predicate: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The window's latest report (its geometry file) once ``predicate(report)`` holds."""
    def latest() -> dict[str, Any]:
        try:
            return dict(json.loads(geometry.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    assert wait_until(lambda: (report := latest()) and predicate(report), timeout), latest()
    return latest()


def reloads(app: TrayApp) -> int:
    return sum("  config_reloaded  " in line for line in app.events().splitlines())


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def every(app: TrayApp) -> str | None:
    done = app.cli("status", "--json")
    if done.returncode:
        return None
    rules = json.loads(done.stdout)["rules"]
    return next((r["every"] for r in rules if r["name"] == "stretch"), None)


def test_settings_from_the_menu_saves_and_the_tray_uses_it_at_once(app: TrayApp) -> None:
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    assert desk.wait_docked(icon, 2.0)
    assert wait_until(lambda: every(app) == "20s", 5, 0.1)
    config = app.home / "config" / "traybreak" / "config.toml"
    config.write_text("# my settings, by hand\n" + config.read_text())
    assert app.cli("reload").returncode == 0
    assert app.cli("pause", "1h").returncode == 0     # no prompt comes while the test clicks
    assert every(app) == "20s"
    before = config.read_text()

    desk.click(icon)                                   # the xorg tray's menu is the panel
    desk.wait_for_window(name=f"^{PANEL_TITLE}$", timeout=10)
    panel = reported(app.geometry, lambda r: "open-settings" in r.get("widgets", {}), 10)
    desk.xdotool("mousemove", *centre(panel, "open-settings"))
    time.sleep(0.2)
    desk.screenshot("settings_menu_entry.png")
    app.geometry.unlink()
    desk.click_at(*centre(panel, "open-settings"))

    desk.wait_for_window(name=f"^{TITLE}$", timeout=10)
    window = reported(app.geometry, lambda r: "save_enabled" in r, 10)
    assert window["problems"] == {}
    retype(desk, window, "breaks.stretch.every", "45s")
    reported(app.geometry, lambda r: r["changed"] and r["save_enabled"])
    desk.screenshot("settings_changed_from_menu.png")
    read_before = reloads(app)

    desk.click_at(*centre(window, "save"))
    saved = time.monotonic()
    assert wait_until(lambda: every(app) == "45s", 2.0, 0.05), every(app)   # within 2 s
    assert time.monotonic() - saved < 2.0
    assert wait_until(lambda: not desk.find_windows(name=f"^{TITLE}$"), 5)
    after = config.read_text()
    assert changed_lines(before, after) == ['-every = "20s"', '+every = "45s"']
    assert after.startswith("# my settings, by hand\n")
    time.sleep(0.5)   # the file watch and the window's request: the file is read once
    assert reloads(app) == read_before + 1


def test_a_bad_value_is_refused_with_its_message_and_a_good_one_saved(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    config.write_text(MY_FILE)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    assert wm_desktop.wait_for_window(name=f"^{TITLE}$")
    assert window.on_screen()
    assert "breaks.water.every" in window.layout["widgets"]        # the file's own rule
    assert window.layout["save_enabled"] is True
    wm_desktop.screenshot("settings_1024x768.png")

    retype(wm_desktop, window.layout, "prompt.snooze", "soon")
    message = '"soon" is not a duration (expected a duration such as "45s", "25m" or "1h30m")'
    layout = reported(window.geometry, lambda r: r["problems"].get("prompt.snooze") == message)
    assert layout["save_enabled"] is False and message in layout["messages"]
    time.sleep(0.2)
    wm_desktop.screenshot("settings_bad_value_1024x768.png")
    wm_desktop.xdotool("key", "Return")                             # Save, refused
    window.click_at(*window.centre("save"))
    time.sleep(0.3)
    assert window.proc.poll() is None and config.read_text() == MY_FILE

    retype(wm_desktop, window.layout, "prompt.snooze", "7m")
    retype(wm_desktop, window.layout, "prompt.max_snoozes", "-1")
    reported(window.geometry, lambda r: r["problems"].get("prompt.max_snoozes") == "-1 is negative "
             "(expected 0 or more)" and "At most: -1 is negative (expected 0 or more)"
             in r["messages"])
    retype(wm_desktop, window.layout, "prompt.max_snoozes", "3")
    window.click_at(*window.centre("exercises.settings=floor"))
    window.click_at(*window.centre("autostart"))
    reported(window.geometry, lambda r: r["save_enabled"] and not r["messages"])
    wm_desktop.xdotool("key", "Return")                             # Save
    result = read_settings_result(window.proc.communicate(timeout=10)[0].decode())
    assert result == {"closed": True, "saved": True, "tray": "traybreak is not running"}
    assert changed_lines(MY_FILE, config.read_text()) == [
        '-snooze = "10m"   # long snoozes, on purpose',
        '+snooze = "7m"   # long snoozes, on purpose',
        '+max_snoozes = 3',
        '+', '+[exercises]', '+settings = ["seated", "standing", "floor"]']
    # start at login, for real: the XDG autostart entry the autostart command writes
    assert len(list((tmp_path / "xdg" / "autostart").glob("*.desktop"))) == 1


def test_cancel_changes_nothing(wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811
    config = tmp_path / "config.toml"
    config.write_text(MY_FILE)
    stamp = config.stat().st_mtime_ns
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "PATH": str(Path(sys.executable).parent)}   # no xdg-open on it
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    window.click_at(*window.centre("edit-file"))          # no editor: it says where the file is
    reported(window.geometry, lambda r: r["status"] == f"no program could open it; it is {config}")
    retype(wm_desktop, window.layout, "breaks.stretch.every", "40m")
    window.click_at(*window.centre("autostart"))
    reported(window.geometry, lambda r: r["changed"] and r["save_enabled"])
    window.click_at(*window.centre("cancel"))
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"] is False
    assert config.read_text() == MY_FILE and config.stat().st_mtime_ns == stamp
    assert not (tmp_path / "xdg" / "autostart").exists()


def test_a_file_with_many_rules_still_fits_on_the_screen(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    config.write_text("".join(f'[breaks.reminder{n}]\nmessage = "Reminder {n}"\n'
                              f'every = "{30 + n}m"\n' for n in range(10)))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    time.sleep(0.2)
    wm_desktop.screenshot("settings_many_rules_1024x768.png")
    assert window.on_screen()          # 13 rules are taller than the screen: the body scrolls
    box, save = window.layout["window"], window.layout["widgets"]["save"]
    assert save["y"] + save["height"] <= box["y"] + box["height"]
    wm_desktop.xdotool("key", "Escape")
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"] is False


def test_a_problem_the_window_has_no_field_for_is_listed_and_kept(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    config.write_text('# mine\n[prompt]\nsnoze = "10m"   # my typo\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    assert 'prompt.snoze: unknown key; did you mean "snooze"?' in window.layout["others"]
    assert window.layout["save_enabled"] is True       # the file had it: not the window's to fix
    time.sleep(0.2)
    wm_desktop.screenshot("settings_other_problem_1024x768.png")
    retype(wm_desktop, window.layout, "prompt.timeout", "3m")
    reported(window.geometry, lambda r: r["changed"] and r["save_enabled"])
    wm_desktop.xdotool("key", "Return")
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"] is True
    assert config.read_text() == '# mine\n[prompt]\nsnoze = "10m"   # my typo\ntimeout = "3m"\n'


def test_conditions_and_props_are_ticked_and_saved(tmp_path: Path) -> None:
    missing = missing_tools(wm=True)
    if missing:
        pytest.skip(skip_reason(missing))
    config = tmp_path / "config.toml"
    config.write_text(MY_FILE)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    with Desktop((1024, 1000), wm=True) as desk:     # tall enough to show every row unscrolled
        window = open_window(desk, tmp_path, "settings", "--config", str(config), env=env)
        window.click_at(*window.centre("exercises.avoid=osteoporosis"))
        window.click_at(*window.centre("exercises.avoid=wrist"))
        window.click_at(*window.centre("exercises.have=wall"))      # ticked by default
        window.click_at(*window.centre("exercises.have=band"))
        reported(window.geometry, lambda r: r["changed"] and r["save_enabled"])
        time.sleep(0.2)
        desk.screenshot("settings_conditions_and_props.png")
        desk.xdotool("key", "Return")
        assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"]
    assert changed_lines(MY_FILE, config.read_text()) == [
        '+', '+[exercises]', '+avoid = ["osteoporosis", "wrist"]',
        '+have = ["doorway", "fixed_chair", "low_chair_back", "floor", "band"]']


def test_at_768_px_a_tab_into_the_props_scrolls_them_into_view(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    assert window.on_screen()
    save = window.layout["widgets"]["save"]
    hidden = window.layout["widgets"]["exercises.have=wall"]
    assert hidden["y"] > save["y"] - 60            # below the fold: the body scrolls
    # The last condition box in view (the ones after it are below the fold too), then Tab
    # through the rest of them to "A clear wall" and untick it.
    boxes = [key for key in window.layout["widgets"] if key.startswith("exercises.avoid=")]
    fold = window.layout["widgets"]["autostart"]["y"]
    seen = [key for key in boxes if (box := window.layout["widgets"][key])["y"] + box["height"]
            <= fold - 10]
    window.click_at(*window.centre(seen[-1]))
    wm_desktop.xdotool("key", *["Tab"] * (len(boxes) - len(seen) + 1), "space")
    layout = reported(window.geometry, lambda r: r["changed"] and r["widgets"][
        "exercises.have=wall"]["y"] < r["widgets"]["save"]["y"] - 60)
    time.sleep(0.2)
    wm_desktop.screenshot("settings_props_scrolled_1024x768.png")
    shown = layout["widgets"]["exercises.have=wall"]
    assert shown["y"] + shown["height"] <= layout["widgets"]["autostart"]["y"]
    wm_desktop.xdotool("key", "Return")
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"]
    ticked = seen[-1].split("=")[1]
    assert config.read_text() == (f'[exercises]\navoid = ["{ticked}"]\n'
                                  'have = ["doorway", "fixed_chair", "low_chair_back", "floor"]\n')


#: A stand-in player first on PATH: records what it was asked to play.
PLAYER = """#!/bin/sh
echo "$*" >> "$(/usr/bin/dirname "$0")/calls"
"""


def test_the_chime_is_turned_on_heard_at_its_volume_and_saved(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "pw-play").write_text(PLAYER)
    (stubs / "pw-play").chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(MY_FILE)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "PATH": f"{stubs}:{Path(sys.executable).parent}:/usr/bin:/bin"}
    window = open_window(wm_desktop, tmp_path, "settings", "--config", str(config), env=env)
    assert window.layout["enabled"] == {"play": True}
    window.click_at(*window.centre("prompt.sound"))
    retype(wm_desktop, window.layout, "prompt.volume", "101")
    layout = reported(window.geometry, lambda r: not r["enabled"]["play"])
    assert layout["save_enabled"] is False
    assert "Volume: 101 is more than 100 (expected a whole number from 0 to 100)" \
        in layout["messages"]
    retype(wm_desktop, window.layout, "prompt.volume", "40")
    reported(window.geometry, lambda r: r["enabled"]["play"] and r["save_enabled"])
    window.click_at(*window.centre("play"))
    calls = stubs / "calls"
    assert wait_until(calls.exists, 5)
    assert calls.read_text().split() == ["--volume=0.064", str(chime_path())]   # 40: 0.4 cubed
    time.sleep(0.2)
    wm_desktop.screenshot("settings_chime_1024x768.png")
    wm_desktop.xdotool("key", "Return")                             # Save
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"]
    assert changed_lines(MY_FILE, config.read_text()) == ["+sound = true", "+volume = 40"]


def test_play_without_a_player_says_what_to_install(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "PATH": str(Path(sys.executable).parent)}    # no pw-play, paplay or aplay on it
    window = open_window(wm_desktop, tmp_path, "settings", env=env)
    window.click_at(*window.centre("play"))
    reported(window.geometry, lambda r: r["status"] == MISSING_HINT)
    wm_desktop.xdotool("key", "Escape")
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"] is False
