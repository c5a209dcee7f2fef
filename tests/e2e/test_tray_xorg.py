"""The fixes for pystray 0.19.5's xorg backend (traybreak.ui.tray.icon), each shown to matter.

Every fix is tested twice on a real Xvfb: with all fixes the icon behaves; with all fixes *but
that one* the upstream bug shows up (ANY_BUTTON and TRAY_BACKGROUND, which a user meets in the
panel, in tests/e2e/test_tray_xorg_panel.py). The probe program is tests/e2e/xorg_icon_probe.py.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from e2e.xdesktop import Desktop, end_process, wait_until

PROBE = Path(__file__).with_name("xorg_icon_probe.py")
ALL = "all"
#: trayer's panel colour with its default options here (GTK 2's default theme).
LIGHT_PANEL = (220, 218, 213)


def all_but(fix: str) -> str:
    from traybreak.ui.tray.icon import XorgFix

    return ",".join(sorted(f.value for f in XorgFix if f.value != fix))


class Probe:
    """The probe program on a desktop: stdout lines arrive in a queue, commands go to stdin."""

    def __init__(self, desktop: Desktop, name: str, fixes: str, *, detached: bool = False,
                 late_update: bool = False, finalize: bool = False, slow_draw: bool = False,
                 stop_on_click: bool = False, hold_ready: bool = False, look: str | None = None):
        flags = {"--detached": detached, "--late-update": late_update, "--finalize": finalize,
                 "--slow-draw": slow_draw, "--stop-on-click": stop_on_click,
                 "--hold-ready": hold_ready}
        argv = [sys.executable, str(PROBE), name, "--fixes", fixes] + [
            flag for flag, wanted in flags.items() if wanted] + (["--look", look] if look else [])
        self.proc = desktop.spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.window = int(self.expect("window", timeout=10).split()[1])

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float) -> str:
        """The next stdout line starting with ``prefix``; AssertionError after ``timeout``."""
        line = self.maybe(prefix, timeout)
        assert line is not None, f"probe said no {prefix!r} within {timeout} s"
        return line

    def maybe(self, prefix: str, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line.startswith(prefix):
                return line
        return None

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def stop(self, within: float = 2.0) -> float | None:
        """Ask the probe to stop; seconds until the process exited, None if it hung."""
        started = time.monotonic()
        self.send("stop")
        try:
            self.proc.wait(timeout=within)
        except subprocess.TimeoutExpired:
            return None
        return time.monotonic() - started

    def end(self) -> None:
        end_process(self.proc)


class FakeTrayManager:
    """Owns _NET_SYSTEM_TRAY_S0 and only counts REQUEST_DOCK messages (it never embeds)."""

    def __init__(self, display_name: str) -> None:
        from Xlib import X, display

        self.conn = display.Display(display_name)
        screen = self.conn.screen()
        self.window = screen.root.create_window(0, 0, 1, 1, 0, screen.root_depth)
        self.opcode = self.conn.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
        self.window.set_selection_owner(self.conn.intern_atom("_NET_SYSTEM_TRAY_S0"),
                                        X.CurrentTime)
        self.conn.sync()

    def dock_requests(self, listen_s: float) -> list[int]:
        """Window ids asking to dock, gathered for ``listen_s`` seconds."""
        from Xlib import X

        requests: list[int] = []
        deadline = time.monotonic() + listen_s
        while time.monotonic() < deadline:
            while self.conn.pending_events():
                ev: Any = self.conn.next_event()
                if ev.type == X.ClientMessage and ev.client_type == self.opcode:
                    _, data = ev.data
                    if data[1] == 0:  # SYSTEM_TRAY_REQUEST_DOCK
                        requests.append(int(data[2]))
            time.sleep(0.02)
        return requests

    def close(self) -> None:
        self.conn.close()


def start_docked(desktop: Desktop, fixes: str, name: str = "tbprobe",
                  look: str | None = None, **options: bool) -> Probe:
    """The probe with ``fixes``, docked in the desktop's tray and viewable."""
    probe = Probe(desktop, name, fixes, look=look, **options)
    assert desktop.wait_docked(probe.window, timeout=2), "icon did not dock within 2 s"
    assert wait_until(lambda: desktop.is_viewable(probe.window), 2)
    return probe


# -- no display needed ------------------------------------------------------------------------


