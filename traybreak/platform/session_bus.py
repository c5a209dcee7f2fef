"""The session bus for the platform adapters that ask the desktop over D-Bus (idle time, lock;
logind's lock watch uses the calls on the system bus too):
where it is, which names are owned on it, and one method call with a deadline (jeepney,
blocking; each caller keeps its connection on one thread).

Every failure is a ``BusError`` with a one-line reason: no bus, no answer within the deadline,
an error reply, or a reply of the wrong type ("garbage"). Calls start no service by D-Bus
activation (NO_AUTO_START) unless asked to: asking whether a desktop offers something must not
launch it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

log = logging.getLogger(__name__)

#: How long a call, or opening the connection, may take. The engine thread makes these calls,
#: so a hung service costs it at most this long per sample (issue 14: at most 1 s).
CALL_TIMEOUT_S = 1.0
DBUS_NAME = "org.freedesktop.DBus"
DBUS_PATH = "/org/freedesktop/DBus"


class BusError(Exception):
    """A D-Bus call that gave no usable answer; ``str()`` is one line saying why."""


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """The session bus address: $DBUS_SESSION_BUS_ADDRESS, else systemd's $XDG_RUNTIME_DIR/bus."""
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None


def connect(address: str, what: str = "the session bus") -> Any:
    """A blocking jeepney connection to the bus at ``address`` (``what``, for the message);
    BusError if it cannot be had."""
    from jeepney.io.blocking import open_dbus_connection

    try:
        return open_dbus_connection(address, auth_timeout=CALL_TIMEOUT_S)
    except (OSError, ValueError, TimeoutError, RuntimeError) as err:
        raise BusError(f"cannot connect to {what}: {err}") from err


def listening(address: str, rules: Sequence[Any], follow: str,
              what: str = "the session bus") -> Any:
    """A jeepney threading connection (for a thread of its own that reads it) subscribed to
    the match ``rules`` and to ``follow``'s comings and goings (NameOwnerChanged); BusError if
    the bus refuses."""
    from jeepney import MatchRule
    from jeepney.bus_messages import message_bus
    from jeepney.io.threading import open_dbus_connection

    try:
        conn = open_dbus_connection(address, auth_timeout=CALL_TIMEOUT_S)
    except (OSError, ValueError, TimeoutError, RuntimeError) as err:
        raise BusError(f"cannot connect to {what}: {err}") from err
    owner = MatchRule(type="signal", sender=DBUS_NAME, interface=DBUS_NAME,
                      member="NameOwnerChanged")
    owner.add_arg_condition(0, follow)
    for rule in (*rules, owner):
        conn.send(message_bus.AddMatch(rule))
    return conn


def stop_listening(conn: Any, reader: threading.Thread | None, what: str) -> None:
    """End ``reader`` (blocked in ``conn.receive``) and close ``conn`` (``what`` names it in
    the debug line when closing fails)."""
    conn.interrupt()
    if reader is not None and reader is not threading.current_thread():
        reader.join(timeout=2)
    try:
        conn.close()
    except OSError:
        log.debug("closing %s's connection failed", what, exc_info=True)


def call(conn: Any, bus_name: str, path: str, interface: str, member: str, *,
         returns: str, signature: str | None = None, body: tuple[Any, ...] = (),
         timeout: float = CALL_TIMEOUT_S, auto_start: bool = False) -> tuple[Any, ...]:
    """Call ``interface.member`` on ``bus_name`` at ``path``; the reply's body, which must have
    the D-Bus signature ``returns`` ("" for none). BusError when the call fails in any way.
    A connection that broke raises ConnectionError/OSError, for the caller to reopen.
    ``auto_start``: the bus may start the service (D-Bus activation) to answer; only for a call
    that means to use the service, never for one that asks whether it is there."""
    from jeepney import DBusAddress, HeaderFields, MessageFlag, MessageType, new_method_call

    msg = new_method_call(DBusAddress(path, bus_name=bus_name, interface=interface), member,
                          signature, body)
    if not auto_start:
        msg.header.flags |= MessageFlag.no_auto_start
    what = f"{interface}.{member}"
    try:
        reply = conn.send_and_get_reply(msg, timeout=timeout)
    except TimeoutError as err:
        raise BusError(f"{what}: no answer from {bus_name} within {timeout:g} s") from err
    if reply.header.message_type is MessageType.error:
        name = reply.header.fields.get(HeaderFields.error_name, "an error")
        text = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
        raise BusError(f"{what}: {name}" + (f": {text}" if text else ""))
    got = reply.header.fields.get(HeaderFields.signature, "")
    if got != returns:
        raise BusError(f"{what}: {bus_name} answered garbage (type {got or 'none'!r}, "
                       f"expected {returns!r})")
    return tuple(reply.body)


def owned_names(conn: Any) -> frozenset[str]:
    """The well-known names owned on the bus right now (unique ":1.N" names left out)."""
    (names,) = call(conn, DBUS_NAME, DBUS_PATH, DBUS_NAME, "ListNames", returns="as")
    return frozenset(name for name in names if not name.startswith(":"))
