"""The prompt window on a real X server: found by title, fits and is centred at 1024×768 and
1920×1080 (screenshots in tests/artifacts/), every button and key gives the right JSON, the input
guard, timeout, snooze cap and strict mode hold, and the tray side survives a killed window."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until

from traybreak.app.child_windows import launch_prompt
from traybreak.core.model import Feedback, Outcome, Reason
from traybreak.ui.protocol import PromptRequest
from traybreak.ui.toolkit import palette

pytestmark = pytest.mark.e2e

STRETCH = "seated_hip_flexor_stretch"   # per side: countdown switches sides
RELAX = "box_breathing"                 # shows the breathing pacer
FAST_GUARD = ["--guard-ms", "300"]


@dataclass
class Prompt:
    """A running ``traybreak prompt`` child and what its window reported about itself."""

    proc: subprocess.Popen[bytes]
    layout: dict[str, Any]
    desk: Desktop
    geometry: Path | None = None  # the test hook's file: again once the figure shows, at Done

    def figure_shown(self, timeout: float = 15.0) -> dict[str, Any]:
        """The window's report once its figure's frames are loaded."""
        assert self.geometry is not None
        loaded = wait_until(lambda: json.loads(self.geometry.read_text()).get("figure_frames")
                            if self.geometry else None, timeout)
        assert loaded, "the figure never showed"
        return dict(json.loads(self.geometry.read_text()))

    def centre(self, button: str) -> tuple[int, int]:
        box = self.layout["buttons"][button]
        return box["x"] + box["width"] // 2, box["y"] + box["height"] // 2

    def click(self, button: str) -> None:
        x, y = self.centre(button)
        # `mousemove --sync` to where the pointer already is waits forever: nudge every other time
        self.clicks = getattr(self, "clicks", 0) + 1
        self.desk.xdotool("mousemove", "--sync", x + self.clicks % 2, y, "click", "1")

    def key(self, name: str) -> None:
        win = self.desk.wait_for_window(name="traybreak$")
        self.desk.xdotool("windowfocus", "--sync", win)  # no WM: focus by hand, as documented
        self.desk.xdotool("key", name)

    def result(self, timeout: float = 10.0) -> dict[str, Any]:
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert len(lines) == 1, lines  # exactly one JSON line
        return dict(json.loads(lines[0]))

    def running(self) -> bool:
        return self.proc.poll() is None


def _isolated_env(tmp_path: Path, geometry: Path) -> dict[str, str]:
    return {
        "TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
        "TRAYBREAK_CONFIG": str(tmp_path / "no-config.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # the figures it draws are kept there
    }


def open_prompt(desk: Desktop, tmp_path: Path, *args: str) -> Prompt:
    """Start ``traybreak prompt ARGS`` on ``desk``; returns once the window reported its layout."""
    geometry = tmp_path / f"geometry-{time.monotonic_ns()}.json"
    proc = desk.spawn([sys.executable, "-m", "traybreak", "prompt", *args],
                      env=_isolated_env(tmp_path, geometry),
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not wait_until(geometry.exists, 15):
        proc.kill()
        raise AssertionError(f"window never mapped: {proc.communicate()[1].decode()[-800:]}")
    return Prompt(proc, json.loads(geometry.read_text()), desk, geometry)


@pytest.fixture
def hd_desktop() -> Iterator[Desktop]:
    """A bare Xvfb screen at 1920×1080."""
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop((1920, 1080)) as d:
        yield d


def _check_fits_and_centred(desk: Desktop, prompt: Prompt, least: tuple[int, int] = (600, 400),
                            ) -> None:
    win = desk.wait_for_window(name="traybreak$")
    g = desk.geometry(win)
    width, height = desk.size
    assert g.x >= 0 and g.y >= 0 and g.x + g.width <= width and g.y + g.height <= height, g
    assert abs((g.x + g.width / 2) - width / 2) <= 2, g
    assert abs((g.y + g.height / 2) - height / 2) <= 2, g
    assert g.width >= least[0] and g.height >= least[1], g  # not collapsed
    window = prompt.layout["window"]
    assert (window["x"], window["y"], window["width"], window["height"]) == \
        (g.x, g.y, g.width, g.height)
    for box in prompt.layout["buttons"].values():  # every button on screen, inside the window
        assert g.x <= box["x"] and box["x"] + box["width"] <= g.x + g.width
        assert g.y <= box["y"] and box["y"] + box["height"] <= g.y + g.height


def _pixel(shot: Path, x: int, y: int) -> str:
    from PIL import Image

    with Image.open(shot) as image:
        r, g, b = image.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return f"#{r:02X}{g:02X}{b:02X}"


@pytest.mark.parametrize(("exercise", "size"), [
    (STRETCH, (1024, 768)), (RELAX, (1024, 768)), (STRETCH, (1920, 1080)),
])
def test_window_fits_is_centred_and_is_drawn(exercise: str, size: tuple[int, int],
                                             tmp_path: Path) -> None:
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(size) as desk:
        prompt = open_prompt(desk, tmp_path, exercise, *FAST_GUARD)
        _check_fits_and_centred(desk, prompt)
        time.sleep(1.0)  # frames are drawn off the Tk thread; let them arrive
        shot = desk.screenshot(f"prompt_{exercise}_{size[0]}x{size[1]}.png")
        g = prompt.layout["window"]
        kind = palette.style_for(None if exercise is None else _kind(exercise))
        assert _pixel(shot, g["x"] + 6, g["y"] + 6) == kind.band  # the header band is there
        assert _pixel(shot, g["x"] + g["width"] // 2, g["y"] + g["height"] - 4) == palette.BODY_BG
        prompt.key("Escape")
        assert prompt.result()["outcome"] == "skipped"


def _figure_in(shot: Path, box: dict[str, int]) -> Any:
    from PIL import Image

    with Image.open(shot) as image:
        return image.convert("RGB").crop((box["x"], box["y"], box["x"] + box["width"],
                                          box["y"] + box["height"]))


def test_a_figure_drawn_before_shows_without_pillow_and_flips_for_the_other_side(
        xdesktop: Desktop, tmp_path: Path) -> None:
    # #18 point 12: the first window has the figure drawn by a process of its own, which keeps
    # it (figures/cache.py); the next reads the PNG files with Tk. No window loads Pillow. The
    # other side is Tk's flip of them, the same pixels the drawing's mirror gives.
    from PIL import Image, ImageChops

    from traybreak.ui.figures.draw import render_exercise

    shown = []
    for mirror in ((), (), ("--mirror",)):
        prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, *mirror)
        layout = prompt.figure_shown()
        shot = xdesktop.screenshot(tmp_path / f"figure-{len(shown)}.png")
        shown.append((layout, _figure_in(shot, layout["figure_box"])))
        time.sleep(0.4)  # past the input guard
        prompt.key("Escape")
        assert prompt.result()["outcome"] == "skipped"
    (first, drawn), (second, read), (third, flipped) = shown
    assert list((tmp_path / "cache" / "traybreak" / "figures").glob("*/*/index.json"))
    for layout in (first, second, third):
        heavy = {"PIL", "Xlib", "hashlib", "_hashlib", "numpy"} & set(layout["packages"])
        assert not heavy, f"a prompt window loaded {sorted(heavy)}"
        assert layout["figure_frames"] == 3
    assert ImageChops.difference(drawn, read).getbbox() is None  # the same pixels on screen
    size = first["figure"]
    expected = Image.new("RGB", (size, size), palette.BODY_BG)
    frame = render_exercise(load_builtin_stretch(), size=size, mirror=True)[0].image
    expected.paste(frame, (0, 0), frame)
    worst = max(high for _, high in ImageChops.difference(flipped, expected).getextrema())
    assert worst <= 2, f"the other side is not the drawing's mirror (off by {worst})"


def test_with_no_usable_cache_folder_the_window_draws_its_figure_itself(
        xdesktop: Desktop, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD)
    layout = prompt.figure_shown()
    assert layout["figure_frames"] == 3 and "PIL" in layout["packages"]  # drawn here
    time.sleep(0.4)  # past the input guard
    prompt.key("Escape")
    assert prompt.result()["outcome"] == "skipped"


def test_a_damaged_kept_figure_is_drawn_again(xdesktop: Desktop, tmp_path: Path) -> None:
    for damage in (False, True):
        if damage:
            (frame,) = (tmp_path / "cache" / "traybreak" / "figures").glob("*/*/1.png")
            frame.write_bytes(b"\x89PNG\r\n\x1a\n cut short")
        prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD)
        layout = prompt.figure_shown()
        assert layout["figure_frames"] == 3
        time.sleep(0.4)  # past the input guard
        prompt.key("Escape")
        assert prompt.result()["outcome"] == "skipped"
    assert "PIL" in layout["packages"]  # drawn in the window, and kept again
    assert frame.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and len(frame.read_bytes()) > 100


def load_builtin_stretch() -> Any:
    from traybreak.catalog.load import load_builtin

    return next(ex for ex in load_builtin() if ex.id == STRETCH)


def _kind(exercise_id: str) -> Any:
    from traybreak.catalog.load import load_catalog

    found = load_catalog().get(exercise_id)
    assert found is not None
    return found.kind


def test_message_reminder_window(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, "--message", "Drink a glass of water.",
                         "--title", "Water break", *FAST_GUARD)
    assert xdesktop.find_windows(name="^Water break .* traybreak$")
    _check_fits_and_centred(xdesktop, prompt, least=(500, 200))
    xdesktop.screenshot("prompt_message_1024x768.png")
    time.sleep(0.4)
    prompt.click("done")
    result = prompt.result()
    assert result["outcome"] == "done" and "exercise_id" not in result


def test_a_page_long_message_scrolls_and_keeps_the_buttons_on_screen(
        xdesktop: Desktop, tmp_path: Path) -> None:
    """10,000 characters made a 3,765 px tall window, its buttons far below the screen (#18)."""
    words = " ".join(f"word{n}" for n in range(1700))  # about 10,000 characters
    assert len(words) >= 10_000
    prompt = open_prompt(xdesktop, tmp_path, "--message", words, "--title", "T" * 300,
                         *FAST_GUARD)
    _check_fits_and_centred(xdesktop, prompt, least=(500, 200))
    xdesktop.screenshot("prompt_long_message_1024x768.png")
    time.sleep(0.4)
    prompt.click("done")
    assert prompt.result()["outcome"] == "done"


@pytest.mark.parametrize(("button", "outcome"), [
    ("done", "done"), ("snooze", "snoozed"), ("skip", "skipped"),
])
def test_each_button(xdesktop: Desktop, tmp_path: Path, button: str, outcome: str) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--occurrence", "12")
    time.sleep(0.4)
    prompt.click(button)
    result = prompt.result()
    assert (result["outcome"], result["via"], result["occurrence"]) == (outcome, "button", 12)
    assert result["exercise_id"] == STRETCH and result["elapsed_s"] > 0.3
    if outcome == "snoozed":
        assert result["snooze_s"] == 300


@pytest.mark.parametrize(("key", "outcome"), [
    ("Return", "done"), ("s", "snoozed"), ("Escape", "skipped"),
])
def test_each_key(xdesktop: Desktop, tmp_path: Path, key: str, outcome: str) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD)
    time.sleep(0.4)
    prompt.key(key)
    result = prompt.result()
    assert (result["outcome"], result["via"]) == (outcome, "key")


