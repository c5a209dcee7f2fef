"""The tray's python-xlib diet against a real X server: only MIT-SCREEN-SAVER's module loads, and
idle time still reads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from e2e.xdesktop import Desktop

pytestmark = pytest.mark.e2e

PROBE = """
import json, sys
from traybreak.platform.xlib_lean import load_only_needed_extensions
if sys.argv[1] == "lean":
    load_only_needed_extensions()
from Xlib import display
from traybreak.platform.idle.x11 import X11IdleSource
conn = display.Display()
idle = X11IdleSource(None)
print(json.dumps({"extensions": sorted(conn.extensions),
                  "modules": sorted(m for m in sys.modules if m.startswith("Xlib.ext.")),
                  "idle_ms": idle.idle().total_seconds() * 1000}))
"""


def _probe(desk: Desktop, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], env=desk.env, capture_output=True,
                         text=True, check=True, timeout=30).stdout
    return json.loads(out)


def test_only_the_screen_saver_extension_loads_and_idle_time_reads(xdesktop: Desktop) -> None:
    full, lean = _probe(xdesktop, "full"), _probe(xdesktop, "lean")
    assert "XInputExtension" in full["extensions"] and "Xlib.ext.xinput" in full["modules"]
    assert lean["extensions"] == ["MIT-SCREEN-SAVER"]
    # Xlib.ext.ge (generic events) is part of python-xlib's core: it loads either way.
    assert set(lean["modules"]) - {"Xlib.ext.ge"} == {"Xlib.ext.screensaver"}
    assert len(full["modules"]) > len(lean["modules"]) + 5
    assert lean["idle_ms"] >= 0
