"""The screen lock from logind: the session's ``LockedHint`` on the system bus (systemd-logind
or elogind), for desktops whose locker tells logind (``SetLockedHint``) but offers no
screensaver service on the session bus.

Which session: ``$XDG_SESSION_ID`` (set by pam_systemd at login) through ``GetSession``; else
the session of this process (``GetSessionByPID``); else the user's display session (the
``Display`` property of ``GetUser(uid)``), for an app started outside the login session (a
systemd user unit). Then ``Properties.Get`` of ``LockedHint`` once, and its
``PropertiesChanged`` signal after that (jeepney, one thread blocked on the connection).

The system bus is ``$DBUS_SYSTEM_BUS_ADDRESS``, else the well-known socket the D-Bus
specification gives. Bad input: as every lock watch (bus_watch.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from traybreak.platform import session_bus
from traybreak.platform.lock.base import boot_clock
from traybreak.platform.lock.bus_watch import BusLockWatch
from traybreak.platform.session_bus import BusError

log = logging.getLogger(__name__)

LOGIND = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"
USER = "org.freedesktop.login1.User"
PROPERTIES = "org.freedesktop.DBus.Properties"
#: The system bus when $DBUS_SYSTEM_BUS_ADDRESS is unset (D-Bus specification, "Well-known
#: Message Bus Instances").
DEFAULT_SYSTEM_BUS = "/var/run/dbus/system_bus_socket"


def system_bus_address(env: Mapping[str, str]) -> str | None:
    """$DBUS_SYSTEM_BUS_ADDRESS, else the default socket if it exists."""
    address = env.get("DBUS_SYSTEM_BUS_ADDRESS")
    if address:
        return address
    return f"unix:path={DEFAULT_SYSTEM_BUS}" if os.path.exists(DEFAULT_SYSTEM_BUS) else None


class LogindWatch(BusLockWatch):
    """Follows ``LockedHint`` of the logind session at ``session_path``."""

    name = "logind_lock"
    title = "logind LockedHint"
    bus_name = LOGIND
    bus_title = "the system bus"
    _question_name = "Get LockedHint"

    def __init__(self, address: str, session_path: str, *,
                 clock: Callable[[], float] = boot_clock) -> None:
        super().__init__(address, clock=clock)
        self.session_path = session_path

    def _subscribe(self) -> list[Any]:
        from jeepney import MatchRule

        rule = MatchRule(type="signal", sender=LOGIND, interface=PROPERTIES,
                         member="PropertiesChanged", path=self.session_path)
        rule.add_arg_condition(0, SESSION)
        return [rule]

    def _question(self) -> Any:
        from jeepney import DBusAddress, new_method_call

        return new_method_call(DBusAddress(self.session_path, LOGIND, PROPERTIES), "Get", "ss",
                               (SESSION, "LockedHint"))

    def _read_answer(self, signature: str, body: tuple[Any, ...]) -> None:
        if signature != "v" or body[0][0] != "b":
            self._garbage("Get LockedHint", signature if signature != "v" else
                          f"v({body[0][0]})", "v(b)")
        else:
            self._set_locked(bool(body[0][1]))

    def _on_signal(self, msg: Any) -> None:
        from jeepney import HeaderFields

        fields = msg.header.fields
        if fields.get(HeaderFields.member) != "PropertiesChanged" or \
                fields.get(HeaderFields.path) != self.session_path:
            return
        signature = fields.get(HeaderFields.signature, "")
        if signature != "sa{sv}as":
            self._garbage("PropertiesChanged", signature, "sa{sv}as")
            return
        interface, changed, invalidated = msg.body
        if interface != SESSION:
            return
        if "LockedHint" in changed:
            kind, value = changed["LockedHint"]
            if kind != "b":
                self._garbage("PropertiesChanged LockedHint", f"v({kind})", "v(b)")
            else:
                self._set_locked(bool(value))
        elif "LockedHint" in invalidated:
            self._ask()           # changed, value not sent: ask for it


def find_session(conn: Any, env: Mapping[str, str]) -> str:
    """The object path of this user's logind session (see the module docstring); BusError
    when logind knows none."""
    tried: list[str] = []
    session_id = env.get("XDG_SESSION_ID")
    if session_id:
        try:
            return str(_manager(conn, "GetSession", "s", (session_id,))[0])
        except BusError as err:
            tried.append(str(err))
    try:
        return str(_manager(conn, "GetSessionByPID", "u", (os.getpid(),))[0])
    except BusError as err:
        tried.append(str(err))
    (user_path,) = _manager(conn, "GetUser", "u", (os.getuid(),))
    (display,) = session_bus.call(conn, LOGIND, user_path, PROPERTIES, "Get", returns="v",
                                  signature="ss", body=(USER, "Display"))
    kind, value = display
    if kind != "(so)" or not value[0]:
        raise BusError("; ".join([*tried, "the user has no display session"]))
    return str(value[1])


def _manager(conn: Any, member: str, signature: str, body: tuple[Any, ...]) -> tuple[Any, ...]:
    return session_bus.call(conn, LOGIND, MANAGER_PATH, MANAGER, member, returns="o",
                            signature=signature, body=body)


def probe(env: Mapping[str, str]) -> LogindWatch | None:
    """A started watch on this session's LockedHint, or None (logged) where the system bus,
    logind, the session or the property is missing."""
    address = system_bus_address(env)
    if address is None:
        log.info("lock: no system bus, logind not asked")
        return None
    try:
        conn = session_bus.connect(address, what="the system bus")
        try:
            (owned,) = session_bus.call(conn, session_bus.DBUS_NAME, session_bus.DBUS_PATH,
                                        session_bus.DBUS_NAME, "NameHasOwner", returns="b",
                                        signature="s", body=(LOGIND,))
            if not owned:
                log.info("lock: logind is not on the system bus")
                return None
            path = find_session(conn, env)
            (hint,) = session_bus.call(conn, LOGIND, path, PROPERTIES, "Get", returns="v",
                                       signature="ss", body=(SESSION, "LockedHint"))
            if hint[0] != "b":
                raise BusError(f"LockedHint is of type {hint[0]!r}, expected 'b'")
        finally:
            conn.close()
        watch = LogindWatch(address, path)
        watch.start()
    except (BusError, OSError, ConnectionError, ValueError) as err:
        log.info("lock watch logind unavailable: %s", err)
        return None
    return watch
