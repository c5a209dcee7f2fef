"""A small D-Bus object server on one jeepney connection: exported objects answer method calls
and property reads, replies to our own calls go to callbacks, signals to subscribers.

One thread (the icon's loop) reads the connection and answers; any thread may send (jeepney's
threading connection locks its sends). A caller that sends malformed calls, or goes away in the
middle of one, gets an error reply or nothing: no message ends the loop but the bus closing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageFlag,
    MessageType,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.io.threading import DBusConnection, ReceiveStopped, open_dbus_connection

log = logging.getLogger(__name__)

PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"
BUS_NAME = "org.freedesktop.DBus"
BUS_PATH = "/org/freedesktop/DBus"
UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject"
UNKNOWN_PROPERTY = "org.freedesktop.DBus.Error.UnknownProperty"
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
READ_ONLY = "org.freedesktop.DBus.Error.PropertyReadOnly"
FAILED = "org.freedesktop.DBus.Error.Failed"
#: How long opening the connection may take (a stuck bus must not hang the tray's start).
AUTH_TIMEOUT_S = 2.0

#: A D-Bus value with its type, as jeepney writes variants: ("s", "text").
Variant = tuple[str, Any]
#: (signature, body) of a method's reply.
Reply = tuple[str | None, tuple[Any, ...]]


class Fault(Exception):
    """Answer the call with the D-Bus error ``name`` and ``text``."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


@dataclass(frozen=True)
class Method:
    """One exported method: the argument signature it takes and the handler that answers."""

    in_signature: str
    handler: Callable[..., Reply]


class Exported(Protocol):
    """An object on the bus: one interface, its methods and properties, its introspection."""

    @property
    def interface(self) -> str: ...
    @property
    def methods(self) -> Mapping[str, Method]: ...

    def properties(self) -> dict[str, Variant]: ...
    def introspection(self) -> str: ...


def introspection_xml(*interfaces: str) -> str:
    """The Introspect answer for an object with these ``<interface>`` blocks (and the
    standard ones, which every exported object answers here)."""
    standard = f"""<interface name="{PROPERTIES}">
  <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/></method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{{sv}}"/><arg type="as"/></signal>
 </interface>
 <interface name="{INTROSPECTABLE}">
  <method name="Introspect"><arg type="s" direction="out"/></method>
 </interface>
 <interface name="{PEER}"><method name="Ping"/></interface>"""
    body = "\n ".join((*interfaces, standard))
    return ('<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
            ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
            f"<node>\n {body}\n</node>\n")


def _field(msg: Message, name: HeaderFields) -> Any:
    return msg.header.fields.get(name)


