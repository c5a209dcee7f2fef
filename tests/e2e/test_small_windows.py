"""The small windows on a real X server with openbox: the panel opens at the pointer and wholly on
screen, clicks and keys give the entry's command, Esc / a click elsewhere / the timeout give null;
the history window opens with a populated log and with none; the about window opens and closes.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until
from ui.history.test_history import write_sample_log

from traybreak.store.prompt_log import Store
from traybreak.ui.menu import MenuFacts, build_menu
from traybreak.ui.protocol import panel_args

pytestmark = pytest.mark.e2e

MENU = build_menu(MenuFacts(paused=False, done_today=5, skipped_today=1, autostart=True))


@pytest.fixture
def wm_desktop() -> Iterator[Desktop]:
    """Xvfb 1024x768 with openbox (no tray: the windows are started directly)."""
    missing = missing_tools(wm=True)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(wm=True) as desk:
        yield desk


@pytest.fixture
def bare_desktop() -> Iterator[Desktop]:
    """Xvfb with no window manager at all."""
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop() as desk:
        yield desk


@dataclass
class Window:
    """A running window child and the layout it reported about itself."""

    proc: subprocess.Popen[bytes]
    layout: dict[str, Any]
    desk: Desktop
    geometry: Path

    def reread(self) -> dict[str, Any]:
        """The layout as the window last reported it (windows that change report again)."""
        self.layout = json.loads(self.geometry.read_text(encoding="utf-8"))
        return self.layout

    def centre(self, key: str, group: str = "widgets") -> tuple[int, int]:
        box = self.layout[group][key]
        return box["x"] + box["width"] // 2, box["y"] + box["height"] // 2

    def click_at(self, x: int, y: int) -> None:
        self.desk.xdotool("mousemove", x, y, "click", "1")

    def result(self, timeout: float = 10.0) -> dict[str, Any]:
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert len(lines) == 1, lines
        return dict(json.loads(lines[0]))

    def on_screen(self) -> bool:
        w, (sw, sh) = self.layout["window"], self.desk.size
        return bool(w["x"] >= 0 and w["y"] >= 0 and w["x"] + w["width"] <= sw
                and w["y"] + w["height"] <= sh)


def open_window(desk: Desktop, tmp_path: Path, *args: str,
                env: dict[str, str] | None = None) -> Window:
    """Start ``traybreak ARGS``; returns once the window has reported where its parts are.
    ``env`` adds to the window's environment."""
    geometry = tmp_path / f"geometry-{time.monotonic_ns()}.json"
    env = {"TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
           "TRAYBREAK_CONFIG": str(tmp_path / "no-config.toml"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           **(env or {})}
    proc = desk.spawn([sys.executable, "-m", "traybreak", *args], env=env,
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not wait_until(lambda: geometry.exists() or proc.poll() is not None, 10.0):
        raise TimeoutError(f"no window for {args}")
    if proc.poll() is not None:
        raise AssertionError(proc.communicate()[1].decode())
    return Window(proc, json.loads(geometry.read_text(encoding="utf-8")), desk, geometry)


def open_panel(desk: Desktop, tmp_path: Path, pointer: tuple[int, int],
               timeout_s: float = 30.0, header: str = "Stretch in 12 min") -> Window:
    """The panel as the tray opens it (panel_args), after moving the pointer to ``pointer``."""
    desk.xdotool("mousemove", *pointer)
    args = panel_args(MENU, header=header, timeout_s=timeout_s)
    return open_window(desk, tmp_path, "panel", *args)


# -- the panel ---------------------------------------------------------------------------------

def test_panel_opens_at_a_top_right_tray_and_a_click_gives_the_command(
        wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (1010, 10))
    win = wm_desktop.wait_for_window(name="^traybreak menu$")
    assert wm_desktop.is_viewable(win)
    real = wm_desktop.geometry(win)
    box = panel.layout["window"]
    assert (real.x, real.y, real.width, real.height) == (
        box["x"], box["y"], box["width"], box["height"])
    assert panel.on_screen()
    # opened beside the pointer: flipped left of it (no room on the right), just below it
    assert real.x + real.width == 1010 - 2 and real.y == 12
    assert panel.layout["grabbed"] is True
    wm_desktop.xdotool("mousemove", *panel.centre("open-settings"))  # hover highlights the row
    time.sleep(0.2)
    wm_desktop.screenshot("panel_top_right_1024x768.png")
    panel.click_at(*panel.centre("pause 1h"))
    assert panel.result() == {"command": "pause 1h", "via": "click"}


def test_panel_above_a_bottom_tray_and_esc_gives_null(
        wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (20, 760))
    box = panel.layout["window"]
    assert panel.on_screen()
    assert box["x"] == 22 and box["y"] + box["height"] == 760 - 2
    wm_desktop.xdotool("key", "Escape")
    assert panel.result() == {"command": None, "via": "escape"}


def test_panel_keyboard_arrows_and_enter(wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (500, 300))
    wm_desktop.xdotool("key", "Down", "Right", "Right", "Right", "Down", "Tab", "Up")
    # stretch -> strengthen -> relax -> (Right stops at the row's end) -> 30 min -> 1 h -> 30 min
    wm_desktop.xdotool("key", "Return")
    assert panel.result() == {"command": "pause 30m", "via": "key"}


def test_panel_checkbox_row_and_disabled_rows(wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (300, 200))
    panel.click_at(*panel.centre("Resume", "rows"))     # not paused: greyed, does nothing
    time.sleep(0.3)
    assert panel.proc.poll() is None
    panel.click_at(*panel.centre("autostart off"))          # the box is ticked: a click unticks
    assert panel.result() == {"command": "autostart off", "via": "click"}


def test_panel_click_elsewhere_gives_null(wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (300, 200))
    box = panel.layout["window"]
    panel.click_at(box["x"] + box["width"] + 150, box["y"] + box["height"] // 2)
    assert panel.result() == {"command": None, "via": "outside"}


def test_panel_times_out_with_null(wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (300, 200), timeout_s=1)
    assert panel.result(timeout=5) == {"command": None, "via": "timeout"}


def keep_moving(desk: Desktop, spots: list[tuple[int, int]]) -> threading.Event:
    """Move the pointer between ``spots`` every 0.1 s until the returned event is set."""
    stop = threading.Event()

    def move() -> None:
        turn = 0
        while not stop.wait(0.1):
            desk.xdotool("mousemove", *spots[turn % len(spots)], check=False)
            turn += 1

    threading.Thread(target=move, daemon=True).start()
    return stop


def test_panel_times_out_while_the_pointer_moves_elsewhere(
        wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (300, 200), timeout_s=1)
    box = panel.layout["window"]
    right = box["x"] + box["width"] + 100
    stop = keep_moving(wm_desktop, [(right, 300), (right + 40, 340)])
    try:  # (the pointer moving anywhere used to restart the timeout: it never ended)
        assert panel.result(timeout=3) == {"command": None, "via": "timeout"}
    finally:
        stop.set()


def test_panel_closes_in_the_end_however_long_the_pointer_moves_over_it(
        wm_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(wm_desktop, tmp_path, (300, 200), timeout_s=1)
    stop = keep_moving(wm_desktop, [panel.centre("pause 1h"), panel.centre("pause 30m")])
    try:  # activity restarts the 1 s timeout, but at 4 timeouts it closes itself
        started = time.monotonic()
        assert panel.result(timeout=8) == {"command": None, "via": "timeout"}
        assert time.monotonic() - started > 2
    finally:
        stop.set()


def test_a_long_header_wraps_to_the_menus_width(wm_desktop: Desktop, tmp_path: Path) -> None:
    six = ("Stretch in 12 min · Strengthen in 41 min · Water in 3 min · Eyes in 8 min · "
           "Walk at 12:30 · Relax at 15:30 · 5 done today")
    short = open_panel(wm_desktop, tmp_path, (300, 200))
    wm_desktop.xdotool("key", "Escape")
    short.result()
    panel = open_panel(wm_desktop, tmp_path, (300, 200), header=six)
    time.sleep(0.2)
    wm_desktop.screenshot("panel_six_rules_1024x768.png")
    # as wide as with one rule (it was 1,250 px: one line), and only taller
    assert panel.layout["window"]["width"] == short.layout["window"]["width"]
    assert panel.layout["window"]["height"] > short.layout["window"]["height"]
    wm_desktop.xdotool("key", "Escape")
    assert panel.result() == {"command": None, "via": "escape"}


def test_panel_without_a_window_manager_still_takes_keys(
        bare_desktop: Desktop, tmp_path: Path) -> None:
    panel = open_panel(bare_desktop, tmp_path, (1010, 10))
    assert panel.on_screen() and panel.layout["grabbed"] is True
    bare_desktop.xdotool("key", "End", "Return")        # no focus given by anyone: the grab
    assert panel.result() == {"command": "quit", "via": "key"}


def test_panel_without_the_grab_closes_when_focus_goes_elsewhere(
        wm_desktop: Desktop, tmp_path: Path) -> None:
    from Xlib import X

    conn = wm_desktop.x()        # another program holds the pointer for the whole test
    held = conn.screen().root.grab_pointer(False, X.ButtonPressMask, X.GrabModeAsync,
                                           X.GrabModeAsync, X.NONE, X.NONE, X.CurrentTime)
    conn.sync()
    assert held == X.GrabSuccess
    panel = open_panel(wm_desktop, tmp_path, (300, 200))
    assert panel.layout["grabbed"] is False
    assert panel.proc.poll() is None                   # still open: it has the focus
    about = open_window(wm_desktop, tmp_path, "about", "--window")  # takes the focus
    assert panel.result() == {"command": None, "via": "focus-lost"}
    conn.ungrab_pointer(X.CurrentTime)
    conn.sync()
    wm_desktop.xdotool("key", "Escape")
    assert about.result() == {"closed": True}


# -- history and about ---------------------------------------------------------------------------

def test_history_window_with_a_log(wm_desktop: Desktop, tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    assert isinstance(now.tzinfo, timezone)
    write_sample_log(tmp_path / "data" / "traybreak" / "log.sqlite3", now.date(), now.tzinfo)
    _history_opens_and_closes(wm_desktop, tmp_path, "history_1024x768.png")


def _history_opens_and_closes(desk: Desktop, tmp_path: Path, shot: str) -> None:
    """Open `traybreak history --window`, check it is on screen, keep a screenshot, Esc."""
    window = open_window(desk, tmp_path, "history", "--window")
    assert desk.wait_for_window(name="^traybreak history$")
    assert window.on_screen()
    time.sleep(0.2)
    desk.screenshot(shot)
    desk.xdotool("key", "Escape")
    assert window.result() == {"closed": True}


def test_history_window_with_levels_and_a_resting_exercise(wm_desktop: Desktop,
                                                           tmp_path: Path) -> None:
    """#16 point 4: the Progress list (levels, a card resting after "This hurts") fits."""
    from traybreak.core.model import Feedback, Kind, Outcome, PromptRecord

    now = datetime.now().astimezone()
    assert isinstance(now.tzinfo, timezone)
    db = write_sample_log(tmp_path / "data" / "traybreak" / "log.sqlite3", now.date(), now.tzinfo)
    with Store.open(db) as store:
        for hours, exercise, feedback in ((5, "wall_angel", Feedback.TOO_EASY),
                                          (3, "wall_side_plank", Feedback.TOO_EASY),
                                          (2, "sit_to_stand", Feedback.HURTS)):
            at = now - timedelta(hours=hours)
            store.add_prompt(PromptRecord(
                rule="strengthen", kind=Kind.STRENGTHEN, due_at=at, exercise_id=exercise,
                shown_at=at, ended_at=at + timedelta(minutes=2), outcome=Outcome.DONE,
                feedback=feedback, level=1))
    _history_opens_and_closes(wm_desktop, tmp_path, "history_progress_1024x768.png")


def test_history_window_without_a_log(wm_desktop: Desktop, tmp_path: Path) -> None:
    window = open_window(wm_desktop, tmp_path, "history", "--window")
    assert window.on_screen()
    time.sleep(0.2)
    wm_desktop.screenshot("history_empty_1024x768.png")
    window.click_at(*window.centre("close"))
    assert window.result() == {"closed": True}
    assert not (tmp_path / "data" / "traybreak").exists()   # a reader creates nothing


def test_about_window(wm_desktop: Desktop, tmp_path: Path) -> None:
    window = open_window(wm_desktop, tmp_path, "about", "--window")
    assert wm_desktop.wait_for_window(name="^About traybreak$")
    assert window.on_screen()
    time.sleep(0.2)
    wm_desktop.screenshot("about_1024x768.png")
    wm_desktop.xdotool("key", "Return")
    assert window.result() == {"closed": True}


# -- where the settings file is ------------------------------------------------------------------

def clipboard(desk: Desktop) -> str:
    """The CLIPBOARD's text on this display, as another program would paste it."""
    done = subprocess.run([sys.executable, "-c", "import tkinter as tk; r = tk.Tk(); "
                           "r.withdraw(); print(r.clipboard_get(), end='')"], env=desk.env,
                          capture_output=True, text=True, timeout=10, check=False)
    return done.stdout


@pytest.mark.parametrize("exists", [False, True])
def test_settings_file_window_shows_the_path_and_copies_it(
        wm_desktop: Desktop, tmp_path: Path, exists: bool) -> None:
    config = tmp_path / "my settings" / "config.toml"
    if exists:
        config.parent.mkdir()
        config.write_text("[prompt]\nsnooze = \"10m\"\n")
    window = open_window(wm_desktop, tmp_path, "config", "path", "--config", str(config),
                         "--window")
    assert wm_desktop.wait_for_window(name="^Settings file")
    assert window.on_screen()
    assert ("copy-command" in window.layout["widgets"]) is not exists
    window.click_at(*window.centre("copy-path"))
    assert wait_until(lambda: clipboard(wm_desktop) == str(config), 5), clipboard(wm_desktop)
    if not exists:   # the command that starts a file, quoted for the shell
        window.click_at(*window.centre("copy-command"))
        assert wait_until(lambda: clipboard(wm_desktop) == f"mkdir -p '{config.parent}' && "
                          f"traybreak config defaults > '{config}'", 5)
    time.sleep(0.2)
    wm_desktop.screenshot(f"settings_file_{'exists' if exists else 'missing'}_1024x768.png")
    wm_desktop.xdotool("key", "Escape")
    assert window.result() == {"closed": True}
    assert config.exists() is exists    # shown, never written
