"""GNOME idle time (Wayland and X11): ``org.gnome.Mutter.IdleMonitor.GetIdletime`` on the
session bus, one round trip per engine sample (jeepney; engine thread).

Why a call per sample and not Mutter's watches (AddIdleWatch / AddUserActiveWatch / WatchFired):
the engine already wakes only when something is due (about once a minute at rest) and samples
once per wake, so the call adds no wakeup of its own; watches would add a listening thread,
state that goes stale when the shell restarts (watches die with it), and still no reading
between two crossings. docs/engine.md has the measurements (bench/idle_at_rest.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from traybreak.platform.idle.bus_poll import BusIdleSource, IdleMethod, probe_method
from traybreak.platform.session_bus import session_bus_address

MUTTER = IdleMethod(bus_name="org.gnome.Mutter.IdleMonitor",
                    path="/org/gnome/Mutter/IdleMonitor/Core",
                    interface="org.gnome.Mutter.IdleMonitor", member="GetIdletime", returns="t")
TITLE = "GNOME Mutter"


def source(address: str) -> BusIdleSource:
    """A Mutter idle source on the bus at ``address`` (not asked yet)."""
    return BusIdleSource("gnome", MUTTER, address)


def probe(env: Mapping[str, str]) -> BusIdleSource | None:
    """A Mutter idle source if the session bus has one that answers now."""
    address = session_bus_address(env)
    return probe_method("gnome", MUTTER, address) if address else None
