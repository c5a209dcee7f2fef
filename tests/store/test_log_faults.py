"""Fault probes of the log's path as a user meets them: a read-only file or folder, another
user's file, a full disk at start. Each is told in words naming the path and the fix, never as
``unexpected error: …`` (#18 point 3). Slow: each runs Python as a plain user (CI runs as root,
for whom no file is read-only) or mounts a small tmpfs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_user import ROOT, give, run_as_plain_user, shared_folder, traybreak_as_plain_user
from tiny_disk import fill, tiny_tmpfs

from traybreak.store.prompt_log import Store

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")]

OPEN = "from traybreak.store.prompt_log import Store\nStore.open({path!r}{reader}).close()\n" \
       "result = 'opened'"


def _open(path: Path, *, create: bool = True) -> dict[str, object]:
    """Store.open(path) as the plain user: "opened", or the error's type and message."""
    reader = "" if create else ", create=False"
    outcome = run_as_plain_user(OPEN.format(path=str(path), reader=reader))
    return outcome if isinstance(outcome, dict) else {"result": outcome}


def _new_log(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    give(path.parent)
    Store.open(path).close()
    for made in path.parent.iterdir():
        give(made)


@pytest.fixture
def home() -> Iterator[Path]:
    with shared_folder() as folder:
        yield folder


def _assert_told(outcome: dict[str, object], *words: str) -> None:
    assert outcome.get("error") == "LogUnusableError", outcome
    message = str(outcome["message"])
    assert "\n" not in message and "Errno" not in message
    for word in words:
        assert word in message, message


def test_a_read_only_log_file_says_so_and_how_to_fix_it(home: Path) -> None:
    db = home / "log.sqlite3"
    _new_log(db)
    db.chmod(0o444)
    _assert_told(_open(db), f"the log at {db} is read-only", f"chmod u+w '{db}'")
    assert _open(db, create=False) == {"result": "opened"}  # reading it is fine


@pytest.mark.parametrize("existing", [False, True])
def test_a_read_only_folder_says_so_and_how_to_fix_it(home: Path, existing: bool) -> None:
    folder = home / "traybreak"
    db = folder / "log.sqlite3"
    if existing:
        _new_log(db)
    else:
        folder.mkdir()
        give(folder)
    folder.chmod(0o555)
    try:
        _assert_told(_open(db), f"the folder {folder} holding the log is read-only for you",
                     f"chmod u+w '{folder}'")
        if existing:  # a reader needs the folder too, for the -shm file beside the log
            _assert_told(_open(db, create=False), "is read-only for you")
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not ROOT, reason="making another user's file takes root")
@pytest.mark.parametrize("create", [True, False])
def test_another_users_log_file_is_named_with_its_owner(home: Path, create: bool) -> None:
    db = home / "log.sqlite3"
    Store.open(db).close()   # root's, 0600: the plain user can neither read nor write it
    _assert_told(_open(db, create=create), f"the log at {db} belongs to another user (root",
                 "sudo chown $USER")


def test_the_cli_says_it_in_one_line(home: Path) -> None:
    data = home / "data"
    db = data / "traybreak" / "log.sqlite3"
    _new_log(db)
    give(data)
    db.chmod(0o200)  # write-only: unreadable
    env = {"XDG_DATA_HOME": str(data), "HOME": str(home), "PATH": os.environ.get("PATH", "")}
    done = traybreak_as_plain_user(env, "log")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert f"the log at {db} cannot be read" in lines[0] and "unexpected" not in lines[0]


@pytest.mark.skipif(not ROOT, reason="mounting a small tmpfs takes root (CI runs as root)")
def test_a_full_disk_at_start_says_so_for_a_new_and_an_existing_log(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "disk") as disk:
        existing = disk / "old" / "log.sqlite3"
        Store.open(existing).close()
        fill(disk)
        for db in (disk / "new" / "log.sqlite3", existing):
            with pytest.raises(Exception) as caught:
                Store.open(db)
            assert type(caught.value).__name__ == "LogUnusableError"
            assert str(caught.value).startswith(f"the disk holding the log at {db} is full: "
                                                "free some space on it")


def test_a_log_another_writer_holds_still_opens(tmp_path: Path) -> None:
    """The start's write check waits out the busy timeout, then takes a held lock for a
    writable file: a slow writer is not a read-only log."""
    import sqlite3

    db = tmp_path / "log.sqlite3"
    Store.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        Store.open(db).close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
