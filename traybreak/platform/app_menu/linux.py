"""The application-menu entry on XDG desktops (Linux, the BSDs): a launcher file
``$XDG_DATA_HOME/applications/<APP_ID>.desktop`` and the app icon as ``<APP_ID>.png`` in
``$XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/`` at every size below.

The launcher starts the tray command (platform/launcher.py). Started while a traybreak runs, that
command hands over to it, which shows its menu as a panel (app/startup.py), so on a desktop with
no tray (GNOME without the AppIndicator extension) this entry is how the menu is reached.

The icons ship pre-drawn in the package (``traybreak.icons``, ``hicolor/<N>.png``, drawn by
ui/tray/drawing.py at each size): installing copies files, so it needs no Pillow and can run in
any process (the tray's first run, later), and each size is drawn for its size, not scaled.

Remove deletes exactly the files install writes, and then only folders left empty by that. Menu
and icon caches are refreshed only where they already exist: creating one would leave behind a
file of ours that remove would have to guess about.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import traybreak.icons
from traybreak.errors import ExitStatus, UserError
from traybreak.paths import APP_ID, desktop_data_home
from traybreak.platform.desktop_file import (
    entry_text,
    exec_value,
    parse_exec,
    read_entry,
    string_value,
    write_atomically,
)
from traybreak.platform.launcher import launcher_missing

log = logging.getLogger(__name__)

#: The fixed-size directories of the hicolor theme's index.theme (hicolor-icon-theme 0.17) that
#: menus look in for an application icon: each needs no index.theme of our own.
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
#: What the entry says. The Comment tells what the launcher does when traybreak already runs.
GENERIC_NAME = "Break reminder"
COMMENT = "Back-friendly break reminders in the system tray; opens the menu if it already runs"
# Main category Utility (as Workrave, Stretchly and Safe Eyes use) with Clock, an additional
# category the menu spec relates to Utility: traybreak is a timer for breaks.
CATEGORIES = "Utility;Clock;"
KEYWORDS = "break;reminder;stretch;exercise;posture;back;RSI;timer;"

Refresh = Callable[[Sequence[str]], object]


def menu_entry(argv: Sequence[str]) -> str:
    """The application-menu .desktop text that runs ``argv`` (argv[0] absolute)."""
    keys = [
        ("Type", "Application"),
        ("Version", "1.4"),
        ("Name", "traybreak"),
        ("GenericName", GENERIC_NAME),
        ("Comment", COMMENT),
        ("Icon", APP_ID),
        ("Exec", exec_value(argv)),
        ("TryExec", string_value(argv[0])),
        ("Terminal", "false"),
        # No window of the launcher's own ever maps (the tray has none; a hand-over shows the
        # running tray's panel and exits): with true, the desktop would show a busy cursor
        # until its startup-notification timeout.
        ("StartupNotify", "false"),
        ("Categories", CATEGORIES),
        ("Keywords", KEYWORDS),
    ]
    return entry_text(keys)


def shipped_icon(size: int) -> Path:
    """The packaged icon drawn at ``size`` px (a plain file in every pip install)."""
    return Path(traybreak.icons.__file__).parent / "hicolor" / f"{size}.png"


class MenuEntryState(StrEnum):
    """What the application-menu entry looks like right now."""

    INSTALLED = "installed"
    NOT_INSTALLED = "not installed"
    BROKEN = "broken"  # some of it is there, or its launcher is gone


@dataclass(frozen=True)
class MenuEntryStatus:
    """The state, where the entry and icons are, what the entry runs, and what is wrong."""

    state: MenuEntryState
    entry: Path
    icon_theme: Path
    command: tuple[str, ...] = ()
    icon_sizes: tuple[int, ...] = ()
    detail: str = ""

    def describe(self) -> list[str]:
        """The lines of `traybreak desktop-entry status`."""
        first = f"application menu entry: {self.state} ({self.entry})"
        lines = [f"{first}: {self.detail}" if self.detail else first]
        if self.command:
            lines.append("  runs: " + " ".join(self.command))
        if self.icon_sizes:
            sizes = ", ".join(str(s) for s in self.icon_sizes)
            lines.append(f"  icon {APP_ID}.png at {sizes} px in {self.icon_theme}")
        return lines


class XdgMenuEntry:
    """Installs, reads and removes the entry and its icons under one data home."""

    def __init__(self, data_home: Path, refresh: Refresh | None = None) -> None:
        self.data_home = data_home
        self.entry = data_home / "applications" / f"{APP_ID}.desktop"
        self.icon_theme = data_home / "icons" / "hicolor"
        self._refresh = refresh or _run_quietly

    @classmethod
    def for_user(cls) -> XdgMenuEntry:
        """The user's own entry: in $XDG_DATA_HOME (else ~/.local/share)."""
        return cls(desktop_data_home())

    def icon(self, size: int) -> Path:
        """Where the icon drawn at ``size`` px goes."""
        return self.icon_theme / f"{size}x{size}" / "apps" / f"{APP_ID}.png"

    def written(self) -> list[Path]:
        """Every file install writes (and so every file remove deletes)."""
        return [*(self.icon(size) for size in HICOLOR_SIZES), self.entry]

    def install(self, argv: Sequence[str]) -> MenuEntryStatus:
        """Write (or repair) the icons, then the entry, each atomically; refresh the caches
        that exist. A folder that cannot be written is a UserError naming it."""
        text = menu_entry(argv)  # a relative launcher fails here, before anything is written
        # Icons first: a menu that sees the entry appear finds its icon already there.
        for size in HICOLOR_SIZES:
            self._write(self.icon(size), shipped_icon(size).read_bytes())
        self._write(self.entry, text.encode("utf-8"))
        self._refresh_caches()
        return self.status()

    def remove(self) -> MenuEntryStatus:
        """Delete what install wrote, then the folders that leaves empty (up to, not including,
        the data home): a folder with anything else in it stays."""
        for path in self.written():
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError):
                pass  # not there (a file where a folder of ours would be holds nothing of ours)
            except OSError as err:
                raise _cannot("remove", path, err) from None
            self._prune(path.parent)
        self._refresh_caches()
        return self.status()

    def status(self) -> MenuEntryStatus:
        """Installed, not installed, or broken (a part missing, or the launcher gone)."""
        sizes = tuple(size for size in HICOLOR_SIZES if self.icon(size).is_file())
        found = MenuEntryStatus(MenuEntryState.NOT_INSTALLED, self.entry, self.icon_theme,
                                icon_sizes=sizes)
        fix = "run `traybreak desktop-entry install` (or remove)"
        try:
            keys = read_entry(self.entry.read_text(encoding="utf-8"))
        except FileNotFoundError:
            if sizes:
                return _with(found, MenuEntryState.BROKEN, f"no entry but its icons; {fix}")
            return found
        except (OSError, UnicodeDecodeError) as err:
            return _with(found, MenuEntryState.BROKEN, f"unreadable: {err}")
        try:
            command = tuple(parse_exec(keys.get("Exec", "")))
        except ValueError as err:
            return _with(found, MenuEntryState.BROKEN, f"bad Exec line: {err}")
        found = MenuEntryStatus(MenuEntryState.INSTALLED, self.entry, self.icon_theme, command,
                                sizes)
        if launcher_missing(command):
            missing = command[0] if command else "(none)"
            return _with(found, MenuEntryState.BROKEN, f"launcher {missing} no longer exists; "
                         "run `traybreak desktop-entry install`")
        if len(sizes) < len(HICOLOR_SIZES):
            absent = ", ".join(str(s) for s in HICOLOR_SIZES if s not in sizes)
            return _with(found, MenuEntryState.BROKEN, f"icon missing at {absent} px; "
                         "run `traybreak desktop-entry install`")
        hidden = [k for k in ("NoDisplay", "Hidden") if keys.get(k, "").lower() == "true"]
        if hidden:  # a menu editor's doing: the user's choice, reported, not undone
            return _with(found, MenuEntryState.INSTALLED,
                         f"hidden from the menu ({hidden[0]}=true)")
        return found

    def _write(self, path: Path, data: bytes) -> None:
        try:
            write_atomically(path, data)
        except OSError as err:
            raise _cannot("write", path, err) from None

    def _prune(self, folder: Path) -> None:
        while folder != self.data_home and self.data_home in folder.parents:
            try:
                folder.rmdir()  # only an empty folder goes
            except OSError:
                return
            folder = folder.parent

    def _refresh_caches(self) -> None:
        # Menus and icon themes see the new files without these (GLib and KDE watch the
        # folders), but a cache that exists and is not refreshed can hide them.
        apps = self.entry.parent
        if (apps / "mimeinfo.cache").is_file() and shutil.which("update-desktop-database"):
            self._refresh(["update-desktop-database", "-q", str(apps)])
        if (self.icon_theme / "icon-theme.cache").is_file() and shutil.which(
                "gtk-update-icon-cache"):
            # -t: the user's hicolor folder has no index.theme of its own (the system's counts);
            # -f: it thinks a cache written in the same second as the change is up to date.
            self._refresh(["gtk-update-icon-cache", "-q", "-f", "-t", str(self.icon_theme)])


def _with(status: MenuEntryStatus, state: MenuEntryState, detail: str) -> MenuEntryStatus:
    return MenuEntryStatus(state, status.entry, status.icon_theme, status.command,
                           status.icon_sizes, detail)


def _cannot(verb: str, path: Path, err: OSError) -> UserError:
    where = Path(err.filename) if err.filename else path
    if where != path and where.parent == path.parent:
        where = path.parent  # the temporary file beside it: its folder is what failed
    why = err.strerror or str(err)
    return UserError(f"cannot {verb} {where}: {why}", ExitStatus.FAILURE)


def _run_quietly(argv: Sequence[str]) -> None:
    """Run a cache tool; its failure is logged, never an error (the entry works without it)."""
    try:
        done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        log.info("%s did not run: %s", argv[0], err)
        return
    if done.returncode:
        log.info("%s exited %s: %s", argv[0], done.returncode,
                 done.stderr.decode(errors="replace").strip())
