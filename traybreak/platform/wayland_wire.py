"""A small client of the Wayland wire protocol in pure Python: enough to bind a few globals and
follow their events (the idle notifier of platform/idle/wayland.py), no libwayland, no cffi.

The wire format is Wayland's "Wire Format" chapter (wayland doc/publican/sources/Protocol.xml):
a stream of messages over a Unix socket, each ``object id (u32)``, ``size << 16 | opcode (u32)``
then its arguments, every one aligned to 32 bits, in the host's byte order. Argument types, as
one letter each in a *signature* here: ``i`` int, ``u`` uint, ``f`` fixed (24.8), ``s`` string
(u32 length with the NUL, the bytes, the NUL, padding; length 0 is a null string), ``o`` object
id, ``n`` new_id, ``a`` array (u32 length, bytes, padding). File descriptors travel beside the
bytes (SCM_RIGHTS); none of the interfaces used here carries one, so any that arrive are closed.

The core objects, from wayland.xml (protocol/wayland.xml, libwayland, mirror commit ba9f9a4):
wl_display is object 1, requests ``sync(new_id wl_callback)`` = 0 and ``get_registry(new_id
wl_registry)`` = 1, events ``error(object, uint code, string message)`` = 0 and ``delete_id(uint
id)`` = 1; wl_registry's request ``bind(uint name, new_id)`` = 0, where the untyped new_id goes
on the wire as ``string interface, uint version, new_id``, and events ``global(uint name, string
interface, uint version)`` = 0 and ``global_remove(uint name)`` = 1; wl_callback's event
``done(uint)`` = 0.
"""

from __future__ import annotations

import array
import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

# wl_display (wayland.xml).
DISPLAY_ID = 1
DISPLAY_SYNC = 0
DISPLAY_GET_REGISTRY = 1
DISPLAY_EVENT_ERROR = 0
DISPLAY_EVENT_DELETE_ID = 1
# wl_registry and wl_callback (wayland.xml).
REGISTRY_BIND = 0
REGISTRY_EVENT_GLOBAL = 0
REGISTRY_EVENT_GLOBAL_REMOVE = 1
CALLBACK_EVENT_DONE = 0

HEADER = struct.Struct("=II")  # host byte order, as the spec says
WORD = struct.Struct("=I")
SIGNED = struct.Struct("=i")
#: The size field has 16 bits; libwayland's own limit for one message is 4096 bytes.
MAX_MESSAGE = 4096
#: Client object ids run from 2 (1 is wl_display) below 0xff000000 (server ids start there).
FIRST_CLIENT_ID, LAST_CLIENT_ID = 2, 0xFEFFFFFF
#: Room for the fds one read may bring (libwayland sends at most 28 per message).
MAX_FDS = 28

#: An event handler: (opcode, payload) for one object.
Handler = Callable[[int, bytes], None]


class WireError(ValueError):
    """Bytes that are not a well-formed Wayland message (or values that cannot be one)."""


class ConnectionLost(OSError):
    """The compositor closed the connection (or it broke)."""


class ProtocolError(OSError):
    """The compositor sent wl_display.error: the connection is dead from here on."""


@dataclass(frozen=True)
class Message:
    """One message: the object it is for (events: from), its opcode and its argument bytes."""

    object_id: int
    opcode: int
    payload: bytes


@dataclass(frozen=True)
class Global:
    """A global the registry announced: its name (a number), interface and highest version."""

    name: int
    interface: str
    version: int


# -- arguments --------------------------------------------------------------------------------


def _padded(length: int) -> int:
    return (length + 3) & ~3


def encode_args(signature: str, values: Sequence[object]) -> bytes:
    """The wire bytes of ``values`` typed by ``signature`` (one letter per value, see above)."""
    if len(signature) != len(values):
        raise WireError(f"signature {signature!r} has {len(signature)} arguments, "
                        f"got {len(values)} values")
    out = bytearray()
    for kind, value in zip(signature, values, strict=True):
        try:
            if kind in "uon":
                out += WORD.pack(_as_int(value))
            elif kind == "i":
                out += SIGNED.pack(_as_int(value))
            elif kind == "f":
                out += SIGNED.pack(round(_as_float(value) * 256))
            elif kind == "s":
                out += _encode_string(value)
            elif kind == "a":
                data = bytes(value)  # type: ignore[call-overload]
                out += WORD.pack(len(data)) + data + b"\0" * (_padded(len(data)) - len(data))
            else:
                raise WireError(f"unknown argument type {kind!r}")
        except (struct.error, TypeError, OverflowError) as err:
            raise WireError(f"{value!r} is not a valid {kind!r} argument: {err}") from None
    return bytes(out)


def _as_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("an integer is needed")
    return value


def _as_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a number is needed")
    return float(value)


def _encode_string(value: object) -> bytes:
    if value is None:
        return WORD.pack(0)
    if not isinstance(value, str):
        raise TypeError("a string is needed")
    data = value.encode("utf-8")
    if b"\0" in data:
        raise WireError("a Wayland string cannot hold a NUL")
    data += b"\0"
    return WORD.pack(len(data)) + data + b"\0" * (_padded(len(data)) - len(data))


