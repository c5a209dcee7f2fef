"""Which tray backend to use on this Linux desktop (decided before pystray is first imported).

- "sni": traybreak's StatusNotifierItem icon (ui/tray/sni), whenever a StatusNotifierWatcher
  is on the session bus (KDE, GNOME with the AppIndicator extension, XFCE, MATE, Cinnamon,
  waybar, ...), and on every Wayland session, where an XEmbed icon has no tray to dock into:
  with no watcher yet it runs without an icon and shows one as soon as a host appears.
- "xorg": pystray's XEmbed backend (with traybreak's fixes) on an X11 session whose tray
  speaks only XEmbed (trayer, stalonetray, older panels).

On X11 the app may start before the panel at login, so ``find_tray`` polls for either kind for
a while; if none shows up the SNI icon waits for one. The bus is asked with jeepney (pure Python).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from traybreak.platform.session_bus import session_bus_address

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
BUS_TIMEOUT_S = 1.0


def status_notifier_host(env: Mapping[str, str]) -> bool:
    """True when a StatusNotifierWatcher runs on the session bus and says a host is registered."""
    address = session_bus_address(env)
    if address is None:
        return False
    try:
        return _ask_with_jeepney(address)
    except Exception as err:  # no bus, a refused connection, D-Bus errors: no host
        log.debug("no StatusNotifier host: %s", err)
        return False


def _ask_with_jeepney(address: str) -> bool:
    from jeepney import DBusAddress, MessageType, Properties
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(address, auth_timeout=BUS_TIMEOUT_S) as conn:
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(WATCHER), timeout=BUS_TIMEOUT_S)
        if not reply.body[0]:
            return False
        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        reply = conn.send_and_get_reply(Properties(watcher).get("IsStatusNotifierHostRegistered"),
                                        timeout=BUS_TIMEOUT_S)
        if reply.header.message_type is MessageType.error:
            # A watcher that does not answer the property (the spec requires it): trust it.
            log.debug("the StatusNotifierWatcher did not answer: %s", reply.body)
            return True
        return bool(reply.body[0][1])


def is_wayland(env: Mapping[str, str]) -> bool:
    """True in a Wayland session (X programs there run on Xwayland, which has no XEmbed tray
    of its own: GNOME and KDE show icons only as StatusNotifierItems)."""
    return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"


def no_tray_hint(env: Mapping[str, str]) -> str:
    """What to tell a user whose desktop shows no tray icon: how to get one, on their desktop."""
    desktop = env.get("XDG_CURRENT_DESKTOP", "").lower()
    if "gnome" in desktop or "ubuntu" in desktop:
        how = ("GNOME shows tray icons with the AppIndicator extension: install "
               "gnome-shell-extension-appindicator (or 'AppIndicator and KStatusNotifierItem "
               "Support' from extensions.gnome.org), enable it in Extensions, and the icon appears")
    else:
        how = ("this desktop has no system tray (no StatusNotifierWatcher on the session bus): "
               "add a tray or status-notifier area to your panel and the icon appears")
    return (f"No tray icon: {how}. traybreak keeps running meanwhile: prompts come as usual, "
            "and `traybreak panel` (or traybreak in the application menu) opens its menu.")


@dataclass(frozen=True)
class SessionProbes:
    """How ``find_tray`` asks this session about trays (tests pass fakes)."""

    host: Callable[[Mapping[str, str]], bool] = status_notifier_host


def find_tray(env: Mapping[str, str], xembed_present: Callable[[], bool], wait_s: float,
              poll_s: float = 0.25, probes: SessionProbes = SessionProbes()) -> str:
    """The backend for this session: "sni" for a StatusNotifier host (preferred), "xorg" for
    an XEmbed tray, polled for up to ``wait_s`` seconds on X11 (at login the panel may start
    after us); "sni" again when neither shows up (the icon waits for a host). On Wayland no
    XEmbed tray can host us: "sni" at once."""
    if is_wayland(env):
        return "sni"
    end = time.monotonic() + wait_s
    while True:
        if probes.host(env):
            return "sni"
        if xembed_present():
            return "xorg"
        if time.monotonic() >= end:
            log.info("no tray after %g s: the icon appears when a StatusNotifier host starts",
                     wait_s)
            return "sni"
        time.sleep(poll_s)
