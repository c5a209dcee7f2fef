"""The tray icon: RGBA at every size, distinct states, a progress cue, a matching app icon."""

from __future__ import annotations

import hashlib
import zlib
from importlib.resources import files

import pytest
from PIL import Image, ImageChops

from traybreak.platform.app_menu.linux import HICOLOR_SIZES, shipped_icon
from traybreak.ui.tray.drawing import app_icon, draw_tray_icon, render_sheet, render_slot_sheet
from traybreak.ui.tray.looks import (
    CELL,
    PROGRESS_STEPS,
    SHEET_CELLS,
    SHEET_SIZES,
    TrayLook,
    TrayState,
    progress_step,
    sheet_path,
    slot_pixels,
    slot_sheet_path,
    tray_image,
)

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(TrayState))
def test_every_state_renders_rgba_at_every_size(state: TrayState, size: int) -> None:
    icon = draw_tray_icon(state, 0.5, size)
    assert icon.mode == "RGBA" and icon.size == (size, size)
    assert icon.getpixel((0, 0))[3] == 0, "corners must stay transparent"
    assert icon.getpixel((size // 2, size // 2))[3] == 255, "the badge must be opaque"


@pytest.mark.parametrize("size", (16, 32, 64))
def test_states_look_different(size: int) -> None:
    digests = {hashlib.sha256(draw_tray_icon(s, None, size).tobytes()).hexdigest()
               for s in TrayState}
    assert len(digests) == len(TrayState)


def test_progress_ring_changes_with_progress() -> None:
    empty, half, full = (draw_tray_icon(TrayState.ACTIVE, p, 64) for p in (0.0, 0.5, 1.0))
    assert ImageChops.difference(empty, half).getbbox(alpha_only=False) is not None
    assert ImageChops.difference(half, full).getbbox(alpha_only=False) is not None
    # The first half of the ring runs clockwise from 12 o'clock: the right side lights up first.
    right = half.getpixel((55, 32))
    left = half.getpixel((9, 32))
    assert sum(right[:3]) > sum(left[:3])


def test_returned_images_are_independent_copies() -> None:
    first = draw_tray_icon(TrayState.PAUSED, None, 32)
    first.putpixel((16, 16), (0, 0, 0, 0))
    assert draw_tray_icon(TrayState.PAUSED, None, 32).getpixel((16, 16))[3] == 255


def test_shipped_app_icon_matches_the_drawing() -> None:
    """icons/traybreak.png is generated from app_icon(); regenerate it if the drawing changes:
    python -c "from traybreak.platform.app_menu.linux import HICOLOR_SIZES, shipped_icon
from traybreak.ui.tray.drawing import app_icon
    app_icon().save('icons/traybreak.png')"
    """
    with files("traybreak.icons").joinpath("traybreak.png").open("rb") as f:
        shipped = Image.open(f).convert("RGBA")
        shipped.load()
    assert ImageChops.difference(shipped, app_icon(256)).getbbox(alpha_only=False) is None


@pytest.mark.parametrize("size", HICOLOR_SIZES)
def test_shipped_hicolor_icons_are_the_drawing_at_each_size(size: int) -> None:
    """icons/hicolor/<size>.png (what `traybreak desktop-entry install` copies into the icon
    theme) are app_icon drawn at that size, not one picture scaled; regenerate them with
    python -m traybreak.ui.tray.drawing if the drawing changes."""
    with Image.open(shipped_icon(size)) as shipped:
        assert shipped.size == (size, size)
        pixels = shipped.convert("RGBA")
    assert ImageChops.difference(pixels, app_icon(size)).getbbox(alpha_only=False) is None


def test_shipped_tray_sheet_matches_the_drawing() -> None:
    """icons/tray-states.rgba.zlib is what the running tray shows; regenerate it with
    python -m traybreak.ui.tray.drawing if the drawing changes."""
    assert zlib.decompress(sheet_path().read_bytes()) == render_sheet().tobytes()


@pytest.mark.parametrize(("state", "step"), SHEET_CELLS)
def test_each_tray_look_is_its_drawing(state: TrayState, step: int | None) -> None:
    progress = None if step is None else step / PROGRESS_STEPS
    look = tray_image(state, step)
    assert look.mode == "RGBA" and look.size == (CELL, CELL)
    drawn = draw_tray_icon(state, progress, CELL)
    assert ImageChops.difference(look, drawn).getbbox(alpha_only=False) is None


def test_shipped_slot_sheets_match_the_drawing() -> None:
    """icons/slots/<size>.rgba.zlib are what an XEmbed tray shows; regenerate them with
    python -m traybreak.ui.tray.drawing if the drawing changes."""
    for size in SHEET_SIZES:
        assert zlib.decompress(slot_sheet_path(size).read_bytes()) == render_slot_sheet(size), size


def test_the_cell_size_sheet_holds_the_one_row_sheets_looks() -> None:
    """The SNI tray's largest pixmap comes from its own look-after-look sheet: the same pixels
    as the one-row sheet the pictures are cut from."""
    row = zlib.decompress(sheet_path().read_bytes())
    cells = zlib.decompress(slot_sheet_path(CELL).read_bytes())
    stride, cell = CELL * 4 * len(SHEET_CELLS), CELL * CELL * 4
    for index in range(len(SHEET_CELLS)):
        rows = b"".join(row[y * stride + index * CELL * 4:y * stride + (index + 1) * CELL * 4]
                        for y in range(CELL))
        assert cells[index * cell:(index + 1) * cell] == rows, SHEET_CELLS[index]


@pytest.mark.parametrize("size", (16, 24, 48))
@pytest.mark.parametrize(("state", "step"), SHEET_CELLS)
def test_each_slot_look_is_its_drawing_with_its_transparency(
        state: TrayState, step: int | None, size: int) -> None:
    # RGBA, not laid over black: the xorg icon lays it over the tray's own background.
    progress = None if step is None else step / PROGRESS_STEPS
    drawn = draw_tray_icon(state, progress, size)
    assert slot_pixels(TrayLook(state, step), size) == drawn.tobytes()


@pytest.mark.parametrize("size", (10, 15, 49, 72))
def test_other_slot_sizes_are_scaled_from_the_sheet(size: int) -> None:
    pixels = slot_pixels(TrayLook(TrayState.PROMPT), size)
    assert len(pixels) == size * size * 4
    picture = Image.frombytes("RGBA", (size, size), pixels)
    corner = picture.getpixel((0, 0))  # transparent: the slot shows (LANCZOS rings a little)
    assert corner[3] <= 8, corner
    r, g, b, a = picture.getpixel((size // 5, size // 2))  # inside the badge, off the figure
    assert r > 200 and 90 < g < 130 and 60 < b < 100, (r, g, b)  # the prompt's coral
    assert a > 240, a  # the badge is opaque (LANCZOS softens it at 10 px)


def test_a_look_without_a_ring_ignores_the_step() -> None:
    assert TrayLook(TrayState.PAUSED, 5) == TrayLook(TrayState.PAUSED)
    assert TrayLook(TrayState.ACTIVE, 5) != TrayLook(TrayState.ACTIVE)
    assert [TrayLook(s, p).index for s, p in SHEET_CELLS] == list(range(len(SHEET_CELLS)))


def test_only_the_active_look_has_a_ring() -> None:
    assert tray_image(TrayState.PAUSED, 5).tobytes() == tray_image(TrayState.PAUSED, None).tobytes()
    assert tray_image(TrayState.ACTIVE, 5).tobytes() != tray_image(TrayState.ACTIVE, None).tobytes()


@pytest.mark.parametrize(("progress", "step"),
                         [(None, None), (-1.0, 0), (0.0, 0), (0.04, 0), (0.05, 1), (0.5, 6),
                          (0.99, 12), (1.0, 12), (7.0, 12)])
def test_progress_is_rounded_to_a_ring_step(progress: float | None, step: int | None) -> None:
    assert progress_step(progress) == step


def test_the_running_tray_does_not_load_imagedraw() -> None:
    """ImageDraw brings ImageFont and FreeType (~1.8 MB), PngImagePlugin decimal (~1 MB)."""
    import subprocess
    import sys

    code = ("import sys; import traybreak.app.tray_app; "
            "from traybreak.ui.tray.looks import tray_image, TrayState; "
            "tray_image(TrayState.ACTIVE, 3); "
            "print(sorted(m for m in sys.modules if m.startswith('PIL.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYSTRAY_BACKEND": "dummy"}).stdout
    for heavy in ("PIL.ImageDraw", "PIL.ImageFont", "PIL.PngImagePlugin"):
        assert heavy not in out, out
