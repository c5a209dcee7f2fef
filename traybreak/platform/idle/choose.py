"""Which idle source this session gets: the candidates for this OS and for what the session bus
offers, best first, each tried in turn, else the null source saying why idle time is unknown;
then, where the bus has a screensaver service, the lock on top (with_lock.py).

Each desktop API lives in its own module exposing ``probe(env) -> IdleSource | None``; the chooser
imports only the modules that fit this OS and session, when called (never at import time).

The order (docs/engine.md has the table):

- Linux/BSD: ``gnome_idle`` when ``org.gnome.Mutter.IdleMonitor`` is owned (GNOME, Wayland or
  X11); then on Wayland ``wayland_idle`` (ext_idle_notifier_v1 or org_kde_kwin_idle: KDE,
  wlroots), on X11 ``x11_idle`` (MIT-SCREEN-SAVER; never on Wayland, where Xwayland sees only
  input to X windows); then ``freedesktop_idle`` when ``org.freedesktop.ScreenSaver`` is owned.
- Windows: ``win32_idle``. macOS: ``macos_idle``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from traybreak.platform.idle.base import IdleSource
from traybreak.platform.idle.null import NullIdleSource

log = logging.getLogger(__name__)

Probe = Callable[[Mapping[str, str]], "IdleSource | None"]

MUTTER_NAME = "org.gnome.Mutter.IdleMonitor"
SCREENSAVER_NAME = "org.freedesktop.ScreenSaver"


def _probe_gnome(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import gnome  # jeepney, only where Mutter is on the bus

    return gnome.probe(env)


def _probe_x11(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import x11  # python-xlib only where X11 is the session

    return x11.probe(env)


def _probe_wayland(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import wayland  # the compositor's idle-notify protocol

    return wayland.probe(env)


def _probe_freedesktop(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import freedesktop

    return freedesktop.probe(env)


def _probe_win32(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import win32

    return win32.probe(env)


def _probe_macos(env: Mapping[str, str]) -> IdleSource | None:
    from traybreak.platform.idle import macos

    return macos.probe(env)


#: Each source's probe by name, importing its module only when tried.
PROBES: dict[str, Probe] = {
    "gnome_idle": _probe_gnome,
    "wayland_idle": _probe_wayland,
    "x11_idle": _probe_x11,
    "freedesktop_idle": _probe_freedesktop,
    "win32_idle": _probe_win32,
    "macos_idle": _probe_macos,
}
#: What the start log says for each ("idle: GNOME Mutter").
TITLES = {
    "gnome_idle": "GNOME Mutter",
    "wayland_idle": "Wayland idle notification",
    "x11_idle": "X11 MIT-SCREEN-SAVER",
    "freedesktop_idle": "FreeDesktop ScreenSaver",
    "win32_idle": "Windows GetLastInputInfo",
    "macos_idle": "macOS CGEventSource",
}


def candidate_modules(platform: str, env: Mapping[str, str],
                      names: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Names in the order above worth probing, best first, for this OS and session; ``names``:
    the well-known names owned on the session bus."""
    if platform == "win32":
        return ("win32_idle",)
    if platform == "darwin":
        return ("macos_idle",)
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return ()
    found = []
    if MUTTER_NAME in names:
        found.append("gnome_idle")
    if is_wayland_session(env):
        # Under XWayland the X11 counter only sees input to X windows: it would report a
        # typing user as idle and fake natural breaks. Unknown (counted as active) is safer.
        if env.get("WAYLAND_DISPLAY"):
            found.append("wayland_idle")
    elif env.get("DISPLAY"):
        found.append("x11_idle")
    if SCREENSAVER_NAME in names:
        found.append("freedesktop_idle")
    return tuple(found)


def is_wayland_session(env: Mapping[str, str]) -> bool:
    """True when the session is Wayland (X11 clients, if any, run under XWayland)."""
    return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"


def bus_names(env: Mapping[str, str]) -> frozenset[str]:
    """The well-known names owned on the session bus (empty without a bus that answers)."""
    from traybreak.platform import session_bus

    address = session_bus.session_bus_address(env)
    if address is None:
        return frozenset()
    try:
        conn = session_bus.connect(address)
        try:
            return session_bus.owned_names(conn)
        finally:
            conn.close()
    except (session_bus.BusError, OSError, ConnectionError, ValueError) as err:
        log.info("session bus not asked for idle sources: %s", err)
        return frozenset()


def choose_idle_source(env: Mapping[str, str] | None = None, platform: str | None = None,
                       names: frozenset[str] | None = None) -> IdleSource:
    """The first idle source that works here (else a null source saying why idle time is
    unknown), with the screen lock counted as away where the session bus tells it."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    linux = platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
    if names is None:
        names = bus_names(env) if linux else frozenset()
    source = _first_source(env, platform, names)
    if not linux:
        return source
    from traybreak.platform.idle.with_lock import LockAwareIdle
    from traybreak.platform.lock.choose import choose_lock_watch

    watch = choose_lock_watch(env, names)
    if watch is None:
        log.info("lock: not followed (no screensaver service on the session bus, "
                 "no logind session on the system bus)")
        return source
    log.info("lock: %s", watch.title)
    return LockAwareIdle(source, watch)


def _first_source(env: Mapping[str, str], platform: str, names: frozenset[str]) -> IdleSource:
    tried: list[str] = []
    for module_name in candidate_modules(platform, env, names):
        probe = PROBES.get(module_name)
        if probe is None:
            log.debug("idle source %s is not built yet", module_name)
            continue
        try:
            source = probe(env)
        except Exception:  # a broken optional backend must never stop the app
            log.warning("idle source %s failed to start", module_name, exc_info=True)
            source = None
        if source is not None:
            log.info("idle: %s", TITLES.get(module_name, module_name))
            return source
        tried.append(module_name)
    reason = (
        f"no idle source answered (tried {', '.join(tried)})"
        if tried
        else f"no idle source for this session (platform {platform}"
        + (", Wayland)" if is_wayland_session(env) else ")")
    )
    log.info("idle time unknown: %s", reason)
    return NullIdleSource(reason)
