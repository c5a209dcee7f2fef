"""Where config, data, logs and runtime files live (platformdirs); computed on call, not at import.

On Linux, platformdirs honours XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME and XDG_RUNTIME_DIR.
"""

from __future__ import annotations

import os
import warnings
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


def runtime_dir() -> Path:
    """A private (0700) per-user directory for the lock and the control socket.

    Falls back to a directory under the temp dir when the session has no runtime dir, or when
    its path would make a socket path too long (sun_path is ~104–108 bytes).
    """
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR platformdirs warns on every call; the checks below already
        # fall back to a private directory of ours, so the warning would only be noise.
        warnings.simplefilter("ignore")
        base = Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))
    if len(os.fsencode(base / "control.sock")) >= 100 or not _can_make_private(base):
        import tempfile  # only for this rare fallback: it pulls in random and shutil

        base = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_tag()}"
        if not _can_make_private(base):
            raise OSError(f"cannot create a private runtime directory at {base}")
    return base


def _user_tag() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid else os.environ.get("USERNAME", "user")


def _can_make_private(path: Path) -> bool:
    """Create ``path`` as 0700 if missing; accept it only if it is ours and private."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: per-user profile directories are private already
        return True
    if info.st_uid != getuid():
        return False
    if info.st_mode & 0o077:
        try:
            path.chmod(0o700)
        except OSError:
            return False
    return True
