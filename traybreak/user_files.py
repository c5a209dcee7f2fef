"""Reading the TOML files a user (or someone else) can put in traybreak's way: the settings file
and the exercise packs. Only a regular file is read (a FIFO would block for ever, a device might
never end), never more than a size cap, and TOML nested deeper than anything traybreak reads is
refused before it can exhaust the stack (tomllib parses recursively: arrays 500 deep raise
RecursionError) or reach code that walks it.

Every problem is an UnusableFile whose message reads "what is wrong (expected …)"; the caller
puts the file's name in front. A missing file is FileNotFoundError, as from open().
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

#: A settings file or pack is a few kilobytes; this is a thousand full exercise cards.
MAX_BYTES = 1 << 20
#: Tables and arrays within each other, the document itself counting as one: a pack's
#: [[exercise]] array, a card and its dosage table make 4.
MAX_DEPTH = 16

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class UnusableFile(ValueError):
    """A file that cannot be read as TOML settings; ``str()`` reads "what is wrong (expected …)"."""


class InvalidToml(UnusableFile):
    """Text that is not TOML; ``str()`` is tomllib's "Reason (at line L, column C)"."""


class NotUtf8(UnusableFile):
    """Bytes that are not UTF-8 text, from byte ``start`` on."""

    def __init__(self, start: int) -> None:
        super().__init__(f"byte {start}: not UTF-8 text (expected a UTF-8 text file)")
        self.start = start


def read_toml(path: Path, limit: int = MAX_BYTES) -> dict[str, Any]:
    """The TOML document in the regular file at ``path``, at most ``limit`` bytes long, nested
    at most MAX_DEPTH deep. A UTF-8 byte-order mark is allowed (Windows editors write one).

    Raises FileNotFoundError when there is no such file, UnusableFile for any other problem
    (unreadable, not a regular file, too big, NotUtf8, InvalidToml, too deeply nested).
    """
    raw = read_regular(path, limit)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise NotUtf8(err.start) from None
    return parse_toml(text)


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, refusing anything else and anything longer
    than ``limit`` without reading it (or, for a file growing as it is read, past ``limit``)."""
    try:
        # stat first, so a FIFO or a device is never even opened (opening one can block, or
        # do something); the descriptor is checked again, as the name may change in between.
        _check_kind(os.stat(path))
        # O_NONBLOCK: should a FIFO take the name after all, the open does not wait for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise
    except OSError as err:
        raise UnusableFile(f"cannot read it: {err.strerror or err} (expected a readable TOML "
                           "file)") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        _check_kind(info)
        if info.st_size > limit:
            raise UnusableFile(_too_big(info.st_size, limit))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise UnusableFile(_too_big(len(data), limit))
    return data


def parse_toml(text: str) -> dict[str, Any]:
    """``text`` as TOML, nested at most MAX_DEPTH deep; InvalidToml for invalid TOML (tomllib's
    message, "… (at line L, column C)"), UnusableFile for nesting beyond that."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidToml(str(err)) from None
    except ValueError:  # int() refuses over 4,300 digits, which tomllib passes on as it is
        raise InvalidToml("a number too long to read (a TOML integer has at most 19 digits)")\
            from None
    except RecursionError:
        raise UnusableFile(_too_deep()) from None
    if _depth(data) > MAX_DEPTH:
        raise UnusableFile(_too_deep())
    return data


def _check_kind(info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    what = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    raise UnusableFile(f"cannot read it: it is {what}, not a file (expected a TOML text file)")


def _too_big(size: int, limit: int) -> str:
    return (f"is {size / 1024:,.0f} KB, too big to be settings or a pack "
            f"(expected at most {limit // 1024:,} KB)")


def _too_deep() -> str:
    return (f"tables and arrays nested too deeply (expected at most {MAX_DEPTH} levels, "
            "where settings need 3 and a pack 4)")


def _depth(data: object) -> int:
    """How deep tables and arrays nest in ``data`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: list[object] = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break  # deep enough to refuse; no need to walk the rest
        stack.extend((child, level + 1) for child in children)
    return deepest
