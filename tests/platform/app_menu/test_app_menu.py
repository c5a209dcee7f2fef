"""The application-menu entry for real in a temporary XDG data home: the file passes
desktop-file-validate, its Exec reads back to the launcher whatever the path holds, the icons are
there at every hicolor size, status tells the truth, remove leaves nothing behind and nothing of
the user's goes; Windows and macOS say in one line that they have no entry."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from traybreak.errors import ExitStatus, UserError
from traybreak.paths import APP_ID
from traybreak.platform.app_menu.choose import NOT_ON_MACOS, NOT_ON_WINDOWS, for_this_os
from traybreak.platform.app_menu.linux import (
    HICOLOR_SIZES,
    MenuEntryState,
    XdgMenuEntry,
    menu_entry,
    shipped_icon,
)
from traybreak.platform.desktop_file import parse_exec, read_entry, read_string

VALIDATE = shutil.which("desktop-file-validate")
needs_validator = pytest.mark.skipif(
    VALIDATE is None, reason="desktop-file-validate is missing: "
    "sudo apt-get install desktop-file-utils (.ci/run installs it)")

#: Launcher folders a pip install can really have: spaces, quotes, percent signs, shell marks.
AWKWARD = ["bin", "my venv/bin", 'say "hi"/bin', "100% sure/bin", "$HOME `x` \\ y/bin",
           "it's (mine)/bin"]


def launcher(tmp_path: Path, folder: str = "bin") -> Path:
    """An executable stand-in for traybreak-tray under ``tmp_path/folder``."""
    path = tmp_path / "install" / folder / "traybreak-tray"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``root``, by relative path."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


class Calls:
    """A stand-in for running the cache tools: records each command."""

    def __init__(self) -> None:
        self.argvs: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> None:
        self.argvs.append(list(argv))


@pytest.fixture
def entry(tmp_path: Path) -> XdgMenuEntry:
    return XdgMenuEntry(tmp_path / "data", refresh=Calls())


# -- the file ---------------------------------------------------------------------------------

@needs_validator
@pytest.mark.parametrize("folder", AWKWARD)
def test_the_written_entry_passes_desktop_file_validate(
        entry: XdgMenuEntry, tmp_path: Path, folder: str) -> None:
    entry.install([str(launcher(tmp_path, folder))])
    assert VALIDATE is not None
    done = subprocess.run([VALIDATE, str(entry.entry)], capture_output=True, text=True,
                          check=False)
    # It prints errors, warnings and hints alike; a clean file prints nothing.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@needs_validator
def test_the_validator_does_catch_a_bad_entry(tmp_path: Path) -> None:
    """The check above can fail: the same text with an unknown main category is refused."""
    bad = tmp_path / f"{APP_ID}.desktop"
    bad.write_text(menu_entry(["/opt/tb/traybreak-tray"]).replace("Utility;Clock;", "Breaks;"))
    assert VALIDATE is not None
    done = subprocess.run([VALIDATE, str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "Breaks" in done.stdout


@pytest.mark.parametrize("folder", AWKWARD)
def test_exec_and_tryexec_read_back_to_the_launcher(
        entry: XdgMenuEntry, tmp_path: Path, folder: str) -> None:
    path = launcher(tmp_path, folder)
    status = entry.install([str(path)])
    keys = read_entry(entry.entry.read_text(encoding="utf-8"))
    assert parse_exec(keys["Exec"]) == [str(path)]
    assert read_string(keys["TryExec"]) == str(path)
    assert status.command == (str(path),)


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
                max_size=3),
       st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10))
def test_exec_round_trip(tail: list[str], folder: str) -> None:
    argv = [f"/opt/{folder}/100%/traybreak-tray", *tail]
    assert parse_exec(read_entry(menu_entry(argv))["Exec"]) == argv


def test_the_keys_a_menu_reads() -> None:
    keys = read_entry(menu_entry(["/opt/tb/bin/traybreak-tray"]))
    assert keys["Type"] == "Application" and keys["Name"] == "traybreak"
    assert keys["GenericName"] == "Break reminder"
    assert "opens the menu if it already runs" in keys["Comment"]
    assert keys["Icon"] == APP_ID                      # a theme name, not a path
    assert keys["Terminal"] == "false" and keys["StartupNotify"] == "false"
    assert keys["Categories"].split(";")[0] == "Utility"
    assert keys["Categories"].endswith(";") and keys["Keywords"].endswith(";")
    assert "break" in keys["Keywords"].split(";")


def test_a_relative_launcher_is_refused_before_anything_is_written(entry: XdgMenuEntry) -> None:
    with pytest.raises(ValueError, match="absolute"):
        entry.install(["traybreak-tray"])
    assert not entry.data_home.exists()


def test_the_app_id_is_a_valid_desktop_file_id() -> None:
    """Desktop Entry spec, "Desktop File ID": dot-separated elements of [A-Za-z0-9_-], none
    starting with a digit; the reverse-DNS form is the recommended one."""
    element = r"[A-Za-z_-][A-Za-z0-9_-]*"
    assert re.fullmatch(rf"{element}(\.{element})+", APP_ID), APP_ID


# -- the icons --------------------------------------------------------------------------------

def test_icons_are_installed_at_every_hicolor_size_with_that_pixel_size(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    entry.install([str(launcher(tmp_path))])
    for size in HICOLOR_SIZES:
        path = entry.data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(path) as icon:
            assert (icon.format, icon.mode, icon.size) == ("PNG", "RGBA", (size, size)), path
            assert icon.getpixel((0, 0))[3] == 0, "the corners stay transparent"
        assert path.read_bytes() == shipped_icon(size).read_bytes()


def test_the_sizes_are_the_ones_hicolor_has_for_apps() -> None:
    assert HICOLOR_SIZES == (16, 22, 24, 32, 48, 64, 128, 256)
    index = Path("/usr/share/icons/hicolor/index.theme")
    if index.is_file():  # where the theme is installed, each folder is one it lists
        listed = index.read_text()
        for size in HICOLOR_SIZES:
            assert f"[{size}x{size}/apps]" in listed, size


# -- remove, and what stays -------------------------------------------------------------------

def test_remove_leaves_nothing_behind(entry: XdgMenuEntry, tmp_path: Path) -> None:
    entry.data_home.mkdir()
    entry.install([str(launcher(tmp_path))])
    assert len(tree(entry.data_home)) > 9
    status = entry.remove()
    assert status.state is MenuEntryState.NOT_INSTALLED
    assert tree(entry.data_home) == {}


def test_remove_deletes_nothing_of_the_users(entry: XdgMenuEntry, tmp_path: Path) -> None:
    home = entry.data_home
    mine = {
        home / "applications" / "org.example.Editor.desktop": b"[Desktop Entry]\n",
        home / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Editor.png": b"png",
        home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg": b"<svg/>",
        home / "traybreak" / "log.sqlite3": b"rows",
    }
    for path, data in mine.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (home / "icons" / "hicolor" / "22x22").mkdir()           # an empty folder of the user's
    before = tree(home)
    entry.install([str(launcher(tmp_path))])
    entry.remove()
    after = tree(home)
    assert {k: v for k, v in after.items() if v is not None} == {
        k: v for k, v in before.items() if v is not None}
    # Folders that held the user's files are kept; an empty one on our paths goes with ours.
    assert set(after) == set(before) - {"icons/hicolor/22x22"}


def test_remove_when_nothing_is_installed_is_fine(entry: XdgMenuEntry) -> None:
    assert entry.remove().state is MenuEntryState.NOT_INSTALLED
    assert not entry.data_home.exists()


# -- status -----------------------------------------------------------------------------------

def test_status_reports_truthfully(entry: XdgMenuEntry, tmp_path: Path) -> None:
    nothing = entry.status()
    assert nothing.state is MenuEntryState.NOT_INSTALLED
    assert nothing.describe() == [f"application menu entry: not installed ({entry.entry})"]

    path = launcher(tmp_path, "my venv/bin")
    installed = entry.install([str(path)])
    assert installed.state is MenuEntryState.INSTALLED and installed.detail == ""
    assert installed.icon_sizes == HICOLOR_SIZES
    assert installed.describe() == [
        f"application menu entry: installed ({entry.entry})",
        f"  runs: {path}",
        f"  icon {APP_ID}.png at 16, 22, 24, 32, 48, 64, 128, 256 px in "
        f"{entry.data_home / 'icons' / 'hicolor'}",
    ]

    entry.icon(22).unlink()
    entry.icon(128).unlink()
    partial = entry.status()
    assert partial.state is MenuEntryState.BROKEN
    assert "icon missing at 22, 128 px" in partial.detail
    entry.install([str(path)])

    text = entry.entry.read_text()
    entry.entry.write_text(text + "NoDisplay=true\n")     # as a menu editor hides it
    hidden = entry.status()
    assert hidden.state is MenuEntryState.INSTALLED
    assert hidden.detail == "hidden from the menu (NoDisplay=true)"

    entry.entry.write_text(text.replace("Exec=", 'Exec="'))
    assert "bad Exec line" in entry.status().detail

    entry.entry.unlink()
    orphans = entry.status()
    assert orphans.state is MenuEntryState.BROKEN and "no entry but its icons" in orphans.detail


def test_a_moved_launcher_is_broken_and_install_repairs_it(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    old = launcher(tmp_path, "old venv/bin")
    entry.install([str(old)])
    old.unlink()
    broken = entry.status()
    assert broken.state is MenuEntryState.BROKEN
    assert broken.detail == (f"launcher {old} no longer exists; "
                             "run `traybreak desktop-entry install`")
    new = launcher(tmp_path, "new/bin")
    assert entry.install([str(new)]).command == (str(new),)


# -- failures ---------------------------------------------------------------------------------

def test_a_folder_that_cannot_be_written_is_one_line_naming_it(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    entry.data_home.mkdir()
    (entry.data_home / "applications").write_text("not a folder")
    with pytest.raises(UserError) as raised:
        entry.install([str(launcher(tmp_path))])
    message = str(raised.value)
    assert message == f"cannot write {entry.data_home / 'applications'}: File exists"
    assert raised.value.status is ExitStatus.FAILURE
    assert not list(entry.data_home.glob("applications*/*"))
    assert entry.status().state is MenuEntryState.BROKEN    # the icons got there: status says so
    entry.remove()
    assert tree(entry.data_home) == {"applications": b"not a folder"}


def test_a_failed_write_names_the_folder_not_the_temporary_file(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    temporary = entry.icon(16).with_name(f".{APP_ID}.png.{os.getpid()}.tmp")
    temporary.mkdir(parents=True)                   # the temporary file cannot be written
    with pytest.raises(UserError) as raised:
        entry.install([str(launcher(tmp_path))])
    assert str(raised.value) == f"cannot write {temporary.parent}: Is a directory"
    assert not entry.icon(16).exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_data_home_is_one_line_naming_the_folder(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    entry.data_home.mkdir(mode=0o500)
    try:
        with pytest.raises(UserError, match=r"^cannot write .*: Permission denied$") as raised:
            entry.install([str(launcher(tmp_path))])
        assert str(entry.data_home) in str(raised.value)
    finally:
        entry.data_home.chmod(0o700)


# -- caches -----------------------------------------------------------------------------------

def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int = 0) -> None:
    """update-desktop-database and gtk-update-icon-cache on PATH, exiting ``status``."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    for name in ("update-desktop-database", "gtk-update-icon-cache"):
        tool = bin_dir / name
        tool.write_text(f"#!/bin/sh\nexit {status}\n")
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


