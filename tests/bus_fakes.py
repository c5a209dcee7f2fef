"""A private D-Bus session bus (a real dbus-daemon with no service files) and a fake desktop
service on it that answers, misbehaves (garbage, errors, silence) or leaves on demand: for the
bad-input tests of the adapters that ask the desktop over D-Bus."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusConnection, ReceiveStopped, open_dbus_connection

# No service directories: nothing is activated behind the test's back (a notification daemon,
# dconf, ...), whatever is installed on the machine.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
#: What a handler returns: (signature, body) to answer, or HANG to never answer.
Answer = tuple[str | None, tuple[Any, ...]]
HANG = object()


@contextlib.contextmanager
def private_bus(where: Path) -> Iterator[str]:
    """A dbus-daemon listening in ``where`` (keep it short: a socket path has at most 107
    bytes); yields its address, ends it afterwards. Skips without dbus-daemon."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("BUS TESTS SKIPPED: no dbus-daemon (apt-get install dbus-daemon)")
    config = where / "session.conf"
    config.write_text(BUS_CONFIG.format(dir=where))
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork",
                             "--nopidfile", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    try:
        assert address, "dbus-daemon did not start"
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


class FakeService:
    """Owns ``bus_name`` on the bus at ``address`` and answers calls on ``path`` with
    ``handlers[member](body)``; an unknown member gets UnknownMethod. ``emit`` sends a signal
    from it, ``leave`` drops the connection (the name goes with it)."""

    def __init__(self, address: str, bus_name: str, path: str,
                 handlers: dict[str, Callable[[tuple[Any, ...]], Any]]) -> None:
        self.bus_name, self.path, self.handlers = bus_name, path, handlers
        self.calls: list[str] = []
        self.conn: DBusConnection = open_dbus_connection(address)
        self.conn.send(message_bus.RequestName(bus_name))   # the reply is read by the loop
        self._owned = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        assert self._owned.wait(5), f"{bus_name} not acquired"

    def _serve(self) -> None:
        while True:
            try:
                msg = self.conn.receive()
            except (ReceiveStopped, OSError, ValueError):
                return
            kind = msg.header.message_type
            fields = msg.header.fields
            if kind is MessageType.signal and fields.get(HeaderFields.member) == "NameAcquired":
                self._owned.set()
            if kind is not MessageType.method_call:
                continue
            member = fields.get(HeaderFields.member, "")
            self.calls.append(member)
            reply = self._reply_to(msg, member)
            if reply is None:
                continue
            try:
                self.conn.send(reply)
            except OSError:   # the bus, or this service, closed while it answered (teardown)
                return

    def _reply_to(self, msg: Message, member: str) -> Message | None:
        """The answer the handler for ``member`` gives (None: it hangs)."""
        handler = self.handlers.get(member)
        if handler is None:
            return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                             (f"no {member}",))
        answer = handler(tuple(msg.body))
        if answer is HANG:
            return None
        if isinstance(answer, BaseException):
            return new_error(msg, answer.args[0], "s", (answer.args[1],))
        signature, body = answer
        return new_method_return(msg, signature, body)

    def emit(self, interface: str, member: str, signature: str | None,
             body: tuple[Any, ...]) -> None:
        """Send signal ``interface.member`` from the service's path."""
        self.conn.send(new_signal(DBusAddress(self.path, interface=interface), member,
                                  signature, body))

    def leave(self) -> None:
        """Drop off the bus (the name is released as the connection closes)."""
        self.conn.close()
        self._thread.join(timeout=2)


def dbus_error(name: str, text: str) -> Exception:
    """A handler's answer that makes the service reply with D-Bus error ``name``."""
    return Exception(name, text)


#: The fake logind's one session ("2") and its user.
SESSION_PATH = "/org/freedesktop/login1/session/_32"
USER_PATH = "/org/freedesktop/login1/user/_1000"
_LOGIN1 = "org.freedesktop.login1"
_SESSION = "org.freedesktop.login1.Session"
_USER = "org.freedesktop.login1.User"
_PROPERTIES = "org.freedesktop.DBus.Properties"


class FakeLogind:
    """org.freedesktop.login1 with one session, "2", at SESSION_PATH: found by GetSession("2"),
    by GetSessionByPID unless ``by_pid`` is false, or as the user's ``Display`` unless
    ``display`` is false. ``locked``: LockedHint, or a whole (signature, body) answer to Get."""

    def __init__(self, bus: str, *, locked: Any = False, by_pid: bool = True,
                 display: bool = True) -> None:
        self.locked, self.by_pid, self.display = locked, by_pid, display
        self.service = FakeService(bus, _LOGIN1, SESSION_PATH, {
            "GetSession": self._get_session, "GetSessionByPID": self._by_pid,
            "GetUser": lambda body: ("o", (USER_PATH,)), "Get": self._get})

    @property
    def calls(self) -> list[str]:
        return self.service.calls

    def _get_session(self, body: tuple[Any, ...]) -> Any:
        if body[0] == "2":
            return ("o", (SESSION_PATH,))
        return dbus_error("org.freedesktop.login1.NoSuchSession", f"No session '{body[0]}'")

    def _by_pid(self, body: tuple[Any, ...]) -> Any:
        if self.by_pid:
            return ("o", (SESSION_PATH,))
        return dbus_error("org.freedesktop.login1.NoSessionForPID", "PID does not belong")

    def _get(self, body: tuple[Any, ...]) -> Any:
        if body == (_SESSION, "LockedHint"):
            return self.locked if isinstance(self.locked, tuple) else ("v", (("b", self.locked),))
        if body == (_USER, "Display"):
            return ("v", (("(so)", ("2", SESSION_PATH) if self.display else ("", "/")),))
        return dbus_error("org.freedesktop.DBus.Error.UnknownProperty", str(body))

    def changed(self, props: dict[str, Any], invalidated: list[str] | None = None,
                interface: str = _SESSION) -> None:
        """Emit PropertiesChanged for ``interface`` from the session's path."""
        self.service.emit(_PROPERTIES, "PropertiesChanged", "sa{sv}as",
                          (interface, props, invalidated or []))

    def lock(self, locked: bool = True) -> None:
        """What a locker that tells logind does: LockedHint changes, and the signal says so."""
        self.locked = locked
        self.changed({"LockedHint": ("b", locked)})
