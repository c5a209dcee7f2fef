"""Which busy sources this session gets, by what it offers: on Linux and the BSDs the desktop's
do-not-disturb (GNOME Shell on the session bus: show-banners; else a notification server with
Inhibited) and X11 full screen where there is an X display (Xwayland included); on Windows the
shell's notification state; on macOS none (no supported API). Each module is imported on call.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from traybreak.platform.busy.base import BusySource, BusySources
from traybreak.platform.session_bus import session_bus_address

log = logging.getLogger(__name__)

MACOS_WHY = ("macOS has no supported API to read Focus (do not disturb), and full screen is "
             "not detected")


def _gnome(env: Mapping[str, str]) -> BusySource | None:
    from traybreak.platform.busy import gnome

    address = session_bus_address(env)
    return None if address is None else gnome.probe(env, address)


def _notifications(env: Mapping[str, str]) -> BusySource | None:
    from traybreak.platform.busy import notifications

    address = session_bus_address(env)
    return None if address is None else notifications.probe(address)


def _x11(env: Mapping[str, str]) -> BusySource | None:
    from traybreak.platform.busy import x11

    return x11.probe(env)


def _win32(env: Mapping[str, str]) -> BusySource | None:
    from traybreak.platform.busy import win32

    return win32.probe()


Probe = Callable[[Mapping[str, str]], "BusySource | None"]


@dataclass(frozen=True)
class Probes:
    """The probes by what they detect (tests pass fakes): do-not-disturb ones are tried in
    order until one answers; every full-screen one that answers is used."""

    dnd: tuple[Probe, ...] = (_gnome, _notifications)
    fullscreen: tuple[Probe, ...] = (_x11,)
    windows: tuple[Probe, ...] = (_win32,)


def choose_busy_sources(env: Mapping[str, str] | None = None, platform: str | None = None,
                        probes: Probes = Probes()) -> BusySources:
    """The busy sources that answer in this session (logged once), maybe none."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform == "darwin":
        return _chosen([], MACOS_WHY)
    if platform.startswith("win"):
        return _chosen(_all(probes.windows, env), "")
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return _chosen([], f"no busy source for platform {platform}")
    dnd = _all(probes.dnd, env, first=True)
    return _chosen(dnd + _all(probes.fullscreen, env), "")


def _all(probes: tuple[Probe, ...], env: Mapping[str, str], first: bool = False
         ) -> list[BusySource]:
    """The sources whose probe answers (with ``first``, only the first of them)."""
    found: list[BusySource] = []
    for probe in probes:
        if first and found:
            break
        try:
            source = probe(env)
        except Exception:  # a broken optional source must never stop the app
            log.warning("a busy source failed to start", exc_info=True)
            source = None
        if source is not None:
            found.append(source)
    return found


def _chosen(sources: list[BusySource], why: str) -> BusySources:
    chosen = BusySources(sources, why or "neither do-not-disturb nor full screen can be read "
                                         "in this session")
    if sources:
        log.info("busy sources: %s", chosen.name)
    else:
        log.info("busy state unknown: %s", chosen.why_none)
    return chosen
