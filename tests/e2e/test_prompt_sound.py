"""The chime in a real prompt window on Xvfb (#17 point 5): with `--sound 60` (what the tray
passes when `[prompt] sound = true`) the window plays the chime once when it opens and once as
each hold ends: a per-side stretch of 4 s is two 2-second holds, so three chimes in all. A stub
pw-play first on PATH records each start; the window never waits for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e.xdesktop import Desktop, wait_until

from traybreak.platform.sound import chime_path

pytestmark = pytest.mark.e2e

STRETCH = "seated_hip_flexor_stretch"   # per side: two holds
#: Records when it started and with what, then takes a while, as a real player would.
STUB = """#!/bin/sh
echo "$(/bin/date +%s.%N) $*" >> "$(/usr/bin/dirname "$0")/calls"
/bin/sleep 1
"""


def test_the_chime_sounds_when_the_prompt_opens_and_as_each_hold_ends(
        xdesktop: Desktop, tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "pw-play").write_text(STUB)
    (stubs / "pw-play").chmod(0o755)
    calls = stubs / "calls"
    env = {"PATH": f"{stubs}{os.pathsep}{os.environ.get('PATH', '')}",
           "TRAYBREAK_CONFIG": str(tmp_path / "no-config.toml"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = xdesktop.spawn([sys.executable, "-m", "traybreak", "prompt", STRETCH,
                           "--duration", "4s", "--timeout", "1s", "--sound", "60"],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["reason"] == "timeout"     # 4 s of holds, then 1 s, unanswered
    assert wait_until(lambda: calls.exists() and len(calls.read_text().splitlines()) >= 3, 5)
    lines = [line.split(" ", 1) for line in calls.read_text().splitlines()]
    assert [args for _, args in lines] == [f"--volume=0.216 {chime_path()}"] * 3
    opened, side, done = (float(when) for when, _ in lines)
    assert 1.6 < side - opened < 2.6 and 1.6 < done - side < 2.6   # at each hold's end