def _run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_importing_the_tray_module_does_nothing() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYSTRAY_BACKEND")}
    done = _run_python(
        "import sys, traybreak.ui.tray.icon\n"
        "loaded = [m for m in ('pystray', 'Xlib', 'PIL') if m in sys.modules]\n"
        "assert not loaded, loaded", env)
    assert done.returncode == 0, done.stderr


def test_no_display_is_a_one_line_user_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env["PYSTRAY_BACKEND"] = "xorg"
    done = _run_python(
        "from traybreak.errors import UserError, ExitStatus\n"
        "from traybreak.ui.tray import icon as tray\n"
        "try:\n    tray.load_pystray()\n"
        "except UserError as e:\n"
        "    assert e.status == ExitStatus.NO_DISPLAY and '\\n' not in str(e), e\n"
        "    print('ok', e)\n", env)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr


# -- on Xvfb ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_fixes_are_not_applied_to_another_pystray_version(xdesktop: Desktop) -> None:
    env = dict(xdesktop.env, PYSTRAY_BACKEND="xorg")
    done = _run_python(
        "import logging; logging.basicConfig()\n"
        "from traybreak.ui.tray import icon as tray\n"
        "pystray = tray.load_pystray()\n"
        "assert tray.icon_class() is not pystray.Icon\n"
        "tray.pystray_version = lambda: '0.20.0'\n"
        "assert tray.icon_class() is pystray.Icon\n", env)
    assert done.returncode == 0, done.stderr
    assert "pystray 0.20.0 is not 0.19.5" in done.stderr
    assert "NOT applied" in done.stderr


@pytest.mark.e2e
def test_fix_clicks_a_click_on_the_docked_icon_runs_the_default_action(
        tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, ALL)
    try:
        # pystray names the window after the icon: WM_CLASS ("tbprobeSystemTrayIcon", "tbprobe").
        assert tray_desktop.wait_for_window(classname="tbprobeSystemTrayIcon") == probe.window
        assert tray_desktop.find_windows(class_="^tbprobe$") == [probe.window]
        time.sleep(0.2)  # the icon is drawn right after docking; let the picture settle
        shot = tray_desktop.screenshot("tray_xorg_docked.png")
        geo = tray_desktop.geometry(probe.window)
        _assert_icon_drawn(shot, geo)
        tray_desktop.click(probe.window)
        probe.expect("activated", timeout=2)
    finally:
        probe.end()


def _assert_icon_drawn(shot: Path, geo: Any) -> None:
    from PIL import Image

    with Image.open(shot) as img:
        pixel = img.convert("RGB").getpixel(geo.centre)
    assert isinstance(pixel, tuple)
    r, g, b = pixel[:3]
    assert r > 180 and g < 90 and b < 90, f"icon not drawn at {geo}: pixel {(r, g, b)}"


def slot_square(shot: Path, geo: Any) -> Any:
    """The square of the icon window at ``geo`` where the look is drawn, from screenshot
    ``shot``, as an RGB PIL image."""
    from PIL import Image

    side = min(geo.width, geo.height)
    left, top = geo.x + (geo.width - side) // 2, geo.y + (geo.height - side) // 2
    with Image.open(shot) as img:
        return img.convert("RGB").crop((left, top, left + side, top + side))


def look_over(look: Any, side: int, panel: tuple[int, int, int]) -> Any:
    """``look`` (a TrayLook) drawn at ``side`` px over the colour ``panel``, by Pillow."""
    from PIL import Image

    from traybreak.ui.tray.looks import slot_pixels

    picture = Image.frombytes("RGBA", (side, side), slot_pixels(look, side))
    ground = Image.new("RGBA", (side, side), (*panel, 255))
    return Image.alpha_composite(ground, picture).convert("RGB")


def differs_by(shown: Any, expected: Any) -> int:
    """The largest difference of any channel of any pixel between two RGB images."""
    return max(abs(a - b) for a, b in zip(shown.tobytes(), expected.tobytes(), strict=True))


