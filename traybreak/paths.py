"""Where config, data, logs and runtime files live (platformdirs); computed on call, not at import.

On Linux, platformdirs honours XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME and XDG_RUNTIME_DIR.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path

import platformdirs

APP_NAME = "traybreak"
APP_ID = "io.github.traybreak.TrayBreak"
CONFIG_ENV = "TRAYBREAK_CONFIG"


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The config file: ``--config FILE``, else $TRAYBREAK_CONFIG, else the user config dir."""
    if override:
        return Path(override).expanduser()
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def data_dir() -> Path:
    """The user data dir: the log database and user exercise packs live here."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def desktop_data_home() -> Path:
    """The base of the user's own desktop data ($XDG_DATA_HOME, else ~/.local/share on Linux):
    the application-menu entry goes in its applications/ and the app icon in icons/hicolor/."""
    return Path(platformdirs.user_data_dir(appname=None, appauthor=False))


def log_db() -> Path:
    """The SQLite prompt log."""
    return data_dir() / "log.sqlite3"


def packs_dir() -> Path:
    """Where user exercise packs (TOML + optional images) are looked for."""
    return data_dir() / "exercises"


def figures_dir() -> Path:
    """Where prompt windows keep the figures they drew (PNG files; safe to delete)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "figures"


def app_log_dir() -> Path:
    """Where the tray writes its diagnostic log file (not the prompt log)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The user state dir ($XDG_STATE_HOME/traybreak on Linux): what the app remembers that is
    neither a setting nor the log."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def welcome_marker() -> Path:
    """The file that says the welcome window was shown (app/first_run.py): never again."""
    return state_dir() / "welcome-shown"


class NoPrivateDir(OSError):
    """No folder could be made private to this user; ``str()`` names each one tried and why."""


def runtime_dir() -> Path:
    """A private (0700) per-user directory for the lock and the control socket.

    The session's runtime dir ($XDG_RUNTIME_DIR, else /run/user/UID, else platformdirs' own
    $TMPDIR/runtime-UID); then $TMPDIR/traybreak-UID; then a folder in the user's cache dir. A
    name under the shared temp dir can be taken first by another user, so each is used only if it
    is a real folder (no symbolic link) that this user owns, made 0700; the cache dir lies in the
    user's home, where no one else can. The same for the tray and every CLI command, so they
    meet. NoPrivateDir when none will do, or a socket path there would be too long (sun_path is
    ~104–108 bytes).
    """
    problems: list[str] = []
    for base in _runtime_candidates(problems):
        if len(os.fsencode(base / "control.sock")) >= 100:
            problems.append(f"{base} is too long a path for a socket")
            continue
        problem = private_dir_problem(base)
        if problem is None:
            return base
        problems.append(problem)
    raise NoPrivateDir(f"no private folder for traybreak's lock and control socket: "
                       f"{'; '.join(problems)} (set XDG_RUNTIME_DIR to a folder only you can use)")


def _runtime_candidates(problems: list[str]) -> Iterator[Path]:
    session = _session_runtime_dir(problems)
    if session is not None:
        yield session
    import tempfile  # only for the fallbacks: it pulls in random and shutil

    yield Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_tag()}"
    # The host in the name: a home shared over NFS must not give two machines one lock.
    host = getattr(os, "uname", lambda: None)()
    yield Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / (
        f"runtime-{host.nodename[:32]}" if host else "runtime")


def _session_runtime_dir(problems: list[str]) -> Path | None:
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR platformdirs warns on every call; the checks below already
        # fall back to a private directory of ours, so the warning would only be noise.
        warnings.simplefilter("ignore")
        try:
            return Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))
        except OSError as err:  # e.g. /tmp/runtime-UID made by another user: PermissionError
            problems.append(str(err))
            return None


def _user_tag() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid else os.environ.get("USERNAME", "user")


def private_dir_problem(path: Path) -> str | None:
    """Create ``path`` as 0700 if missing; None when it is then a folder of ours that only we
    can use (a wider mode of ours is narrowed), else what is wrong with it, naming it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()  # not stat(): a link another user planted is not our folder
    except OSError as err:
        return f"{path}: {err.strerror or err}"
    if stat.S_ISLNK(info.st_mode):
        return f"{path} is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder"
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: per-user profile directories are private already
        return None
    if info.st_uid != getuid():
        return f"{path} belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o077:
        try:
            path.chmod(0o700)
        except OSError as err:
            return f"{path} cannot be made private: {err.strerror or err}"
    return None