@dataclass
class BusLink:
    """One connection to the session bus, with our objects exported on it."""

    conn: DBusConnection
    objects: dict[str, Exported] = field(default_factory=dict)
    #: Reply callbacks by our call's serial: (reply message, or None when the call failed).
    _waiting: dict[int, Callable[[Message | None], None]] = field(default_factory=dict)
    _signal_handlers: list[Callable[[Message], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, address: str) -> BusLink:
        """Connect to the bus at ``address``; OSError/ConnectionError when it can't be reached."""
        return cls(open_dbus_connection(address, auth_timeout=AUTH_TIMEOUT_S))

    @property
    def unique_name(self) -> str:
        """Our connection's name on the bus (":1.42")."""
        return str(self.conn.unique_name)

    # --- sending (any thread) -----------------------------------------------------------------

    def call(self, destination: str, path: str, interface: str, member: str,
             signature: str | None = None, body: tuple[Any, ...] = (),
             on_reply: Callable[[Message | None], None] | None = None) -> None:
        """Send a method call; ``on_reply`` gets the answer on the loop thread (None on error)."""
        msg = new_method_call(DBusAddress(path, destination, interface), member, signature, body)
        with self._lock:
            serial = next(self.conn.outgoing_serial)
            if on_reply is not None:
                self._waiting[serial] = on_reply
        self.conn.send(msg, serial=serial)

    def emit(self, path: str, interface: str, member: str, signature: str | None = None,
             body: tuple[Any, ...] = ()) -> None:
        """Send a signal from our object at ``path``."""
        self.conn.send(new_signal(DBusAddress(path, interface=interface), member, signature, body))

    def on_signal(self, handler: Callable[[Message], None]) -> None:
        """Call ``handler`` with every signal that reaches us (add match rules for them)."""
        self._signal_handlers.append(handler)

    def add_match(self, rule: str) -> None:
        """Ask the bus to route the signals ``rule`` describes to us."""
        self.call(BUS_NAME, BUS_PATH, BUS_NAME, "AddMatch", "s", (rule,))

    # --- the loop (one thread) ----------------------------------------------------------------

    def serve(self) -> None:
        """Answer messages until ``stop`` or until the bus closes the connection."""
        while True:
            try:
                msg = self.conn.receive()
            except ReceiveStopped:
                return
            except (ConnectionError, OSError, EOFError) as err:
                log.warning("the session bus closed the connection (%s): the session has ended",
                            err)
                return
            try:
                self.dispatch(msg)
            except Exception:  # one bad message, or our bug, must not end the tray's loop
                log.exception("could not handle a D-Bus message")

    def stop(self) -> None:
        """Make ``serve`` return (from any thread)."""
        self.conn.interrupt()

    def close(self) -> None:
        """Close the connection (after ``serve`` has returned)."""
        self.conn.close()

    def dispatch(self, msg: Message) -> None:
        """Handle one incoming message."""
        kind = msg.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            with self._lock:
                callback = self._waiting.pop(_field(msg, HeaderFields.reply_serial), None)
            if kind is MessageType.error:
                log.debug("D-Bus call failed: %s %s", _field(msg, HeaderFields.error_name),
                          msg.body)
            if callback is not None:
                callback(msg if kind is MessageType.method_return else None)
        elif kind is MessageType.signal:
            for handler in self._signal_handlers:
                handler(msg)
        elif kind is MessageType.method_call:
            self._answer(msg)

    def _answer(self, msg: Message) -> None:
        try:
            signature, body = self._reply_for(msg)
            reply = new_method_return(msg, signature, body)
        except Fault as fault:
            reply = new_error(msg, fault.name, "s", (str(fault),))
        except Exception as err:
            log.exception("answering %s failed", _field(msg, HeaderFields.member))
            reply = new_error(msg, FAILED, "s", (f"internal error: {err}",))
        if msg.header.flags & MessageFlag.no_reply_expected:
            return
        try:
            self.conn.send(reply)
        except (ConnectionError, OSError) as err:  # the caller, or the bus, went away
            log.debug("could not reply: %s", err)
        except Exception as err:  # a reply we cannot serialise is our bug: the caller must
            # not wait out its timeout for it (a host's menu would not open for 25 s)
            log.exception("could not build the reply to %s", _field(msg, HeaderFields.member))
            try:
                self.conn.send(new_error(msg, FAILED, "s", (f"internal error: {err}",)))
            except (ConnectionError, OSError) as gone:
                log.debug("could not reply: %s", gone)

    def _reply_for(self, msg: Message) -> Reply:
        path = _field(msg, HeaderFields.path)
        interface = _field(msg, HeaderFields.interface)
        member = str(_field(msg, HeaderFields.member))
        signature = _field(msg, HeaderFields.signature) or ""
        target = self.objects.get(path)
        if interface == PEER:
            return (None, ()) if member == "Ping" else ("s", ("traybreak",))
        if target is None:
            raise Fault(UNKNOWN_OBJECT, f"no object at {path}")
        if interface == INTROSPECTABLE and member == "Introspect":
            return "s", (target.introspection(),)
        if interface == PROPERTIES:
            return self._property_call(target, member, signature, msg.body)
        if interface not in (None, target.interface) or member not in target.methods:
            raise Fault(UNKNOWN_METHOD, f"no method {interface}.{member} at {path}")
        method = target.methods[member]
        if signature != method.in_signature:
            raise Fault(INVALID_ARGS, f"{member} takes ({method.in_signature}), "
                                      f"not ({signature})")
        return method.handler(*msg.body)

    @staticmethod
    def _property_call(target: Exported, member: str, signature: str,
                       body: tuple[Any, ...]) -> Reply:
        if member == "GetAll" and signature == "s":
            if body[0] not in ("", target.interface):
                return "a{sv}", ({},)
            return "a{sv}", (target.properties(),)
        if member == "Get" and signature == "ss":
            props = target.properties()
            if body[0] not in ("", target.interface) or body[1] not in props:
                raise Fault(UNKNOWN_PROPERTY, f"no property {body[0]}.{body[1]}")
            return "v", (props[body[1]],)
        if member == "Set":
            raise Fault(READ_ONLY, "these properties are read-only")
        raise Fault(UNKNOWN_METHOD if member not in ("Get", "GetAll") else INVALID_ARGS,
                    f"Properties.{member}({signature}) is not answered")
