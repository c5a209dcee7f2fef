"""The tray icon: RGBA at every size, distinct states, a progress cue, a matching app icon."""

from __future__ import annotations

import hashlib
from importlib.resources import files

import pytest
from PIL import Image, ImageChops

from traybreak.ui.tray_icon import TrayState, app_icon, draw_tray_icon

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
    python -c "from traybreak.ui.tray_icon import app_icon; app_icon().save('icons/traybreak.png')"
    """
    with files("traybreak.icons").joinpath("traybreak.png").open("rb") as f:
        shipped = Image.open(f).convert("RGBA")
        shipped.load()
    assert ImageChops.difference(shipped, app_icon(256)).getbbox(alpha_only=False) is None
