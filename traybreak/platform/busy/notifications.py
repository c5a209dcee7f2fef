"""Do-not-disturb from the notification server: org.freedesktop.Notifications's ``Inhibited``
property (KDE Plasma, and other servers that implement the 1.2 spec's inhibition), read once
and then followed through PropertiesChanged and NameOwnerChanged signals, for the engine thread.
GNOME's server has no such property (platform/busy/gnome.py covers GNOME).
"""

from __future__ import annotations

import logging
from typing import Any

from traybreak.core.model import Reason
from traybreak.platform.busy.dbus_link import BusLink, LinkDown, is_error, is_signal

log = logging.getLogger(__name__)

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
PROPS = "org.freedesktop.DBus.Properties"
BUS = "org.freedesktop.DBus"


def rules() -> list[Any]:
    """Match rules: the server's property changes, and the server coming and going."""
    from jeepney import MatchRule

    changes = MatchRule(type="signal", sender=NAME, interface=PROPS,
                        member="PropertiesChanged", path=PATH)
    owner = MatchRule(type="signal", sender=BUS, interface=BUS, member="NameOwnerChanged")
    owner.add_arg_condition(0, NAME)
    return [changes, owner]


class NotificationsInhibited:
    """Do-not-disturb while the notification server says ``Inhibited``."""

    name = "notifications-inhibited"

    def __init__(self, link: BusLink) -> None:
        self.link = link
        self._inhibited: bool | None = None
        self._stale = True

    def busy(self) -> frozenset[Reason] | None:
        """DND while Inhibited is true; None when the server is gone, silent or odd."""
        try:
            for message in self.link.drain():
                self._take(message)
            if self._stale or self.link.fresh:
                self.link.fresh = self._stale = False
                self._inhibited = self._ask()
        except LinkDown as err:
            log.debug("notification server unavailable: %s", err)
            self._inhibited, self._stale = None, True
            return None
        if self._inhibited is None:
            return None
        return frozenset({Reason.DND}) if self._inhibited else frozenset()

    def _take(self, message: Any) -> None:
        body = message.body
        if is_signal(message, PROPS, "PropertiesChanged") and len(body) == 3:
            iface, changed, invalidated = body
            if iface != NAME:
                return
            if "Inhibited" in changed:
                self._inhibited = _boolean(changed["Inhibited"])
            elif "Inhibited" in invalidated:
                self._stale = True
        elif is_signal(message, BUS, "NameOwnerChanged") and len(body) == 3:
            # Gone: unknown until a new server starts (asking would start one by activation).
            self._inhibited, self._stale = None, bool(body[2])

    def _ask(self) -> bool | None:
        from jeepney import DBusAddress, Properties

        server = DBusAddress(PATH, bus_name=NAME, interface=NAME)
        reply = self.link.call(Properties(server).get("Inhibited"))
        if is_error(reply):
            log.debug("Inhibited not answered: %s", reply.body)
            return None
        return _boolean(reply.body[0] if reply.body else None)

    def close(self) -> None:
        """Close the bus connection."""
        self.link.close()


def _boolean(variant: Any) -> bool | None:
    """A D-Bus variant ("b", value) as a bool; None for anything else (a server's garbage)."""
    if isinstance(variant, tuple) and len(variant) == 2 and variant[0] == "b":
        return bool(variant[1])
    return None


def probe(address: str) -> NotificationsInhibited | None:
    """A source when a notification server runs on the bus at ``address`` and answers
    Inhibited (a server that is not running is not started by asking)."""
    from jeepney.bus_messages import message_bus

    link = BusLink(address, rules())
    try:
        running = link.call(message_bus.NameHasOwner(NAME)).body == (True,)
    except LinkDown as err:
        log.info("notification server do-not-disturb unavailable: %s", err)
        return None
    if not running:
        link.close()
        return None
    source = NotificationsInhibited(link)
    if source.busy() is None:
        log.info("notification server do-not-disturb unavailable (no Inhibited property)")
        source.close()
        return None
    return source
