"""Drawn figures kept on disk (ui/figures/cache.py, #18 point 12): an entry holds the same pixels
the drawing gives, a kept figure is read back without Pillow, what an entry depends on changes
its key, other versions' entries go, and an unusable folder only costs the keeping."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Kind, Setting
from traybreak.ui.figures import cache as figure_cache
from traybreak.ui.figures.cache import FigureCache, entry_key
from traybreak.ui.figures.draw import render_exercise

STRETCH = next(ex for ex in load_builtin() if ex.id == "seated_hip_flexor_stretch")


def _pixels(png: bytes | Path) -> bytes:
    data = png.read_bytes() if isinstance(png, Path) else png
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").tobytes()


def test_a_kept_figure_reads_back_as_the_frames_drawn(tmp_path: Path) -> None:
    figures = FigureCache(tmp_path / "figures")
    assert figures.lookup(STRETCH, 200) is None
    kept = figures.draw_and_keep(STRETCH, 200)
    again = figures.lookup(STRETCH, 200)
    assert again == kept and all(frame.path and frame.path.is_file() for frame in kept)
    drawn = render_exercise(STRETCH, size=200)
    assert [frame.hold_ms for frame in kept] == [frame.hold_ms for frame in drawn]
    for frame, image in zip(kept, drawn, strict=True):
        assert frame.path is not None
        assert _pixels(frame.path) == image.image.convert("RGBA").tobytes()


def test_another_size_pose_kind_setting_or_picture_is_another_entry(tmp_path: Path) -> None:
    other_setting = next(s for s in Setting if s is not STRETCH.setting)
    picture = tmp_path / "me.png"
    Image.new("RGB", (40, 30), "red").save(picture)
    with_picture = replace(STRETCH, image=str(picture))
    keys = {entry_key(STRETCH, 200), entry_key(STRETCH, 240),
            entry_key(replace(STRETCH, pose="neutral_standing"), 200),
            entry_key(replace(STRETCH, kind=Kind.RELAX), 200), entry_key(with_picture, 200),
            # a card without a pose shows its setting's neutral figure: another setting, another
            # drawing (#16 point 5)
            entry_key(replace(STRETCH, setting=other_setting), 200)}
    assert len(keys) == 6
    before = entry_key(with_picture, 200)
    Image.new("RGB", (50, 30), "blue").save(picture)       # replaced in place
    assert entry_key(with_picture, 200) != before


def test_a_half_written_or_damaged_entry_is_drawn_again(tmp_path: Path) -> None:
    figures = FigureCache(tmp_path / "figures")
    kept = figures.draw_and_keep(STRETCH, 120)
    entry = figures.entry(STRETCH, 120)
    assert entry is not None
    assert kept[-1].path is not None
    kept[-1].path.unlink()                                  # a frame gone
    assert figures.lookup(STRETCH, 120) is None
    figures.draw_and_keep(STRETCH, 120)
    (entry / figure_cache.INDEX).write_text("{not json")     # the index damaged
    assert figures.lookup(STRETCH, 120) is None
    (entry / figure_cache.INDEX).write_text(json.dumps({"holds": []}))
    assert figures.lookup(STRETCH, 120) is None


def test_another_versions_drawings_are_removed_when_a_new_one_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "figures"
    FigureCache(folder).draw_and_keep(STRETCH, 100)
    (old,) = folder.iterdir()
    monkeypatch.setattr(figure_cache, "stamp", lambda: "9.9.9-new")
    newer = FigureCache(folder)
    assert newer.lookup(STRETCH, 100) is None              # drawn by other code: not used
    newer.draw_and_keep(STRETCH, 100)
    assert [p.name for p in folder.iterdir()] == ["9.9.9-new"] and not old.exists()


def test_the_stamp_follows_the_drawing_code(tmp_path: Path) -> None:
    before = figure_cache.stamp()
    draw = Path(figure_cache.__file__).with_name("props.py")
    info = draw.stat()
    try:
        os.utime(draw, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert figure_cache.stamp() != before
    finally:
        os.utime(draw, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert figure_cache.stamp() == before


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root writes into a read-only folder anyway")
def test_an_unwritable_folder_still_shows_the_figure(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        frames = FigureCache(folder).draw_and_keep(STRETCH, 100)
    finally:
        folder.chmod(0o700)
    assert frames and all(frame.path is None and frame.png for frame in frames)


def test_a_folder_that_is_a_file_still_shows_the_figure(tmp_path: Path) -> None:
    blocker = tmp_path / "figures"
    blocker.write_text("not a folder")
    frames = FigureCache(blocker).draw_and_keep(STRETCH, 100)
    assert frames and all(frame.path is None and frame.png for frame in frames)
    assert _pixels(frames[0].png) == render_exercise(STRETCH, size=100)[0].image.convert(
        "RGBA").tobytes()


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    figures = FigureCache(None)
    assert figures.lookup(STRETCH, 100) is None
    assert all(frame.png for frame in figures.draw_and_keep(STRETCH, 100))


# The regression guard for the window's memory (#18 point 12; bench/prompt_memory.py has the
# figures): a prompt window whose figure was drawn before must not load Pillow, nor python-xlib
# (3.2 MB), nor hashlib (OpenSSL's library, 3.6 MB), nor numpy. Checked in a fresh interpreter,
# by what it imported; tests/e2e/test_prompt_window.py checks the same in a real window.
HEAVY = ("PIL", "Xlib", "numpy", "hashlib", "_hashlib", "traybreak.ui.figures.draw")


def test_the_prompt_window_reads_a_kept_figure_without_heavy_modules(tmp_path: Path) -> None:
    FigureCache(tmp_path / "figures").draw_and_keep(STRETCH, 200)
    code = f"""
import sys
import traybreak.cli.prompt_cmd, traybreak.ui.prompt.window
from traybreak.ui.toolkit.screen import MonitorProbe
MonitorProbe().result()
from traybreak.catalog.load import load_catalog
from pathlib import Path
from traybreak.ui.figures.cache import FigureCache
frames = FigureCache(Path({str(tmp_path / 'figures')!r})).lookup(
    load_catalog().require("seated_hip_flexor_stretch"), 200)
assert frames and all(f.path for f in frames), frames
print(" ".join(m for m in {HEAVY!r} if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ,
                                                        "XDG_DATA_HOME": str(tmp_path / "d")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"the prompt window loaded {done.stdout.strip()}"


def test_the_exercise_is_only_kept_unmirrored(tmp_path: Path) -> None:
    # The window flips the photos for the other side (Tk); the drawing's mirror is the flip.
    frames = FigureCache(tmp_path).draw_and_keep(STRETCH, 100)
    mirrored = render_exercise(STRETCH, size=100, mirror=True)
    assert frames[0].path is not None
    with Image.open(frames[0].path) as kept:
        flipped = kept.convert("RGBA").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        assert flipped.tobytes() == mirrored[0].image.convert("RGBA").tobytes()