def test_input_inside_the_guard_is_ignored(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, "--guard-ms", "2500")
    prompt.key("Return")      # a stray keystroke from someone typing
    prompt.click("done")      # and a stray click
    time.sleep(0.5)
    assert prompt.running()
    time.sleep(2.2)
    prompt.key("Escape")
    result = prompt.result()
    assert result["outcome"] == "skipped" and result["elapsed_s"] >= 2.5


def test_timeout_is_ignored(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--timeout", "2s",
                         "--duration", "1s")
    result = prompt.result(timeout=15)
    assert (result["outcome"], result["reason"]) == ("ignored", "timeout")
    assert 2.9 <= result["elapsed_s"] < 6  # countdown 1 s + min(30 s, timeout 2 s)


@pytest.mark.parametrize(("snoozed", "buttons", "shot"), [
    ("2", ["done", "skip", "snooze"], "prompt_snooze_cap_1024x768.png"),
    # max_snoozes = 0 or a break taken now: no Snooze button at all (#15)
    ("0", ["done", "skip"], "prompt_no_snooze_1024x768.png"),
])
def test_snooze_disabled_at_the_cap_and_hidden_without_any(
        xdesktop: Desktop, tmp_path: Path, snoozed: str, buttons: list[str], shot: str) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--snoozes-left", "0",
                         "--snoozed", snoozed)
    assert sorted(prompt.layout["buttons"]) == buttons
    _check_fits_and_centred(xdesktop, prompt)
    time.sleep(0.4)
    xdesktop.screenshot(shot)
    if "snooze" in buttons:
        prompt.click("snooze")
    prompt.key("s")
    time.sleep(0.3)
    assert prompt.running()
    prompt.click("done")
    assert prompt.result()["outcome"] == "done"