@pytest.mark.e2e
@pytest.mark.parametrize("look", ["active", "prompt"])
def test_fix_slot_looks_puts_the_pre_drawn_look_without_loading_pillow(
        tray_desktop: Desktop, look: str) -> None:
    from traybreak.ui.tray.looks import TrayLook, TrayState

    probe = start_docked(tray_desktop, ALL, look=look)
    try:
        time.sleep(0.2)  # the icon is drawn right after docking; let the picture settle
        shot = tray_desktop.screenshot(f"tray_xorg_slot_look_{look}.png")
        geo = tray_desktop.geometry(probe.window)
        shown, side = slot_square(shot, geo), min(geo.width, geo.height)
        # Over trayer's own background (XorgFix.TRAY_BACKGROUND); blended without Pillow, so
        # a channel may be rounded the other way.
        expected = look_over(TrayLook(TrayState(look)), side, LIGHT_PANEL)
        assert differs_by(shown, expected) <= 1, f"look not shown at {geo}"
        probe.send("pillow")
        assert probe.expect("pillow", timeout=2) == "pillow absent"
    finally:
        probe.end()


@pytest.mark.e2e
def test_without_fix_slot_looks_drawing_the_look_loads_pillow(tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, all_but("slot-looks"), look="active")
    try:
        probe.send("pillow")
        assert probe.expect("pillow", timeout=2) == "pillow loaded"
    finally:
        probe.end()


@pytest.mark.e2e
def test_without_fix_clicks_the_click_is_lost(tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, all_but("clicks"))
    try:
        tray_desktop.click(probe.window)
        assert probe.maybe("activated", timeout=1.5) is None
    finally:
        probe.end()


@pytest.mark.e2e
@pytest.mark.parametrize(("fixes", "expected"), [(ALL, 1), (all_but("dock-once"), 2)])
def test_fix_dock_once_sends_one_dock_request(xdesktop: Desktop, fixes: str,
                                              expected: int) -> None:
    manager = FakeTrayManager(xdesktop.display_name)
    try:
        probe = Probe(xdesktop, "tbprobe", fixes)
        requests = manager.dock_requests(listen_s=1.0)
        assert requests == [probe.window] * expected
    finally:
        manager.close()


@pytest.mark.e2e
@pytest.mark.parametrize(("fixes", "expected"), [(ALL, 0), (all_but("show-on-loop"), 2)])
def test_fix_show_on_loop_shows_without_cross_thread_handoff(
        tray_desktop: Desktop, fixes: str, expected: int) -> None:
    probe = start_docked(tray_desktop, fixes)
    try:
        probe.send("handoffs")
        assert probe.expect("handoffs", timeout=2) == f"handoffs {expected}"
    finally:
        probe.end()


@pytest.mark.e2e
def test_fix_show_on_loop_a_stop_as_soon_as_the_icon_shows_ends_the_loop(
        tray_desktop: Desktop) -> None:
    # The icon docks while the loop's thread shows it, before pystray counts the icon as
    # running, and pystray's stop() does nothing to an icon not running: a stop right after
    # the icon appeared was dropped and the icon stayed (1 start in ~300 under load). The probe
    # holds its loop in that moment until the stop has been handed over or dropped.
    probe = Probe(tray_desktop, "tbprobe", ALL, hold_ready=True)
    try:
        assert tray_desktop.wait_docked(probe.window, timeout=2)
        probe.expect("shown", timeout=2)
        assert probe.stop(within=2.0) is not None, "the stop was dropped: the icon runs on"
        assert probe.expect("stopped", timeout=1) == "stopped foreign=0"
        assert probe.proc.returncode == 0
    finally:
        probe.end()


@pytest.mark.e2e
def test_fix_safe_handoff_stop_never_writes_on_the_loop_connection(
        tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, ALL)
    took = probe.stop(within=2.0)
    assert took is not None, "the icon did not exit within 2 s of stop()"
    assert probe.expect("stopped", timeout=1) == "stopped foreign=0"
    assert probe.proc.returncode == 0


@pytest.mark.e2e
def test_without_fix_safe_handoff_stop_uses_the_loop_connection(tray_desktop: Desktop) -> None:
    probe = start_docked(tray_desktop, all_but("safe-handoff"))
    try:
        took = probe.stop(within=2.0)
        if took is not None:  # it did not hang this time (it does in ~15 % of runs)
            line = probe.expect("stopped", timeout=1)
            assert line != "stopped foreign=0", line
    finally:
        probe.end()


