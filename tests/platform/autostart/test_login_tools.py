"""The Linux login entry started by the real readers of an autostart folder (#18 point 8), for a
launcher in folders with ``%``, ``\\``, spaces, quotes, ``$`` and a backquote:

- GLib (gnome-session, XFCE, Cinnamon): `gio launch ENTRY` must run the launcher with its words;
- systemd's xdg-autostart generator (GNOME 3.38+, Plasma 5.23+ under systemd) must write a unit
  for the entry, systemd's own unit parser (`systemd-analyze verify`) must accept its ExecStart=
  and find the program there, and that command, run, must start the launcher.

No systemd user manager runs here to start the unit itself; `verify` is the manager's parser.
Each tool's test is skipped, naming its Debian package, where the tool is missing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from traybreak.platform.autostart.linux import XdgAutostart

GENERATOR = Path("/usr/lib/systemd/user-generators/systemd-xdg-autostart-generator")
UNIT = "app-io.github.traybreak.TrayBreak@autostart.service"
FOLDERS = ["plain", "with space", "100%", "100%%n", "a=b%", "back\\slash", "back\\s",
           'say "hi"', "o'brien", "$HOME", "tick`tock", "semi;colon", "ä € \xa0"]


def _needs(tool: str | None, package: str) -> str:
    if tool is None:
        pytest.skip(f"needs {package}'s tool (Debian package {package})")
    return tool


class Login:
    """A user's autostart folder holding traybreak's entry for a launcher in ``folder``; the
    launcher writes the words it was started with, NUL-separated, to ``ran``."""

    def __init__(self, root: Path, folder: str) -> None:
        self.root, self.ran = root, root / "ran"
        self.launcher = root / folder / "bin" / "traybreak-tray"
        self.launcher.parent.mkdir(parents=True)
        self.launcher.write_text(f"#!/bin/sh\nprintf '%s\\0' \"$0\" \"$@\" > '{self.ran}'\n")
        self.launcher.chmod(0o755)
        self.argv = [str(self.launcher), "run"]
        config = root / "config"
        self.adapter = XdgAutostart(config, root / "data" / "traybreak")
        self.adapter.enable(self.argv)
        # Only this autostart folder is read: no system-wide entries, no user's own.
        self.env = {**os.environ, "XDG_CONFIG_HOME": str(config),
                    "XDG_CONFIG_DIRS": str(root / "none"), "XDG_DATA_DIRS": str(root / "none"),
                    "XDG_DATA_HOME": str(root / "data")}

    def started_with(self, timeout: float = 10.0) -> list[str] | None:
        """The words the launcher was started with (waits for it), or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ran.exists() and self.ran.read_bytes().endswith(b"\0"):
                return self.ran.read_bytes().decode("utf-8").split("\0")[:-1]
            time.sleep(0.05)
        return None


@pytest.mark.parametrize("folder", FOLDERS)
def test_glib_starts_the_entry(tmp_path: Path, folder: str) -> None:
    gio = _needs(shutil.which("gio"), "libglib2.0-bin")
    login = Login(tmp_path, folder)
    done = subprocess.run([gio, "launch", str(login.adapter.path)], env=login.env,
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert login.started_with() == login.argv, done.stderr


@pytest.mark.parametrize("folder", FOLDERS)
def test_systemd_makes_a_unit_it_accepts_and_whose_command_starts_the_entry(
        tmp_path: Path, folder: str) -> None:
    analyze = _needs(shutil.which("systemd-analyze") if GENERATOR.exists() else None, "systemd")
    login = Login(tmp_path, folder)
    out = tmp_path / "generated"
    out.mkdir()
    done = subprocess.run([str(GENERATOR), str(out), str(out), str(out)], env=login.env,
                          capture_output=True, text=True, timeout=30, check=False)
    unit = out / UNIT
    assert unit.is_file(), f"no unit generated: {done.stderr}"
    verify = subprocess.run([analyze, "--user", "verify", "--man=no", str(unit)],
                            env={**login.env, "XDG_RUNTIME_DIR": str(tmp_path)},
                            capture_output=True, text=True, timeout=60, check=False)
    assert verify.returncode == 0, verify.stderr

    exec_start = next(line.removeprefix("ExecStart=") for line in unit.read_text().splitlines()
                      if line.startswith("ExecStart="))
    # `:` turns off $VAR expansion. With no %, backslash or quote inside a word (what the
    # entry is for), systemd reads the rest as sh's word splitting does.
    assert exec_start.startswith(":") and not set(exec_start) & set("%\\'")
    subprocess.run(shlex.split(exec_start[1:]), env=login.env, timeout=30, check=True)
    assert login.started_with() == login.argv