def test_no_cache_is_made_where_there_was_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tools(tmp_path, monkeypatch)
    calls = Calls()
    entry = XdgMenuEntry(tmp_path / "data", refresh=calls)
    entry.install([str(launcher(tmp_path))])
    entry.remove()
    assert calls.argvs == []


def test_existing_caches_are_refreshed_after_install_and_remove(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tools(tmp_path, monkeypatch)
    calls = Calls()
    entry = XdgMenuEntry(tmp_path / "data", refresh=calls)
    apps, theme = entry.entry.parent, entry.data_home / "icons" / "hicolor"
    for cache in (apps / "mimeinfo.cache", theme / "icon-theme.cache"):
        cache.parent.mkdir(parents=True)
        cache.write_bytes(b"")
    refreshes = [["update-desktop-database", "-q", str(apps)],
                 ["gtk-update-icon-cache", "-q", "-f", "-t", str(theme)]]
    entry.install([str(launcher(tmp_path))])
    assert calls.argvs == refreshes
    entry.remove()
    assert calls.argvs == refreshes * 2


def test_the_tools_missing_or_failing_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = XdgMenuEntry(tmp_path / "data")                 # the real runner
    theme = entry.data_home / "icons" / "hicolor"
    theme.mkdir(parents=True)
    (theme / "icon-theme.cache").write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert entry.install([str(launcher(tmp_path))]).state is MenuEntryState.INSTALLED
    fake_tools(tmp_path, monkeypatch, status=1)
    assert entry.install([str(launcher(tmp_path))]).state is MenuEntryState.INSTALLED


@pytest.mark.skipif(shutil.which("gtk-update-icon-cache") is None,
                    reason="gtk-update-icon-cache is missing: sudo apt-get install "
                    "libgtk-3-bin (or gtk-update-icon-cache)")
def test_a_real_icon_cache_gets_our_icon(tmp_path: Path) -> None:
    entry = XdgMenuEntry(tmp_path / "data")
    theme = entry.data_home / "icons" / "hicolor"
    other = theme / "48x48" / "apps" / "org.example.Editor.png"   # a cache needs an icon
    other.parent.mkdir(parents=True)
    shutil.copyfile(shipped_icon(48), other)
    subprocess.run(["gtk-update-icon-cache", "-q", "-t", str(theme)], check=True)
    assert b"org.example.Editor" in (theme / "icon-theme.cache").read_bytes()
    assert APP_ID.encode() not in (theme / "icon-theme.cache").read_bytes()
    entry.install([str(launcher(tmp_path))])
    assert APP_ID.encode() in (theme / "icon-theme.cache").read_bytes()
    entry.remove()
    cache = (theme / "icon-theme.cache").read_bytes()
    assert APP_ID.encode() not in cache and b"org.example.Editor" in cache


# -- other systems ----------------------------------------------------------------------------

@pytest.mark.parametrize(("platform", "message"), [("win32", NOT_ON_WINDOWS),
                                                   ("darwin", NOT_ON_MACOS)])
def test_windows_and_macos_say_in_one_line_that_there_is_no_entry(
        platform: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        for_this_os(platform)
    assert str(raised.value) == message and "\n" not in message
    assert "docs/app-menu.md" in message and "autostart enable" in message
    assert raised.value.status is ExitStatus.FAILURE


@pytest.mark.parametrize("platform", ["linux", "freebsd13"])
def test_xdg_systems_get_the_users_entry(
        platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg data"))
    assert for_this_os(platform).entry == (
        tmp_path / "xdg data" / "applications" / f"{APP_ID}.desktop")


def test_a_launcher_with_a_percent_sign_goes_through_env(
        entry: XdgMenuEntry, tmp_path: Path) -> None:
    """GLib looks for the program before it undoes %% (GNOME would not start the entry)."""
    path = launcher(tmp_path, "100% sure/bin")
    entry.install([str(path)])
    keys = read_entry(entry.entry.read_text())
    assert keys["Exec"] == f'/usr/bin/env "{tmp_path}/install/100%% sure/bin/traybreak-tray"'
    assert read_string(keys["TryExec"]) == str(path)   # a plain string: no %% there
    assert entry.status().command == (str(path),)
