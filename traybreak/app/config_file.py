"""The tray's settings file: noticing that it changed, reading it, and which of its problems the
user has been told (each distinct problem is told once, not at every save or reload)."""

from __future__ import annotations

from pathlib import Path

from traybreak.config.settings import Config, load_config


class ConfigFile:
    """One settings file as the running tray sees it. Used from the engine thread and from
    control requests, one at a time (a reload is a request handled on the engine's wake or the
    control thread; a race only means one extra re-read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = _stamp(path)
        #: The problem the user was last told about, None while the file is fine.
        self.problem: str | None = None

    def changed(self) -> bool:
        """True when the file was saved, created or removed since it was last read."""
        return _stamp(self.path) != self._stamp

    def read(self) -> Config:
        """Read it now; ConfigError names every problem (the caller keeps its running config)."""
        self._stamp = _stamp(self.path)
        config = load_config(self.path)
        self.problem = None
        return config

    def news(self, problems: list[str]) -> str | None:
        """The one-line message for ``problems``, or None when the user was told it already
        (the same bad file saved again, or `traybreak reload` run again)."""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = f"settings not used: {problems[0]}{more}; run `traybreak config check`"
        if message == self.problem:
            return None
        self.problem = message
        return message


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What changes when the file is saved (in place or by rename), or None when it is absent."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)
