"""A fake Wayland compositor for the idle source's tests: one client, on a socket pair or on a
listening socket, answering the registry and sync, recording every request, and sending the
events (or the garbage, or the hang-up) a test asks for. Only what platform/idle/wayland.py
speaks: wl_display, wl_registry, wl_callback, and requests on whatever it binds."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from traybreak.platform.wayland_wire import (
    Connection,
    decode_args,
    encode_args,
    encode_message,
    split_messages,
)

EXT = ("ext_idle_notifier_v1", 1)
KDE = ("org_kde_kwin_idle", 1)
SEAT = ("wl_seat", 8)


@dataclass
class Request:
    """A request the client sent: to which object (and what it is), opcode, payload."""

    object_id: int
    interface: str
    opcode: int
    payload: bytes


@dataclass
class FakeCompositor:
    """Serves one client. ``offers`` are (interface, version) globals, named 1, 2, ... in order.
    ``answer`` False: read requests but never answer them (a hung compositor)."""

    offers: Sequence[tuple[str, int]] = (SEAT, EXT)
    answer: bool = True
    requests: list[Request] = field(default_factory=list)
    #: Object id -> interface, for what the client created (1 is wl_display).
    objects: dict[int, str] = field(default_factory=lambda: {1: "wl_display"})
    registry_id: int = 0

    def __post_init__(self) -> None:
        self._sock: socket.socket | None = None
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    # -- how the client reaches us --------------------------------------------------------

    def connect(self, env: Mapping[str, str], timeout: float) -> Connection:
        """A ``connect`` for WaylandIdleSource: a socket pair, served from a thread."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        theirs.settimeout(timeout)
        self.serve(ours)
        return Connection(theirs)

    def listen(self, path: str) -> socket.socket:
        """Listen on ``path`` and serve the first client that connects there."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)

        def accept() -> None:
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                self.serve(conn)

        threading.Thread(target=accept, daemon=True).start()
        return server

    def serve(self, sock: socket.socket) -> None:
        self._sock = sock
        self._thread = threading.Thread(target=self._run, args=(sock,), daemon=True)
        self._thread.start()

    # -- serving -----------------------------------------------------------------------

    def _run(self, sock: socket.socket) -> None:
        buffer = b""
        while True:
            try:
                data = sock.recv(4096)
            except OSError:
                return
            if not data:
                return
            messages, buffer = split_messages(buffer + data)
            for message in messages:
                interface = self.objects.get(message.object_id, "?")
                with self._changed:
                    self.requests.append(Request(message.object_id, interface, message.opcode,
                                                 message.payload))
                    self._changed.notify_all()
                if self.answer:
                    try:
                        self._handle(interface, message.opcode, message.payload)
                    except OSError:  # the client has gone meanwhile
                        return

    def _handle(self, interface: str, opcode: int, payload: bytes) -> None:
        if interface == "wl_display" and opcode == 1:  # get_registry
            (self.registry_id,) = decode_args("n", payload)  # type: ignore[assignment]
            self.objects[self.registry_id] = "wl_registry"
            for name, (iface, version) in enumerate(self.offers, start=1):
                self.event(self.registry_id, 0, "usu", name, iface, version)
        elif interface == "wl_display" and opcode == 0:  # sync
            (callback,) = decode_args("n", payload)
            assert isinstance(callback, int)
            self.event(callback, 0, "u", 0)
            self.event(1, 1, "u", callback)  # delete_id, as libwayland-server does
        elif interface == "wl_registry" and opcode == 0:  # bind
            _name, iface, _version, new = decode_args("usun", payload)
            assert isinstance(new, int)
            self.objects[new] = str(iface)
        elif interface == "ext_idle_notifier_v1" and opcode == 1:
            new, _timeout, _seat = decode_args("nuo", payload)
            assert isinstance(new, int)
            self.objects[new] = "ext_idle_notification_v1"
        elif interface == "org_kde_kwin_idle" and opcode == 0:
            new, _seat, _timeout = decode_args("nou", payload)
            assert isinstance(new, int)
            self.objects[new] = "org_kde_kwin_idle_timeout"

    # -- what tests send ---------------------------------------------------------------

    def raw(self, data: bytes) -> None:
        assert self._sock is not None
        self._sock.sendall(data)

    def event(self, object_id: int, opcode: int, signature: str = "", *values: object) -> None:
        self.raw(encode_message(object_id, opcode, encode_args(signature, values)))

    def notification(self) -> int:
        """The id of the idle notification the client created."""
        for object_id, interface in self.objects.items():
            if interface in ("ext_idle_notification_v1", "org_kde_kwin_idle_timeout"):
                return object_id
        raise AssertionError(f"no notification created; requests: {self.requests}")

    def idled(self) -> None:
        self.event(self.notification(), 0)

    def resumed(self) -> None:
        self.event(self.notification(), 1)

    def error(self, object_id: int, code: int, text: str) -> None:
        """wl_display.error: what a compositor sends before it cuts a client off."""
        self.event(1, 0, "ous", object_id, code, text)

    def hang_up(self) -> None:
        """The compositor goes away."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()

    def wait_for(self, predicate: Callable[[list[Request]], bool], timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.requests):
                left = deadline - time.monotonic()
                assert left > 0, f"not seen within {timeout} s; requests: {self.requests}"
                self._changed.wait(left)


def wait_until(predicate: Callable[[], object], timeout: float = 2.0) -> object:
    """``predicate()``'s first true value, polling every 10 ms; its last value on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.01)
