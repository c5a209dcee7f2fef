"""What a new user sees when the tray starts, on Xvfb + trayer: one line on the terminal saying
it runs and with what; and, on a Python without Tk, no silent icon but a one-line exit naming the
package to install (#15)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from e2e.xdesktop import Desktop, end_process

from traybreak import __version__

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ICON_CLASS = "^traybreakSystemTrayIcon$"


def _env(home: Path, **more: str) -> dict[str, str]:
    (home / "run").mkdir(mode=0o700)
    return {"XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_RUNTIME_DIR": str(home / "run"),
            "TRAYBREAK_TRAY_WAIT": "5", **more}


def _start(desk: Desktop, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return desk.spawn([sys.executable, "-m", "traybreak"], env=env, stderr=subprocess.PIPE)


def test_the_terminal_says_once_that_the_tray_runs(tray_desktop: Desktop, tmp_path: Path) -> None:
    env = _env(tmp_path)
    proc = _start(tray_desktop, env)
    try:
        icon = tray_desktop.wait_for_window(classname=ICON_CLASS, timeout=10)
        assert tray_desktop.wait_docked(icon, 5.0)
        quit_ = subprocess.run([sys.executable, "-m", "traybreak", "quit"],
                               env={**tray_desktop.env, **env}, capture_output=True, timeout=30,
                               check=False)
        assert quit_.returncode == 0
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None
        lines = proc.stderr.read().decode().splitlines()
    finally:
        end_process(proc)
    infos = [line for line in lines if line.startswith("traybreak: INFO: ")]
    assert len(infos) == 1, lines
    assert infos[0].startswith(f"traybreak: INFO: traybreak {__version__} running (pid {proc.pid})"
                               ": tray xorg, idle x11, log ")
    assert str(tmp_path / "data" / "traybreak" / "log.sqlite3") in infos[0]


def test_without_tk_the_tray_does_not_start_and_says_what_to_install(
    tray_desktop: Desktop, tmp_path: Path
) -> None:
    fake = tmp_path / "no-tk"
    (fake / "tkinter").mkdir(parents=True)
    (fake / "tkinter" / "__init__.py").write_text(
        'raise ImportError("No module named \'_tkinter\'")\n')
    proc = _start(tray_desktop, _env(tmp_path, PYTHONPATH=str(fake)))
    try:
        status = proc.wait(timeout=20)  # without the check the icon would sit there, useless
        assert proc.stderr is not None
        lines = proc.stderr.read().decode().strip().splitlines()
    finally:
        end_process(proc)
    assert status == 1
    assert lines[-1].startswith("traybreak: cannot show break windows: Python's tkinter does not "
                                "load (ImportError: No module named '_tkinter'): install it")
    assert "python3-tk on Debian/Ubuntu" in lines[-1]
    assert not tray_desktop.find_windows(classname=ICON_CLASS)