def decode_args(signature: str, payload: bytes) -> tuple[object, ...]:
    """The values of ``payload`` typed by ``signature``; WireError if it does not fit exactly."""
    values: list[object] = []
    at = 0
    for kind in signature:
        if at + 4 > len(payload):
            raise WireError(f"message ends before its {kind!r} argument")
        word = payload[at:at + 4]
        at += 4
        if kind in "uon":
            values.append(WORD.unpack(word)[0])
        elif kind == "i":
            values.append(SIGNED.unpack(word)[0])
        elif kind == "f":
            values.append(SIGNED.unpack(word)[0] / 256)
        elif kind in "sa":
            length = WORD.unpack(word)[0]
            end = at + _padded(length)
            if end > len(payload):
                raise WireError(f"a {length}-byte {'string' if kind == 's' else 'array'} "
                                "runs past the end of its message")
            data = payload[at:at + length]
            at = end
            values.append(_decode_string(data) if kind == "s" else data)
        else:
            raise WireError(f"unknown argument type {kind!r}")
    if at != len(payload):
        raise WireError(f"{len(payload) - at} bytes left over after the arguments")
    return tuple(values)


def _decode_string(data: bytes) -> str | None:
    if not data:
        return None
    if data[-1:] != b"\0" or b"\0" in data[:-1]:
        raise WireError("a string without its final NUL, or with a NUL inside")
    try:
        return data[:-1].decode("utf-8")
    except UnicodeDecodeError as err:
        raise WireError(f"a string that is not UTF-8: {err}") from None


# -- messages -------------------------------------------------------------------------------


def encode_message(object_id: int, opcode: int, payload: bytes = b"") -> bytes:
    """One message: the header then ``payload`` (already padded, as encode_args makes it)."""
    size = HEADER.size + len(payload)
    if len(payload) % 4 or size > MAX_MESSAGE or not 0 <= opcode <= 0xFFFF:
        raise WireError(f"cannot send a {size}-byte message with opcode {opcode}")
    return HEADER.pack(object_id, size << 16 | opcode) + payload


def split_messages(data: bytes) -> tuple[list[Message], bytes]:
    """The whole messages at the start of ``data`` and the bytes of an incomplete one after them
    (keep them for the next read). WireError on a header no compositor would send."""
    messages = []
    at = 0
    while len(data) - at >= HEADER.size:
        object_id, word = HEADER.unpack_from(data, at)
        size, opcode = word >> 16, word & 0xFFFF
        if size < HEADER.size or size % 4:
            raise WireError(f"a message header says {size} bytes (object {object_id})")
        if len(data) - at < size:
            break
        messages.append(Message(object_id, opcode, bytes(data[at + HEADER.size:at + size])))
        at += size
    return messages, bytes(data[at:])


def socket_path(env: Mapping[str, str]) -> str:
    """Where the compositor listens: WAYLAND_DISPLAY (default ``wayland-0``, as libwayland
    does) under XDG_RUNTIME_DIR, or WAYLAND_DISPLAY itself when it is an absolute path.
    ValueError (one line) when the runtime directory is needed and not set."""
    display = env.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(display):
        return display
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise ValueError(f"XDG_RUNTIME_DIR is not set, so Wayland display {display} "
                         "cannot be found")
    return os.path.join(runtime, display)


# -- the connection -------------------------------------------------------------------------