def test_strict_mode_locks_skip(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--strict", "3s",
                         "--skips-left", "2")
    time.sleep(0.5)
    xdesktop.screenshot("prompt_strict_1024x768.png")
    prompt.click("skip")
    prompt.key("Escape")
    time.sleep(0.3)
    assert prompt.running()
    time.sleep(2.5)
    prompt.click("skip")
    result = prompt.result()
    assert result["outcome"] == "skipped" and result["elapsed_s"] >= 3


def test_no_skips_left_locks_skip(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--skips-left", "0")
    time.sleep(0.4)
    prompt.key("Escape")
    prompt.click("skip")
    time.sleep(0.3)
    assert prompt.running()
    prompt.key("Return")
    assert prompt.result()["outcome"] == "done"


def test_tray_side_answer_and_killed_window(xdesktop: Desktop, tmp_path: Path) -> None:
    geometry = tmp_path / "g.json"
    env = {**xdesktop.env, **_isolated_env(tmp_path, geometry)}
    answered = launch_prompt(PromptRequest(exercise_id=STRETCH, guard_ms=300, occurrence=1),
                             env=env)
    assert wait_until(geometry.exists, 15)
    box = json.loads(geometry.read_text())["buttons"]["done"]
    time.sleep(0.4)
    xdesktop.xdotool("mousemove", "--sync", box["x"] + 5, box["y"] + 5, "click", "1")
    result = answered.wait(10)
    assert result is not None and (result.outcome, result.occurrence) == (Outcome.DONE, 1)

    geometry.unlink()
    killed = launch_prompt(PromptRequest(exercise_id=STRETCH, occurrence=2,
                                         timeout=timedelta(minutes=2)), env=env)
    assert wait_until(geometry.exists, 15)
    assert killed.poll() is None
    os.kill(killed.pid, signal.SIGKILL)
    result = killed.wait(10)
    assert result is not None
    assert (result.outcome, result.reason, result.occurrence) == \
        (Outcome.IGNORED, Reason.CRASHED, 2)


EDITOR = """
import tkinter as tk
root = tk.Tk(); root.title("editor"); root.geometry("300x80+10+10")
entry = tk.Entry(root); entry.pack(); entry.focus_set()
root.bind("<Return>", lambda e: print(entry.get(), flush=True))
root.mainloop()
"""


def test_does_not_take_the_focus_from_a_typing_user(tmp_path: Path) -> None:
    missing = missing_tools(wm=True)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop((1024, 768), wm=True) as desk:
        editor = desk.spawn([sys.executable, "-c", EDITOR], stdout=subprocess.PIPE)
        typing_in = desk.wait_for_window(name="^editor$")
        time.sleep(0.3)
        desk.xdotool("windowactivate", "--sync", typing_in)
        prompt = open_prompt(desk, tmp_path, STRETCH, *FAST_GUARD)
        time.sleep(0.6)  # past the guard: only the focus rule protects the typist now
        assert int(desk.xdotool("getwindowfocus").strip()) == typing_in
        desk.xdotool("type", "--delay", "20", "yes sir")
        desk.xdotool("key", "Escape", "Return")
        time.sleep(0.3)
        assert prompt.running()  # S, Esc and Enter went to the editor, not the prompt
        prompt.click("done")  # a deliberate click still answers it
        assert prompt.result()["outcome"] == "done"
        editor.kill()
        assert editor.communicate()[0].decode().strip() == "yes sir"


def test_log_option_records_the_answer(xdesktop: Desktop, tmp_path: Path) -> None:
    from traybreak.store.prompt_log import Store

    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--log")
    time.sleep(0.4)
    prompt.click("snooze")
    assert prompt.result()["outcome"] == "snoozed"
    with Store.open(tmp_path / "data" / "traybreak" / "log.sqlite3", create=False) as store:
        rows = store.prompts()
    assert [(r.rule, r.exercise_id, r.outcome, r.snoozes) for r in rows] == \
        [("manual", STRETCH, Outcome.SNOOZED, 1)]
    assert rows[0].ended_at is not None and rows[0].shown_at is not None


def test_the_wordiest_cards_fit_at_1024x768(xdesktop: Desktop, tmp_path: Path) -> None:
    from traybreak.catalog.load import load_catalog

    def words(ex: Any) -> int:
        return sum(map(len, ex.steps)) + len(ex.why) + sum(map(len, ex.caution_texts))

    exercises = list(load_catalog())
    wordiest = {max(exercises, key=words).id}
    wordiest.add(max((e for e in exercises if e.breath), key=words).id)  # text + pacer
    for exercise in sorted(wordiest):
        prompt = open_prompt(xdesktop, tmp_path, exercise, *FAST_GUARD)
        _check_fits_and_centred(xdesktop, prompt)
        xdesktop.screenshot(f"prompt_wordiest_{exercise}_1024x768.png")
        time.sleep(0.4)  # past the input guard
        prompt.click("done")
        assert prompt.result()["outcome"] == "done"


def _close_like_a_window_manager(desk: Desktop) -> None:
    """Send WM_DELETE_WINDOW, what a title bar's close button does."""
    from Xlib import X, protocol

    conn = desk.x()
    window = conn.create_resource_object("window", desk.wait_for_window(name="traybreak$"))
    event = protocol.event.ClientMessage(
        window=window, client_type=conn.intern_atom("WM_PROTOCOLS"),
        data=(32, [conn.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
    window.send_event(event)
    conn.flush()


def test_window_close_is_skip_unless_skip_is_locked(xdesktop: Desktop, tmp_path: Path) -> None:
    locked = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD, "--skips-left", "0")
    time.sleep(0.4)
    _close_like_a_window_manager(xdesktop)
    time.sleep(0.3)
    assert locked.running()
    locked.click("done")
    assert locked.result()["outcome"] == "done"

    prompt = open_prompt(xdesktop, tmp_path, STRETCH, *FAST_GUARD)
    time.sleep(0.4)
    _close_like_a_window_manager(xdesktop)
    result = prompt.result()
    assert (result["outcome"], result["via"]) == ("skipped", "window-close")


def test_a_minimised_prompt_comes_back(tmp_path: Path) -> None:
    """With no taskbar, a minimised prompt would be lost until its timeout (#15): openbox
    iconifies it on request, the window maps itself again at once and can still be answered."""
    missing = missing_tools(wm=True)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop((1024, 768), wm=True) as desk:
        prompt = open_prompt(desk, tmp_path, STRETCH, *FAST_GUARD, "--strict", "5s")
        win = desk.wait_for_window(name="traybreak$")
        before = desk.geometry(win)
        for _ in range(2):  # a second minimise is restored as well
            desk.xdotool("windowminimize", win)
            time.sleep(0.8)
            assert desk.is_viewable(win)
            assert desk.x().create_resource_object("window", win).get_wm_state().state == 1
        assert desk.geometry(win) == before
        assert prompt.running()
        prompt.click("done")
        assert prompt.result()["outcome"] == "done"


def _feedback_boxes(prompt: Prompt) -> dict[str, dict[str, int]]:
    """The feedback buttons' boxes, once the window has rewritten its layout after Done."""
    assert prompt.geometry is not None

    def boxes() -> dict[str, dict[str, int]]:
        with contextlib.suppress(OSError, ValueError):
            return dict(json.loads(prompt.geometry.read_text()).get("feedback") or {})
        return {}

    assert wait_until(lambda: bool(boxes()), 10), "no feedback row after Done"
    return boxes()


def test_feedback_after_done_lands_in_the_log_with_the_level(xdesktop: Desktop,
                                                             tmp_path: Path) -> None:
    """#16 point 4: after Done, "Too easy / Too hard / This hurts" take the buttons' place; the
    choice ends the prompt done and is logged with its row, at the level shown."""
    from traybreak.store.prompt_log import Store

    prompt = open_prompt(xdesktop, tmp_path, "wall_angel", *FAST_GUARD, "--log", "--level", "2")
    assert prompt.layout["feedback"] == {}  # nothing to choose before Done
    xdesktop.screenshot("prompt_level_1024x768.png")
    time.sleep(0.4)
    prompt.click("done")
    boxes = _feedback_boxes(prompt)
    assert sorted(boxes) == ["hurts", "too_easy", "too_hard"]
    assert prompt.running()  # Done alone does not close it while the choices are up
    win = xdesktop.geometry(xdesktop.wait_for_window(name="traybreak$"))
    for box in boxes.values():
        assert win.x <= box["x"] and box["x"] + box["width"] <= win.x + win.width
        assert win.y <= box["y"] and box["y"] + box["height"] <= win.y + win.height
    time.sleep(0.5)  # past the double-click guard
    xdesktop.screenshot("prompt_feedback_1024x768.png")
    x, y = boxes["too_easy"]["x"] + 8, boxes["too_easy"]["y"] + 8
    xdesktop.xdotool("mousemove", "--sync", x, y, "click", "1")
    result = prompt.result()
    assert (result["outcome"], result["feedback"]) == ("done", "too_easy")
    with Store.open(tmp_path / "data" / "traybreak" / "log.sqlite3", create=False) as store:
        rows = store.prompts()
    assert [(r.exercise_id, r.outcome, r.feedback, r.level) for r in rows] == \
        [("wall_angel", Outcome.DONE, Feedback.TOO_EASY, 2)]


def test_feedback_is_optional_and_a_one_level_card_offers_only_this_hurts(
        xdesktop: Desktop, tmp_path: Path) -> None:
    from traybreak.store.prompt_log import Store

    prompt = open_prompt(xdesktop, tmp_path, "seated_neck_rotation", *FAST_GUARD, "--log")
    time.sleep(0.4)
    prompt.key("Return")
    assert sorted(_feedback_boxes(prompt)) == ["hurts"]  # no levels to move between
    xdesktop.screenshot("prompt_feedback_one_level_1024x768.png")
    prompt.key("Escape")  # closes it: still done, nothing added
    result = prompt.result()
    assert result["outcome"] == "done" and "feedback" not in result
    with Store.open(tmp_path / "data" / "traybreak" / "log.sqlite3", create=False) as store:
        rows = store.prompts()
    assert [(r.outcome, r.feedback, r.level) for r in rows] == [(Outcome.DONE, None, None)]


def test_the_feedback_row_closes_by_itself_as_done(xdesktop: Desktop, tmp_path: Path) -> None:
    prompt = open_prompt(xdesktop, tmp_path, "wall_angel", *FAST_GUARD, "--feedback", "2s")
    time.sleep(0.4)
    prompt.click("done")
    _feedback_boxes(prompt)
    result = prompt.result(timeout=10)
    assert result["outcome"] == "done" and "feedback" not in result
    assert result["elapsed_s"] < 2  # the time Done was pressed, not when the row closed


def test_the_tray_side_reads_the_feedback(xdesktop: Desktop, tmp_path: Path) -> None:
    """The window the tray starts (launch_prompt) reports "This hurts" to the tray's reader."""
    geometry = tmp_path / "g.json"
    env = {**xdesktop.env, **_isolated_env(tmp_path, geometry)}
    window = launch_prompt(PromptRequest(exercise_id="wall_angel", guard_ms=300, occurrence=4,
                                         level=1, levels=3, feedback=timedelta(seconds=8)),
                           env=env)
    assert wait_until(geometry.exists, 15)
    prompt = Prompt(cast(Any, None), json.loads(geometry.read_text()), xdesktop, geometry)
    time.sleep(0.4)
    prompt.click("done")
    hurts = _feedback_boxes(prompt)["hurts"]
    time.sleep(0.5)
    xdesktop.xdotool("mousemove", "--sync", hurts["x"] + 8, hurts["y"] + 8, "click", "1")
    result = window.wait(10)
    assert result is not None
    assert (result.outcome, result.feedback, result.occurrence) == \
        (Outcome.DONE, Feedback.HURTS, 4)
