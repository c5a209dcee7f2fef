"""A window's own X11 calls through libX11/libXrandr (ui/toolkit/x11_calls.py, which replaced
python-xlib in windows to save 3 MB: #18 point 12), on Xvfb: the RandR monitors as xrandr set
them, a prompt opened on the monitor under the pointer, and a quiet failure without a display.
The focus hint is tested in tests/e2e/test_prompt_window.py (a typing user keeps the focus)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason, wait_until

from traybreak.ui.toolkit import x11_calls

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_monitors() -> Iterator[Desktop]:
    """A 2048×768 Xvfb screen split by RandR into two 1024×768 monitors."""
    missing = missing_tools()
    if missing:
        pytest.skip(skip_reason(missing))
    if shutil.which("xrandr") is None:
        pytest.skip("needs xrandr (Debian package x11-xserver-utils)")
    with Desktop((2048, 768)) as desk:
        for name, x in (("left", 0), ("right", 1024)):
            subprocess.run(["xrandr", "--setmonitor", name, f"1024/270x768/200+{x}+0", "none"],
                           env={**os.environ, **desk.env}, check=True, timeout=10)
        yield desk


def _in(desk: Desktop, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **desk.env},
                          capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def test_the_monitors_are_the_ones_randr_has(two_monitors: Desktop) -> None:
    found = _in(two_monitors, "import json; from traybreak.ui.toolkit import x11_calls; "
                              "print(json.dumps(x11_calls.monitors()))")
    monitors = {tuple(box) for box in json.loads(found)}
    assert {(0, 0, 1024, 768), (1024, 0, 1024, 768)} <= monitors


def test_a_prompt_opens_on_the_monitor_under_the_pointer(two_monitors: Desktop,
                                                         tmp_path: Path) -> None:
    two_monitors.xdotool("mousemove", "1500", "400")
    geometry = tmp_path / "geometry.json"
    proc = two_monitors.spawn(
        [sys.executable, "-m", "traybreak", "prompt", "--message", "Stand up", "--guard-ms", "0"],
        env={"TRAYBREAK_TEST_GEOMETRY_FILE": str(geometry),
             "TRAYBREAK_CONFIG": str(tmp_path / "none.toml"),
             "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(geometry.exists, 15), "the window never mapped"
        layout = json.loads(geometry.read_text())
        assert layout["area"] == {"x": 1024, "y": 0, "width": 1024, "height": 768}
        window = layout["window"]
        assert window["x"] >= 1024 and window["x"] + window["width"] <= 2048
    finally:
        proc.kill()
        proc.communicate()


def test_without_a_display_the_calls_fail_quietly() -> None:
    assert x11_calls.monitors(":9999") == []
    assert x11_calls.set_user_time_zero(":9999", 1) is False
