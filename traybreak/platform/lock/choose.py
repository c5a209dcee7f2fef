"""Which lock watch this session gets: GNOME's screensaver, else the freedesktop one, whichever
name is owned on the session bus (asked, not guessed from env vars); in a GNOME Shell session
whose screensaver helper does not run yet, GNOME's, started by D-Bus activation; None elsewhere."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from traybreak.platform.lock.screensaver import (
    FREEDESKTOP,
    GNOME,
    ScreenSaverService,
    ScreenSaverWatch,
)
from traybreak.platform.session_bus import BusError, session_bus_address

log = logging.getLogger(__name__)

#: Best first. logind's LockedHint is not used: it lives on the system bus, which a desktop
#: without logind (and this project's test sessions) does not have, and every desktop that
#: sets it also runs one of these services.
SERVICES = (GNOME, FREEDESKTOP)
#: GNOME 43's org.gnome.ScreenSaver is a D-Bus activated helper (gjs) that may not run yet
#: when the app starts: in a GNOME Shell session the watch has the bus start it.
GNOME_SHELL = "org.gnome.Shell"


def choose_lock_watch(env: Mapping[str, str], names: frozenset[str]) -> ScreenSaverWatch | None:
    """A started watch on the first screensaver service among ``names`` (the bus's owned
    names) that accepts us, else None."""
    address = session_bus_address(env)
    if address is None:
        return None
    for service in SERVICES:
        if service.bus_name in names:
            watch = _started(service, address, ask=True)
            if watch is not None:
                return watch
    if GNOME_SHELL in names:
        return _started(GNOME, address, ask=False)
    return None


def _started(service: ScreenSaverService, address: str, ask: bool) -> ScreenSaverWatch | None:
    watch = ScreenSaverWatch(service, address)
    try:
        watch.start(ask)
    except BusError as err:
        log.info("lock watch %s unavailable: %s", service.name, err)
        return None
    return watch
