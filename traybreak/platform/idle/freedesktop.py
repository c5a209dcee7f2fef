"""Idle time from ``org.freedesktop.ScreenSaver.GetSessionIdleTime`` on the session bus (KDE
Plasma on X11 and a few other desktops), one round trip per engine sample (jeepney; engine
thread). The method is in no freedesktop spec; KWin on Wayland answers NotSupported, and then
the probe gives None (KDE Wayland's idle time comes from the Wayland protocol instead).
"""

from __future__ import annotations

from collections.abc import Mapping

from traybreak.platform.idle.bus_poll import BusIdleSource, IdleMethod, probe_method
from traybreak.platform.session_bus import session_bus_address

SCREENSAVER = IdleMethod(bus_name="org.freedesktop.ScreenSaver",
                         path="/org/freedesktop/ScreenSaver",
                         interface="org.freedesktop.ScreenSaver", member="GetSessionIdleTime",
                         returns="u")
TITLE = "FreeDesktop ScreenSaver"


def probe(env: Mapping[str, str]) -> BusIdleSource | None:
    """A source if GetSessionIdleTime answers now (not NotSupported, not absent)."""
    address = session_bus_address(env)
    return probe_method("freedesktop", SCREENSAVER, address) if address else None
