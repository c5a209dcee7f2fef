"""Where files live: the runtime folder (lock, control socket) is private to the user even when
another user took the shared temp dir's names first (#18 point 6)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

UID = os.getuid() if hasattr(os, "getuid") else None
pytestmark = pytest.mark.skipif(UID is None, reason="folders have owners and modes on POSIX only")
OTHER_UID = 65534  # nobody


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short folder: pytest's own is too long a place for a socket path (~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="tb-"))
    yield folder
    shutil.rmtree(folder)


def _env(short_tmp: Path) -> dict[str, str]:
    """No session runtime dir, and a temp dir and home of the test's own."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "TRAYBREAK_", "DISPLAY", "WAYLAND"))}
    env.update(TMPDIR=str(short_tmp / "tmp"), HOME=str(short_tmp / "home"),
               XDG_CACHE_HOME=str(short_tmp / "home" / ".cache"),
               XDG_STATE_HOME=str(short_tmp / "home" / ".local" / "state"),
               XDG_CONFIG_HOME=str(short_tmp / "home" / ".config"),
               XDG_DATA_HOME=str(short_tmp / "home" / ".local" / "share"))
    (short_tmp / "tmp").mkdir()
    (short_tmp / "home").mkdir()
    return env


def _traybreak(env: dict[str, str], *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "traybreak", *words], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def _runtime_dir(env: dict[str, str]) -> Path:
    done = subprocess.run([sys.executable, "-c", "from traybreak import paths\n"
                           "print(paths.runtime_dir())"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def _taken_by_another_user(path: Path) -> None:
    """``path`` as another local user could leave it: their folder (as root), else a file (a
    user can make that too, and it blocks the name just the same)."""
    if UID == 0:
        path.mkdir(mode=0o755)
        os.chown(path, OTHER_UID, OTHER_UID)
    else:
        path.write_text("mine\n")


def _assert_private_and_ours(folder: Path) -> None:
    info = folder.lstat()
    assert stat.S_ISDIR(info.st_mode) and info.st_uid == UID
    assert stat.S_IMODE(info.st_mode) == 0o700


def test_runtime_names_in_the_temp_dir_taken_by_another_user_are_passed_over(
        short_tmp: Path) -> None:
    env = _env(short_tmp)
    taken = [short_tmp / "tmp" / f"runtime-{UID}", short_tmp / "tmp" / f"traybreak-{UID}"]
    for path in taken:
        _taken_by_another_user(path)
    chosen = _runtime_dir(env)
    _assert_private_and_ours(chosen)
    assert not any(chosen.is_relative_to(path) for path in taken), chosen


def test_a_planted_symbolic_link_is_not_used_as_the_runtime_dir(short_tmp: Path) -> None:
    env = _env(short_tmp)
    _taken_by_another_user(short_tmp / "tmp" / f"runtime-{UID}")
    target = short_tmp / "somewhere"
    target.mkdir(mode=0o700)
    (short_tmp / "tmp" / f"traybreak-{UID}").symlink_to(target)
    chosen = _runtime_dir(env)
    _assert_private_and_ours(chosen)
    assert not chosen.is_relative_to(short_tmp / "tmp"), chosen


def test_the_cli_and_the_tray_still_start_when_another_user_took_the_names(
        short_tmp: Path) -> None:
    env = _env(short_tmp)
    for name in (f"runtime-{UID}", f"traybreak-{UID}"):
        _taken_by_another_user(short_tmp / "tmp" / name)
    status = _traybreak(env, "status")
    assert status.returncode == 3 and "not running" in status.stderr, status.stderr
    tray = _traybreak(env, "run")  # no display here: it gets as far as saying so
    assert tray.returncode == 4 and "no graphical session" in tray.stderr, tray.stderr
    assert "unexpected error" not in status.stderr + tray.stderr


def test_with_no_private_folder_anywhere_it_says_so_in_one_line(short_tmp: Path) -> None:
    env = _env(short_tmp)
    for name in (f"runtime-{UID}", f"traybreak-{UID}"):
        _taken_by_another_user(short_tmp / "tmp" / name)
    cache = short_tmp / "home" / ".cache"
    cache.write_text("not a folder\n")  # the last fallback cannot be made either
    if Path(f"/run/user/{UID}").is_dir():
        pytest.skip("this session has /run/user/UID, which platformdirs uses first")
    status = _traybreak(env, "status")
    lines = status.stderr.strip().splitlines()
    assert status.returncode == 1 and len(lines) == 1, status.stderr
    assert "no private folder for traybreak's lock" in lines[0] and str(cache) in lines[0]
    assert "XDG_RUNTIME_DIR" in lines[0] and "unexpected error" not in lines[0]