@pytest.mark.e2e
@pytest.mark.parametrize(("fixes", "returns"), [(ALL, True), (all_but("safe-handoff"), False)])
def test_fix_safe_handoff_a_call_after_the_loop_ended_returns_at_once(
        tray_desktop: Desktop, fixes: str, returns: bool) -> None:
    # The app's main thread runs the loop, then shuts down while the engine thread still
    # refreshes the icon: upstream waits forever for the ended loop to answer.
    # The click stops the icon on the loop's thread, so no hand-off is pending when the loop
    # ends. A stop() from another thread would leave the loop's answer in the icon's queue
    # for a moment, and upstream's late call could take it and return at once, leaving the
    # stopping thread to wait instead (1 run in ~10 under load); without the fix, that stop()
    # could also hang by itself (test_without_fix_safe_handoff_stop_uses_the_loop_connection).
    probe = start_docked(tray_desktop, fixes, late_update=True, stop_on_click=True)
    try:
        tray_desktop.click(probe.window)
        probe.expect("activated", timeout=2)
        probe.expect("stopped", timeout=2)
        late = probe.expect("late", timeout=5)
        if returns:
            assert late != "late hung" and float(late.split()[1]) < 0.5, late
        else:
            assert late == "late hung"
    finally:
        probe.end()


@pytest.mark.e2e
@pytest.mark.parametrize("fixes", [ALL, all_but("display-gone")])
@pytest.mark.parametrize("loop", ["waiting", "drawing"])
def test_fix_display_gone_the_loop_ends_quietly_at_logout(tray_desktop: Desktop, fixes: str,
                                                          loop: str) -> None:
    # The loop notices the closed connection while waiting for the next event, or inside a
    # handler (a redraw) that talks to the server.
    probe = Probe(tray_desktop, "tbprobe", fixes, finalize=True, slow_draw=loop == "drawing")
    try:
        assert tray_desktop.wait_docked(probe.window, timeout=2)
        time.sleep(0.6)  # past the redraws that come with docking
        if loop == "drawing":
            tray_desktop.xdotool("windowsize", probe.window, 20, 20)  # a ConfigureNotify
            probe.expect("drawing", timeout=2)
        tray_desktop.kill_server()
        probe.expect("stopped", timeout=2)  # the loop ended with the display
        probe.proc.wait(timeout=2)
        assert probe.proc.stderr is not None
        errors = probe.proc.stderr.read()
        if fixes == ALL:
            assert "Traceback" not in errors, errors
            assert "the X display closed" in errors and "session has ended" in errors
            assert probe.maybe("finalized", timeout=1) and probe.proc.returncode == 0
        else:  # the loop logs a traceback as an error; the finalizer raises
            assert "Traceback" in errors and "ConnectionClosedError" in errors
            assert probe.proc.returncode != 0
    finally:
        probe.end()


@pytest.mark.e2e
def test_fix_no_detached_refuses_run_detached(xdesktop: Desktop) -> None:
    probe = Probe(xdesktop, "tbprobe", ALL, detached=True)
    try:
        assert probe.proc.wait(timeout=5) == 3
        assert probe.proc.stderr is not None
        assert "run_icon" in probe.proc.stderr.read()
    finally:
        probe.end()


@pytest.mark.e2e
def test_without_fix_no_detached_the_process_outlives_stop(tray_desktop: Desktop) -> None:
    probe = Probe(tray_desktop, "tbprobe", all_but("no-detached"), detached=True)
    try:
        assert tray_desktop.wait_docked(probe.window, timeout=2)
        assert probe.stop(within=2.0) is None, "run_detached() exited: is the fix still needed?"
    finally:
        probe.end()


@pytest.mark.e2e
@pytest.mark.slow
def test_stress_100_starts_all_dock_and_exit_cleanly(tray_desktop: Desktop) -> None:
    runs, undocked, hung = 100, [], []
    started = time.monotonic()
    for i in range(runs):
        probe = Probe(tray_desktop, "tbprobe", ALL)
        try:
            if not tray_desktop.wait_docked(probe.window, timeout=2):
                undocked.append(i)
            if probe.stop(within=2.0) is None:
                hung.append(i)
        finally:
            probe.end()
    per_start = (time.monotonic() - started) / runs
    print(f"\n{runs} starts: {runs - len(undocked)} docked, {len(hung)} hung on stop, "
          f"{per_start:.2f} s per start")
    assert (undocked, hung) == ([], [])
