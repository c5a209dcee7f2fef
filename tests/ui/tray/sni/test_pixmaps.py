"""The looks as StatusNotifierItem pixmaps: ARGB32 in network byte order, at every offered size,
the same pixels the shipped sheets hold, and no Pillow on the way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import traybreak
from traybreak.ui.tray.looks import CELL, SHEET_CELLS, TrayLook, TrayState, tray_image
from traybreak.ui.tray.sni.pixmaps import (
    PIXMAP_SIZES,
    argb_from_rgba,
    image_pixmaps,
    look_pixmaps,
    look_rgba,
)

LOOKS = [TrayLook(state, step) for state, step in SHEET_CELLS]


def test_rgba_becomes_alpha_red_green_blue() -> None:
    # Two pixels: R=0x11 G=0x22 B=0x33 A=0x44, and opaque white.
    assert argb_from_rgba(b"\x11\x22\x33\x44\xff\xff\xff\xff") == \
        b"\x44\x11\x22\x33\xff\xff\xff\xff"


def test_no_pixels_give_no_bytes() -> None:
    assert argb_from_rgba(b"") == b""


@pytest.mark.parametrize("look", LOOKS, ids=str)
def test_every_offered_size_is_there_with_its_bytes(look: TrayLook) -> None:
    pixmaps = look_pixmaps(look)
    assert [(w, h) for w, h, _ in pixmaps] == [(s, s) for s in PIXMAP_SIZES]
    for width, height, data in pixmaps:
        assert isinstance(data, bytes) and len(data) == width * height * 4


def test_the_sizes_hosts_ask_for_are_offered_smallest_first() -> None:
    assert tuple(sorted(PIXMAP_SIZES)) == PIXMAP_SIZES
    assert {16, 22, 24, 32, 48, CELL} <= set(PIXMAP_SIZES)


@pytest.mark.parametrize("look", LOOKS, ids=str)
def test_the_big_cell_is_the_pillow_crop_of_the_sheet(look: TrayLook) -> None:
    image = tray_image(look.state, look.step)
    assert image.size == (CELL, CELL)
    expected = argb_from_rgba(image.convert("RGBA").tobytes())
    (width, height, data), = [p for p in look_pixmaps(look) if p[0] == CELL]
    assert (width, height) == (CELL, CELL)
    assert data == expected
    assert look_rgba(look, CELL) == image.tobytes()


def test_the_big_cell_holds_a_drawing_not_a_blank() -> None:
    data = look_pixmaps(TrayLook(TrayState.ACTIVE))[-1][2]
    alphas = set(data[0::4])
    assert 0 in alphas and 255 in alphas   # transparent around the badge, opaque on it


@pytest.mark.parametrize("size", PIXMAP_SIZES)
def test_the_looks_differ_at_every_size(size: int) -> None:
    drawn = {look: dict((w, d) for w, _, d in look_pixmaps(look))[size] for look in LOOKS}
    assert len(set(drawn.values())) == len(LOOKS)


def test_a_size_without_a_drawing_is_refused() -> None:
    with pytest.raises(ValueError, match="no 100 px drawing"):
        look_rgba(TrayLook(TrayState.PAUSED), 100)


def test_a_picture_is_one_pixmap_at_its_own_size() -> None:
    from PIL import Image

    image = Image.new("RGB", (3, 2), (0x10, 0x20, 0x30))
    assert image_pixmaps(image) == ((3, 2, b"\xff\x10\x20\x30" * 6),)


def test_the_looks_need_no_pillow() -> None:
    code = ("import sys\n"
            "from traybreak.ui.tray.looks import SHEET_CELLS, TrayLook\n"
            "from traybreak.ui.tray.sni.pixmaps import look_pixmaps\n"
            "sizes = [len(look_pixmaps(TrayLook(s, p))) for s, p in SHEET_CELLS]\n"
            "print(len(sizes), sorted(m for m in sys.modules if m.split('.')[0] == 'PIL'))\n")
    here = str(Path(traybreak.__file__).resolve().parent.parent)  # the traybreak under test
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": here}, timeout=30).stdout
    assert out.split() == [str(len(SHEET_CELLS)), "[]"], out