class Connection:
    """One client connection: sends requests, reads events and hands each to the handler of
    the object it is for (``listen``); wl_display's own events are handled here. Events for
    objects without a handler (wl_seat's capabilities, say) are dropped.

    Sending and reading may happen on different threads (one each): writes are locked."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._handlers: dict[int, Handler] = {}
        self._next_id = FIRST_CLIENT_ID
        self._free_ids: list[int] = []
        self._buffer = b""
        self._send_lock = threading.Lock()
        self.registry_id = 0
        #: The globals the registry has announced (and not removed), by name.
        self.globals: dict[int, Global] = {}

    @classmethod
    def connect(cls, env: Mapping[str, str], timeout: float = 1.0) -> Connection:
        """Connect to the compositor of ``env`` (socket_path); OSError/ValueError if none."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        sock.settimeout(timeout)
        try:
            sock.connect(socket_path(env))
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    # -- objects ------------------------------------------------------------------------

    def new_id(self, handler: Handler | None = None) -> int:
        """A fresh client object id (reusing ones the compositor has deleted), with its
        event handler if given."""
        if self._free_ids:
            object_id = self._free_ids.pop()
        else:
            if self._next_id > LAST_CLIENT_ID:
                raise WireError("no client object ids left")
            object_id, self._next_id = self._next_id, self._next_id + 1
        if handler is not None:
            self._handlers[object_id] = handler
        return object_id

    def listen(self, object_id: int, handler: Handler) -> None:
        """Send the events of ``object_id`` to ``handler`` (replacing any before)."""
        self._handlers[object_id] = handler

    def forget(self, object_id: int) -> None:
        """Drop the events of ``object_id`` from here on (after sending its destructor)."""
        self._handlers.pop(object_id, None)

    # -- sending ------------------------------------------------------------------------

    def send(self, object_id: int, opcode: int, signature: str = "",
             *values: object) -> None:
        """Send one request; ConnectionLost if the socket is gone."""
        data = encode_message(object_id, opcode, encode_args(signature, values))
        with self._send_lock:
            try:
                self.sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError) as err:
                raise ConnectionLost("the compositor closed the connection") from err
            except OSError as err:
                raise ConnectionLost(f"cannot write to the compositor: {err}") from err

    def sync(self, on_done: Callable[[], None]) -> None:
        """wl_display.sync: ``on_done`` runs once the compositor has handled every request
        sent before (its wl_callback.done)."""

        def done(opcode: int, payload: bytes) -> None:
            if opcode == CALLBACK_EVENT_DONE:
                self.forget(callback)
                on_done()

        callback = self.new_id(done)
        self.send(DISPLAY_ID, DISPLAY_SYNC, "n", callback)

    def roundtrip(self, timeout: float = 1.0) -> None:
        """Wait until the compositor has answered everything sent so far, dispatching events
        meanwhile; TimeoutError after ``timeout`` seconds."""
        done = threading.Event()
        self.sync(done.set)
        deadline = time.monotonic() + timeout
        while not done.is_set():
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.read(left)
            except TimeoutError:
                raise TimeoutError(f"the compositor did not answer within {timeout:g} s"
                                   ) from None

    def get_registry(self, timeout: float = 1.0) -> dict[int, Global]:
        """wl_display.get_registry and a round trip: every global the compositor offers.
        Later announcements and removals keep ``globals`` current."""
        self.registry_id = self.new_id(self._on_registry)
        self.send(DISPLAY_ID, DISPLAY_GET_REGISTRY, "n", self.registry_id)
        self.roundtrip(timeout)
        return dict(self.globals)

    def find(self, interface: str) -> Global | None:
        """The first announced global of ``interface`` (the lowest name), or None."""
        found = [g for g in self.globals.values() if g.interface == interface]
        return min(found, key=lambda g: g.name) if found else None

    def bind(self, found: Global, version: int, handler: Handler | None = None) -> int:
        """wl_registry.bind at ``min(version, advertised)``; the new object's id."""
        object_id = self.new_id(handler)
        self.send(self.registry_id, REGISTRY_BIND, "usun", found.name, found.interface,
                  min(version, found.version), object_id)
        return object_id

    def _on_registry(self, opcode: int, payload: bytes) -> None:
        if opcode == REGISTRY_EVENT_GLOBAL:
            name, interface, version = decode_args("usu", payload)
            assert isinstance(name, int) and isinstance(version, int)
            self.globals[name] = Global(name, str(interface), version)
        elif opcode == REGISTRY_EVENT_GLOBAL_REMOVE:
            (name,) = decode_args("u", payload)
            assert isinstance(name, int)
            self.globals.pop(name, None)

    # -- reading ------------------------------------------------------------------------

    def read(self, timeout: float | None = None) -> int:
        """Read what the compositor sent (waiting up to ``timeout`` s, None: for ever) and
        dispatch every whole message; the number dispatched. ConnectionLost at the end of the
        stream, ProtocolError on wl_display.error, WireError on garbage, TimeoutError."""
        self.sock.settimeout(timeout)
        try:
            data, ancillary, _flags, _addr = self.sock.recvmsg(
                MAX_MESSAGE, socket.CMSG_SPACE(MAX_FDS * array.array("i").itemsize))
        except TimeoutError:
            raise
        except OSError as err:
            raise ConnectionLost(f"reading from the compositor failed: {err}") from err
        _close_fds(ancillary)
        if not data:
            raise ConnectionLost("the compositor closed the connection")
        messages, self._buffer = split_messages(self._buffer + data)
        for message in messages:
            self._dispatch(message)
        return len(messages)

    def _dispatch(self, message: Message) -> None:
        if message.object_id == DISPLAY_ID:
            if message.opcode == DISPLAY_EVENT_ERROR:
                object_id, code, text = decode_args("ous", message.payload)
                raise ProtocolError(f"Wayland protocol error {code} on object {object_id}: "
                                    f"{text}")
            if message.opcode == DISPLAY_EVENT_DELETE_ID:
                (object_id,) = decode_args("u", message.payload)
                assert isinstance(object_id, int)
                self._handlers.pop(object_id, None)
                if FIRST_CLIENT_ID <= object_id < self._next_id:
                    self._free_ids.append(object_id)
            return
        handler = self._handlers.get(message.object_id)
        if handler is not None:
            handler(message.opcode, message.payload)

    def close(self) -> None:
        """End the connection; a thread blocked in ``read`` gets ConnectionLost. Safe twice."""
        with contextlib.suppress(OSError):
            # shutdown, not only close: it wakes a recv blocked in another thread (Linux).
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def _close_fds(ancillary: Iterable[tuple[int, int, bytes]]) -> None:
    """Close file descriptors that came with the bytes: nothing here uses one, and a leak
    would pile up for the life of the tray."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
