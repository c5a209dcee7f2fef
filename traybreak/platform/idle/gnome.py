"""GNOME idle time (Wayland and X11): ``org.gnome.Mutter.IdleMonitor.GetIdletime`` on the
session bus, one round trip per engine sample (jeepney; engine thread).

Why a call per sample and not Mutter's idle watches (AddIdleWatch): the engine already wakes
only when something is due and samples once per wake, so the call adds no wakeup of its own;
idle watches would still give no reading between two crossings. docs/engine.md has the
measurements (bench/idle_at_rest.py). The one watch used is the user-active one, while the user
is away (mutter_return.py): it tells the return as it happens, so the engine need not tick.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from traybreak.platform.idle.base import HoldsReturnWatch
from traybreak.platform.idle.bus_poll import BusIdleSource, IdleMethod, answering
from traybreak.platform.idle.mutter_return import MutterReturnWatch
from traybreak.platform.session_bus import BusError, session_bus_address

log = logging.getLogger(__name__)

MUTTER = IdleMethod(bus_name="org.gnome.Mutter.IdleMonitor",
                    path="/org/gnome/Mutter/IdleMonitor/Core",
                    interface="org.gnome.Mutter.IdleMonitor", member="GetIdletime", returns="t")
TITLE = "GNOME Mutter"


class MutterIdleSource(HoldsReturnWatch, BusIdleSource):
    """Mutter's idle time, with its return watch (``returns``, set by ``probe``) when the bus
    lets us follow its signals."""

    def __init__(self, address: str) -> None:
        super().__init__("gnome", MUTTER, address)

    def close(self) -> None:
        """Close the connection and the watch's. Safe to call twice."""
        super().close()
        self.close_return_watch()


def source(address: str) -> MutterIdleSource:
    """A Mutter idle source on the bus at ``address`` (not asked yet, no return watch)."""
    return MutterIdleSource(address)


def probe(env: Mapping[str, str]) -> MutterIdleSource | None:
    """A Mutter idle source if the session bus has one that answers now, with its return
    watch when that can be set up (else it samples while away, as before)."""
    address = session_bus_address(env)
    if not address:
        return None
    found = answering(MutterIdleSource(address))
    if found is None:
        return None
    watch = MutterReturnWatch(address)
    try:
        watch.start()
    except BusError as err:
        log.info("no GNOME return watch: %s", err)
    else:
        found.returns = watch
    return found
