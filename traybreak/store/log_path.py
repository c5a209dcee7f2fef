"""Why the log's path cannot be used, in words: a folder where the file should be, a file where
its folder should be, a file or folder this user may not write or read, another user's file, a
read-only file system, a full disk. Each message names the path, what is wrong and what to do.

Asked only after opening failed (or, for a folder at the path, before a reader would say "no log
yet"), so the checks here cost nothing on a normal start.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from traybreak.errors import ExitStatus, UserError

# Below this much free space an I/O error is taken for a full disk: SQLite reports a full disk
# as SQLITE_FULL when writing pages, but as a plain I/O error when it cannot size its -shm file.
_NEARLY_FULL = 1 << 20
_SIDECARS = ("-wal", "-shm")
_AGAIN = "then try again"


class LogUnusableError(UserError):
    """The log's path cannot be used as it is; ``str()`` names the path, what is wrong and what
    to do. Nothing was changed or created."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitStatus.FAILURE)


def folder_at(path: Path) -> LogUnusableError | None:
    """The error for a folder standing where the log file should be, else None."""
    if path.is_dir():
        return LogUnusableError(
            f"the log at {path} is a folder, not a file: move it out of the way (traybreak "
            f"starts a new log there), {_AGAIN}")
    return None


def unusable(path: Path, err: Exception, *, writing: bool,
             full: bool | None = False) -> LogUnusableError:
    """Why opening the log at ``path`` (for writing, else for reading) failed with ``err``.

    ``full``: True when SQLite said the disk is full, None for an I/O error a full disk may
    explain (this module leaves SQLite's codes to log_open and log_errors).
    """
    return folder_at(path) or LogUnusableError(_why(path, err, writing, full))


def _why(path: Path, err: Exception, writing: bool, full: bool | None) -> str:
    blocker = _file_in_the_way(path.parent)
    if blocker is not None:
        return (f"the log's folder {path.parent} cannot be made: {blocker} is a file, not a "
                f"folder: move it out of the way, {_AGAIN}")
    folder = _nearest_existing(path.parent)
    if _is_full(err, folder, full):
        return f"the disk holding the log at {path} is full: free some space on it, {_AGAIN}"
    if _errno(err) == errno.EROFS or _read_only_mount(folder):
        return (f"the log at {path} is on a read-only file system: mount it writable, or point "
                f"$XDG_DATA_HOME at a writable folder, {_AGAIN}")
    for target in [path, *(Path(f"{path}{suffix}") for suffix in _SIDECARS)]:
        problem = _file_problem(target, path, writing)
        if problem is not None:
            return problem
    problem = _folder_problem(folder, writing)
    if problem is not None:
        return problem
    what = "write" if writing else "read"
    return f"cannot {what} the log at {path}: {_detail(err)} (check that file and its folder)"


def _file_problem(target: Path, log: Path, writing: bool) -> str | None:
    """Another user's file, or one this user may not write (or read), at ``target``."""
    try:
        info = target.stat()
    except OSError:
        return None  # absent (a -wal or -shm often is), or its folder says more: see below
    what = "the log at" if target == log else "the log's companion file"
    owner = _other_owner(info)
    if owner is not None:
        return (f"{what} {target} belongs to another user ({owner}): if it is yours, take it "
                f"back (sudo chown $USER '{target}'), else move it away; {_AGAIN}")
    if writing and not os.access(target, os.W_OK):
        return f"{what} {target} is read-only: make it writable (chmod u+w '{target}'), {_AGAIN}"
    if not os.access(target, os.R_OK):
        return f"{what} {target} cannot be read: make it readable (chmod u+r '{target}'), {_AGAIN}"
    return None


def _folder_problem(folder: Path, writing: bool) -> str | None:
    """A folder holding the log that this user may not write in (SQLite makes the -wal and
    -shm files beside the log, readers too) or not enter."""
    try:
        info = folder.stat()
    except OSError:
        return None
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    owner = _other_owner(info)
    whose = f" belongs to another user ({owner}) and" if owner is not None else ""
    use = "writes" if writing else "reads"
    return (f"the folder {folder} holding the log{whose} is read-only for you (traybreak {use} "
            f"the log there and keeps its -wal and -shm files beside it): make it writable "
            f"(chmod u+w '{folder}'), {_AGAIN}")


def _file_in_the_way(folder: Path) -> Path | None:
    """The first of ``folder`` and its parents that exists as something other than a folder."""
    for place in (folder, *folder.parents):
        try:
            info = place.stat()
        except (FileNotFoundError, NotADirectoryError):  # the file may be further up
            continue
        except OSError:
            return None
        return None if stat.S_ISDIR(info.st_mode) else place
    return None


def _nearest_existing(folder: Path) -> Path:
    return next((place for place in (folder, *folder.parents) if place.exists()), folder)


def _is_full(err: Exception, folder: Path, full: bool | None) -> bool:
    if full or _errno(err) in (errno.ENOSPC, errno.EDQUOT):
        return True
    return full is None and _free_bytes(folder) < _NEARLY_FULL


def _free_bytes(folder: Path) -> int:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # statvfs is POSIX only
        return _NEARLY_FULL
    return info.f_bavail * info.f_frsize


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _other_owner(info: os.stat_result) -> str | None:
    """The owner's name (and uid) when it is not this user; None when it is, or off POSIX."""
    getuid = getattr(os, "getuid", None)
    if getuid is None or info.st_uid == getuid():
        return None
    try:
        import pwd  # POSIX only, and only after a failure

        return f"{pwd.getpwuid(info.st_uid).pw_name}, uid {info.st_uid}"
    except (ImportError, KeyError):
        return f"uid {info.st_uid}"


def _errno(err: Exception) -> int | None:
    return err.errno if isinstance(err, OSError) else None


def _detail(err: Exception) -> str:
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return str(err)
