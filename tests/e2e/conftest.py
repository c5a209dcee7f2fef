"""Fixtures for the real-desktop tests: a fresh Xvfb (and tray host) per test, or a loud skip;
headless GNOME and KDE sessions (``gnome``, ``kde``: one per test module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e.wayland_session import gnome, gnome_lockable, kde  # noqa: F401 - real sessions
from e2e.xdesktop import Desktop, missing_tools, skip_reason


def _desktop(**options: bool) -> Iterator[Desktop]:
    missing = missing_tools(**options)
    if missing:
        pytest.skip(skip_reason(missing))
    with Desktop(**options) as d:
        yield d


@pytest.fixture
def xdesktop() -> Iterator[Desktop]:
    """A bare Xvfb screen (1024x768), no window manager, no tray."""
    yield from _desktop()


@pytest.fixture
def tray_desktop() -> Iterator[Desktop]:
    """Xvfb with trayer already owning the system-tray selection."""
    yield from _desktop(tray=True)


@pytest.fixture
def wm_tray_desktop() -> Iterator[Desktop]:
    """Xvfb with openbox (focus, activation) and trayer."""
    yield from _desktop(wm=True, tray=True)
