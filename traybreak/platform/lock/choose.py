"""Which lock watch this session gets: GNOME's screensaver, else the freedesktop one, whichever
name is owned on the session bus (asked, not guessed from env vars); in a GNOME Shell session
whose screensaver helper does not run yet, GNOME's, started by D-Bus activation; else logind's
``LockedHint`` where the system bus has logind and a session for us; None elsewhere."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from traybreak.platform.lock.bus_watch import BusLockWatch
from traybreak.platform.lock.screensaver import (
    FREEDESKTOP,
    GNOME,
    ScreenSaverService,
    ScreenSaverWatch,
)
from traybreak.platform.session_bus import BusError, session_bus_address

log = logging.getLogger(__name__)

#: Best first. logind's LockedHint comes after them: the services say the lock as the desktop's
#: own locker sees it, on the bus the session already uses; LockedHint is the fallback for
#: lockers that only tell logind (and it needs a system bus with logind on it).
SERVICES = (GNOME, FREEDESKTOP)
#: GNOME 43's org.gnome.ScreenSaver is a D-Bus activated helper (gjs) that may not run yet
#: when the app starts: in a GNOME Shell session the watch has the bus start it.
GNOME_SHELL = "org.gnome.Shell"


def choose_lock_watch(env: Mapping[str, str], names: frozenset[str]) -> BusLockWatch | None:
    """A started watch on the first screensaver service among ``names`` (the session bus's
    owned names) that accepts us, else on logind's LockedHint, else None."""
    address = session_bus_address(env)
    if address is not None:
        for service in SERVICES:
            if service.bus_name in names:
                watch = _started(service, address, ask=True)
                if watch is not None:
                    return watch
        if GNOME_SHELL in names:
            return _started(GNOME, address, ask=False)
    from traybreak.platform.lock import logind  # the system bus, only where nothing else is

    return logind.probe(env)


def _started(service: ScreenSaverService, address: str, ask: bool) -> ScreenSaverWatch | None:
    watch = ScreenSaverWatch(service, address)
    try:
        watch.start(ask)
    except BusError as err:
        log.info("lock watch %s unavailable: %s", service.name, err)
        return None
    return watch
