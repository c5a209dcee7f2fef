"""The screen lock from the desktop's screensaver service on the session bus: ``GetActive`` once
at start, then its ``ActiveChanged(b)`` signal (jeepney; one thread of its own blocked on the
connection, so it costs no wakeup while nothing changes).

GNOME: ``org.gnome.ScreenSaver`` at /org/gnome/ScreenSaver, since GNOME 42 a small D-Bus
activated gjs service in front of the shell's screen shield, which may not run yet when the
app starts: the watch then has the bus start it (GNOME 43 here). KDE and others:
``org.freedesktop.ScreenSaver`` (kscreenlocker sends the signal on /ScreenSaver and
/org/freedesktop/ScreenSaver; the match takes any path).

Bad input: as every lock watch (bus_watch.py), the lock turns *unknown* (not locked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from traybreak.platform.lock.base import boot_clock
from traybreak.platform.lock.bus_watch import BusLockWatch


@dataclass(frozen=True)
class ScreenSaverService:
    """One desktop's screensaver interface on the session bus."""

    bus_name: str
    path: str
    name: str     # short, for the start line
    title: str    # for the log ("lock: GNOME ScreenSaver")

    @property
    def interface(self) -> str:
        return self.bus_name


GNOME = ScreenSaverService("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "gnome_lock",
                           "GNOME ScreenSaver")
FREEDESKTOP = ScreenSaverService("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                                 "freedesktop_lock", "FreeDesktop ScreenSaver")


class ScreenSaverWatch(BusLockWatch):
    """Follows ``service``'s ActiveChanged on the bus at ``address``; ``start()`` connects."""

    _question_name = "GetActive"

    def __init__(self, service: ScreenSaverService, address: str, *,
                 clock: Callable[[], float] = boot_clock) -> None:
        super().__init__(address, clock=clock)
        self.service = service
        self.name = service.name
        self.title = service.title
        self.bus_name = service.bus_name

    def start(self, ask: bool = True) -> None:
        """Connect, subscribe, start the thread; BusError if the bus refuses. ``ask``: the
        service owns its name: ask GetActive now. Else have the bus start it (D-Bus
        activation) and ask once it owns its name."""
        super().start(ask)
        if not ask:
            from jeepney.bus_messages import message_bus

            # The reply (started, or no such service) is not waited for: NameOwnerChanged
            # says when it is there; until then the lock is unknown (not locked).
            self._conn.send(message_bus.StartServiceByName(self.bus_name))

    def _subscribe(self) -> list[Any]:
        from jeepney import MatchRule

        return [MatchRule(type="signal", sender=self.bus_name, interface=self.service.interface,
                          member="ActiveChanged")]

    def _question(self) -> Any:
        from jeepney import DBusAddress, new_method_call

        svc = self.service
        return new_method_call(DBusAddress(svc.path, svc.bus_name, svc.interface), "GetActive")

    def _read_answer(self, signature: str, body: tuple[Any, ...]) -> None:
        self._read_active("GetActive", signature, body)

    def _on_signal(self, msg: Any) -> None:
        from jeepney import HeaderFields

        fields = msg.header.fields
        if fields.get(HeaderFields.member) == "ActiveChanged" and \
                fields.get(HeaderFields.interface) == self.service.interface:
            self._read_active("ActiveChanged", fields.get(HeaderFields.signature, ""),
                              tuple(msg.body))

    def _read_active(self, what: str, signature: str, body: tuple[Any, ...]) -> None:
        if signature != "b":
            self._garbage(what, signature, "b")
        else:
            self._set_locked(bool(body[0]))
