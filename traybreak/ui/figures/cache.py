"""Drawn figures kept on disk as PNG files, so that a prompt window showing a figure drawn before
reads them with Tk (which decodes PNG itself) and never imports Pillow or draws: that was about
17 MB of the window's 51 MB (#18 point 12, bench/prompt_memory.py).

An entry is one exercise's frames, unmirrored, at one pixel size: ``<folder>/<stamp>/<key>/``
holding ``0.png``, ``1.png`` ... and ``index.json`` (how long each frame shows), written last,
so an entry with an index is whole. ``<stamp>`` changes whenever the drawing could: another
traybreak version, or a changed figure module or pose file (their sizes and times, so an
editable install notices edits too); entries under another stamp are removed when a new one is
written. The key covers what the drawing of an exercise depends on: its pose, kind, setting and
picture (path, size and time). The mirrored side is the same pixels flipped, which Tk does.

The window has an entry it lacks drawn by a process of its own (``drawer``: the CLI's `prompt
ID --draw-figure PIXELS`, which calls `draw_and_keep`), so its own memory never holds Pillow;
only when that fails does it draw itself. Without a usable folder (unwritable, full) the figure
is drawn each time and only not kept. This module imports no Pillow itself; `draw_and_keep`
imports the drawing when it must draw.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import traybreak
import traybreak.exercises
from traybreak.core.model import Exercise

log = logging.getLogger(__name__)

INDEX = "index.json"


@dataclass(frozen=True)
class Frame:
    """One still of a figure as PNG: a file in the cache, or the bytes when it could not be
    kept; and how long it shows."""

    hold_ms: int
    path: Path | None = None
    png: bytes = b""


def stamp() -> str:
    """What the drawing code and pose data are now (a short digest, no file read)."""
    figures = Path(__file__).parent
    sources = sorted(figures.glob("*.py")) + sorted(
        Path(traybreak.exercises.__file__).parent.glob("poses*.toml"))
    parts = [traybreak.__version__]
    for source in sources:
        info = source.stat()
        parts.append(f"{source.name}:{info.st_size}:{info.st_mtime_ns}")
    return f"{traybreak.__version__}-{_digest(parts)}"


def entry_key(exercise: Exercise, pixels: int) -> str:
    """The entry of ``exercise`` drawn at ``pixels``: readable, plus a digest of its pose, kind,
    setting (a card without a pose gets the neutral figure of its setting) and picture (whose
    size and time are included: a picture replaced in place is drawn again)."""
    parts = [exercise.id, exercise.pose or "", exercise.kind.value, exercise.setting.value,
             str(pixels)]
    if exercise.image:
        try:
            info = os.stat(exercise.image)
            parts += [exercise.image, str(info.st_size), str(info.st_mtime_ns)]
        except OSError:
            parts += [exercise.image, "missing"]
    name = re.sub(r"[^A-Za-z0-9_-]", "_", exercise.id)[:60]
    return f"{name}-{pixels}-{_digest(parts)}"


def _digest(parts: list[str]) -> str:
    # zlib's CRC (two of them, 64 bits) rather than hashlib, which would load OpenSSL's library
    # into the window (3.6 MB) for a name that only has to tell a few hundred entries apart.
    data = "\0".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


class FigureCache:
    """The entries under ``folder`` (made on first write); with no folder, nothing is kept."""

    def __init__(self, folder: Path | None, drawer: list[str] | None = None) -> None:
        self.folder = folder
        self.current = folder / stamp() if folder is not None else None
        # The command that draws an entry in a process of its own (the pixel size appended).
        self.drawer = drawer if folder is not None else None

    def entry(self, exercise: Exercise, pixels: int) -> Path | None:
        """Where ``exercise`` at ``pixels`` is (or would be) kept."""
        return self.current / entry_key(exercise, pixels) if self.current else None

    def lookup(self, exercise: Exercise, pixels: int) -> list[Frame] | None:
        """The kept frames, or None when there is no whole entry (nothing is drawn)."""
        entry = self.entry(exercise, pixels)
        if entry is None:
            return None
        try:
            holds = json.loads((entry / INDEX).read_text(encoding="utf-8"))["holds"]
            frames = [Frame(int(hold), entry / f"{index}.png") for index, hold in enumerate(holds)]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not frames or not all(frame.path and frame.path.is_file() for frame in frames):
            return None
        return frames

    def draw_and_keep(self, exercise: Exercise, pixels: int) -> list[Frame]:
        """Draw the frames with Pillow and keep them; frames carry their PNG bytes when they
        could not be written (the figure still shows)."""
        from traybreak.ui.figures.draw import png_frames

        drawn = png_frames(exercise, pixels)
        entry = self.entry(exercise, pixels)
        if entry is None:
            return [Frame(hold, png=png) for png, hold in drawn]
        try:
            self._write(entry, drawn)
        except OSError as err:
            log.info("figures are drawn each time: cannot keep them in %s (%s)", self.folder, err)
            return [Frame(hold, png=png) for png, hold in drawn]
        return [Frame(hold, entry / f"{index}.png") for index, (_, hold) in enumerate(drawn)]

    def _write(self, entry: Path, drawn: list[tuple[bytes, int]]) -> None:
        entry.mkdir(parents=True, exist_ok=True)
        for index, (png, _) in enumerate(drawn):
            _write_atomically(entry / f"{index}.png", png)
        holds = json.dumps({"holds": [hold for _, hold in drawn]}).encode("utf-8")
        _write_atomically(entry / INDEX, holds)  # last: the entry is whole
        for old in entry.parent.parent.iterdir():  # another version's drawings: never read
            if old != entry.parent and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
