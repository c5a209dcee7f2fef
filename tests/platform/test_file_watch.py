"""The config file's watch (inotify through ctypes): it calls back soon after the file is saved
in place, replaced by a rename or removed, also once its folder is made after the watch began,
and not for other files of the folder; closing it ends its thread."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from traybreak.platform.file_watch import FileWatch, _inotify_libc

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()

    def wait(self) -> bool:
        seen = self.event.wait(2.0)
        self.event.clear()
        return seen


def _threads() -> int:
    return sum(t.name == "config-watch" for t in threading.enumerate())


def test_saves_renames_and_removals_call_back(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    calls = Calls()
    watch = FileWatch(config, calls)
    assert watch.active
    (tmp_path / "other.toml").write_text("x")
    config.write_text("[prompt]\n")                   # created and saved in place
    assert calls.wait()
    new = tmp_path / "config.toml.new"
    new.write_text("[hours]\n")
    os.replace(new, config)                           # saved by a rename, as editors do
    assert calls.wait()
    config.unlink()
    assert calls.wait()
    before = _threads()
    watch.close()
    watch.close()                                     # twice is harmless
    for thread in threading.enumerate():
        if thread.name == "config-watch":
            thread.join(2.0)
    assert _threads() < before


def test_other_files_do_not_call_back(tmp_path: Path) -> None:
    calls = Calls()
    watch = FileWatch(tmp_path / "config.toml", calls)
    (tmp_path / "notes.txt").write_text("x")
    assert not calls.event.wait(0.3)
    watch.close()


def test_a_folder_made_later_is_watched_then(tmp_path: Path) -> None:
    config = tmp_path / "xdg" / "traybreak" / "config.toml"
    calls = Calls()
    watch = FileWatch(config, calls)
    assert watch.active
    config.parent.mkdir(parents=True)                 # mkdir -p, then write the file
    config.write_text("[prompt]\n")
    assert calls.wait()
    calls.count = 0
    config.write_text("[hours]\n")
    assert calls.wait() and calls.count >= 1
    watch.close()


class FoldersMadeMeanwhile:
    """The real inotify calls, but ``make`` runs just before the first watch is added: the
    folders appear between the watch's look for the nearest folder and the watch itself."""

    def __init__(self, make: Callable[[], None]) -> None:
        self.real, self.make = _inotify_libc(), make

    def inotify_init1(self, flags: int) -> int:
        return int(self.real.inotify_init1(flags))

    def inotify_rm_watch(self, fd: int, wd: int) -> int:
        return int(self.real.inotify_rm_watch(fd, wd))

    def inotify_add_watch(self, fd: int, path: bytes, mask: int) -> int:
        make, self.make = self.make, None
        if make is not None:
            make()
        return int(self.real.inotify_add_watch(fd, path, mask))


def test_folders_made_while_the_watch_is_set_up_are_not_missed(tmp_path: Path) -> None:
    config = tmp_path / "xdg" / "traybreak" / "config.toml"
    calls = Calls()
    libc = FoldersMadeMeanwhile(lambda: config.parent.mkdir(parents=True))
    watch = FileWatch(config, calls, libc=libc)
    config.write_text("[prompt]\n")   # no event from the folders: only the file can tell
    assert calls.wait()
    watch.close()
