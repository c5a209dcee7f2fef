"""A very small X11 client in pure Python: connect (with the session's MIT-MAGIC-COOKIE-1),
intern atoms, read window properties, listen for PropertyNotify, find an extension and send it
requests. Just what the full-screen source (platform/busy/x11.py) and the X11 return watch
(platform/idle/x11_return.py, the SYNC extension's idle alarm) need.

Why not python-xlib, which the X11 idle source and pystray's XEmbed icon use: on a Wayland
desktop the full-screen check (Xwayland programs) is the tray's only X11 client, and python-xlib
costs it 1.3 MB of its 25 MB memory budget (30 modules; measured with the SNI tray's imports
loaded). The four requests below are a few hundred bytes of wire format, from the X11 protocol
specification (x.org, "X Window System Protocol", sections 8 and 9 and the encoding appendix).
The Xauthority file is read here too: python-xlib's reader (Xlib.xauth) alone pulls in its wire
module, 0.5 MB, and leaves the FamilyWild entries to its connection code.
"""

from __future__ import annotations

import os
import select
import socket
import struct
from collections.abc import Iterator, Mapping
from pathlib import Path

#: A hung server costs at most this per call (the engine thread's bad-input rule, issue 14).
TIMEOUT_S = 1.0

PROPERTY_CHANGE_MASK = 0x400000   # event mask bit for PropertyNotify
NO_EVENT_MASK = 0
ATOM, WINDOW = 4, 33              # predefined atoms (types)

_INTERN_ATOM, _CHANGE_WINDOW_ATTRIBUTES, _GET_PROPERTY, _QUERY_EXTENSION = 16, 2, 20, 98
_CW_EVENT_MASK = 0x800
_PROPERTY_NOTIFY = 28
_BAD_WINDOW = 3
_COOKIE = b"MIT-MAGIC-COOKIE-1"
_FAMILY_LOCAL, _FAMILY_WILD = 256, 65535


class X11Error(Exception):
    """The server refused a request (``code``: the X error code) or the connection failed."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code

    @property
    def bad_window(self) -> bool:
        """The window named in the request does not exist (any more)."""
        return self.code == _BAD_WINDOW


def _pad(n: int) -> int:
    return (4 - n % 4) % 4


def _named(opcode: int, name: str) -> bytes:
    """A core request whose one argument is a name (InternAtom with only-if-exists off,
    QueryExtension): the name's length, then the name padded to 4 bytes."""
    raw = name.encode()
    return (struct.pack("<BxHHxx", opcode, 2 + (len(raw) + _pad(len(raw))) // 4, len(raw))
            + raw + b"\0" * _pad(len(raw)))


def parse_display(name: str) -> tuple[str, int]:
    """``":0"``, ``":0.1"``, ``"unix:0"`` or ``"host:0"`` as (host, display number); host ""
    for the local socket. ValueError for anything else."""
    host, sep, rest = name.rpartition(":")
    number = rest.split(".", 1)[0]
    if not sep or not number.isdigit() or "/" in host:
        raise ValueError(f"cannot read the X display name {name!r}")
    return ("" if host in ("", "unix") else host), int(number)


def read_cookie(path: Path, host: str, number: int) -> bytes | None:
    """The MIT-MAGIC-COOKIE-1 for display ``number`` on ``host`` ("" for this machine) from
    the Xauthority file at ``path``; None when it has none (or cannot be read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    want_address = (host or socket.gethostname()).encode()
    for family, address, display, name, cookie in _xauth_entries(data):
        if name != _COOKIE or display not in (b"", str(number).encode()):
            continue
        if family == _FAMILY_WILD or (family == _FAMILY_LOCAL and address == want_address) \
                or (host and address == want_address):
            return cookie
    return None


def _xauth_entries(data: bytes) -> Iterator[tuple[int, bytes, bytes, bytes, bytes]]:
    """(family, address, display number, auth name, auth data) for each entry; stops at a
    truncated one."""
    offset = 0
    while offset + 2 <= len(data):
        (family,) = struct.unpack_from(">H", data, offset)
        offset += 2
        fields = []
        for _ in range(4):
            if offset + 2 > len(data):
                return
            (length,) = struct.unpack_from(">H", data, offset)
            fields.append(data[offset + 2:offset + 2 + length])
            offset += 2 + length
        if offset > len(data):
            return
        yield family, fields[0], fields[1], fields[2], fields[3]


class Connection:
    """One connection to the X server of ``display`` (``env`` gives XAUTHORITY and HOME).
    Raises X11Error (or OSError) when the server cannot be reached or refuses us."""

    def __init__(self, display: str, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        try:
            host, number = parse_display(display)
        except ValueError as err:
            raise X11Error(str(err)) from None
        self._sock = self._open(host, number)
        self._buffer = b""
        self._events: list[bytes] = []   # events and late errors, 32 bytes each, oldest first
        self.requests_sent = 0
        self._next_id = 0
        try:
            self._sock.settimeout(TIMEOUT_S)
            authority = env.get("XAUTHORITY") or str(Path(env.get("HOME", "~")) / ".Xauthority")
            cookie = read_cookie(Path(authority).expanduser(), host, number)
            self.root = self._set_up(cookie)
        except BaseException:
            self._sock.close()
            raise

    @staticmethod
    def _open(host: str, number: int) -> socket.socket:
        if host:
            return socket.create_connection((host, 6000 + number), timeout=TIMEOUT_S)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_S)
        try:
            sock.connect(f"/tmp/.X11-unix/X{number}")
        except OSError:
            sock.close()
            raise
        return sock

    def _set_up(self, cookie: bytes | None) -> int:
        """The connection set-up; returns the first screen's root window."""
        name, data = (_COOKIE, cookie) if cookie is not None else (b"", b"")
        self._sock.sendall(struct.pack("<BxHHHHxx", 0x6C, 11, 0, len(name), len(data))
                           + name + b"\0" * _pad(len(name)) + data + b"\0" * _pad(len(data)))
        status, reason_length, _major, _minor, words = struct.unpack("<BBHHH", self._read(8))
        body = self._read(words * 4)
        if status != 1:
            reason = body[:reason_length] if status == 0 else body
            raise X11Error(f"the X server refused the connection: "
                           f"{reason.decode(errors='replace').strip() or 'no reason given'}")
        self._id_base, self._id_mask = struct.unpack_from("<II", body, 4)
        vendor_length, formats = struct.unpack_from("<H2xxB", body, 16)
        screens_at = 32 + vendor_length + _pad(vendor_length) + 8 * formats
        (root,) = struct.unpack_from("<I", body, screens_at)
        return int(root)

    # --- requests -------------------------------------------------------------------------

    def intern_atom(self, name: str) -> int:
        """The atom for ``name`` (made if it does not exist yet)."""
        (atom,) = struct.unpack_from("<I", self.round_trip(_named(_INTERN_ATOM, name)), 8)
        return int(atom)

    def get_property(self, window: int, prop: int, kind: int, longs: int = 64) -> list[int]:
        """The 32-bit values of ``window``'s property ``prop`` of type ``kind`` (the first
        ``longs`` of them); [] when it is not set or has another type or format."""
        self._send(struct.pack("<BBHIIIII", _GET_PROPERTY, 0, 6, window, prop, kind, 0, longs))
        reply = self._reply()
        fmt = reply[1]
        (got_type, _after, count) = struct.unpack_from("<III", reply, 8)
        if got_type != kind or fmt != 32:
            return []
        return list(struct.unpack_from(f"<{count}I", reply, 32))

    def select_property_events(self, window: int, on: bool = True) -> None:
        """Ask for (or stop) PropertyNotify events of ``window``. No reply: an error for a
        window already gone comes back later and is dropped."""
        mask = PROPERTY_CHANGE_MASK if on else NO_EVENT_MASK
        self._send(struct.pack("<BxHIII", _CHANGE_WINDOW_ATTRIBUTES, 4, window, _CW_EVENT_MASK,
                               mask))

    def property_events(self) -> list[tuple[int, int]]:
        """(window, atom) of each PropertyNotify that came since the last call; never waits."""
        return [(int(window), int(atom)) for window, atom in
                (struct.unpack_from("<II", event, 4) for event in self.pending()
                 if event[0] & 0x7F == _PROPERTY_NOTIFY)]

    def query_extension(self, name: str) -> tuple[int, int] | None:
        """(major opcode, first event code) of the extension ``name``; None when the server
        lacks it."""
        reply = self.round_trip(_named(_QUERY_EXTENSION, name))
        present, major, first_event = struct.unpack_from("<BBB", reply, 8)
        return (major, first_event) if present else None

    def new_id(self) -> int:
        """A fresh resource id of this connection (for a request that creates something)."""
        self._next_id += 1
        if self._next_id > self._id_mask:
            raise X11Error("this connection has used up its resource ids")
        return int(self._id_base | (self._next_id * (self._id_mask & -self._id_mask)))

    def send(self, request: bytes) -> None:
        """Send a request that has no reply (its error, if any, comes with ``pending``)."""
        self._send(request)

    def round_trip(self, request: bytes) -> bytes:
        """Send a request and return its reply (X11Error for its error)."""
        self._send(request)
        return self._reply()

    def pending(self) -> list[bytes]:
        """The events and late errors (32 bytes each: byte 0 is 0 for an error, else the event
        code) that came since the last call; never waits."""
        while select.select([self._sock], [], [], 0)[0]:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise X11Error("the X server closed the connection")
            self._buffer += chunk
            self._take_unsolicited()
        events, self._events = self._events, []
        return events

    def fileno(self) -> int:
        """The socket, for select(): readable when an event (or the server's close) came."""
        return self._sock.fileno()

    def close(self) -> None:
        """Close the connection."""
        self._sock.close()

    # --- the wire ------------------------------------------------------------------------

    def _send(self, request: bytes) -> None:
        self._sock.sendall(request)
        self.requests_sent += 1

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            try:
                chunk = self._sock.recv(max(65536, n - len(self._buffer)))
            except TimeoutError:
                raise X11Error(f"the X server did not answer within {TIMEOUT_S:.0f} s") from None
            if not chunk:
                raise X11Error("the X server closed the connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _reply(self) -> bytes:
        """The reply to the latest request; events and errors of earlier requests (no reply
        expected) met on the way are kept for ``pending``."""
        sequence = self.requests_sent & 0xFFFF
        while True:
            head = self._read(32)
            kind = head[0]
            (seq,) = struct.unpack_from("<H", head, 2)
            if kind == 1:   # a reply: 32 bytes and (length) more words
                (words,) = struct.unpack_from("<I", head, 4)
                body = head + self._read(words * 4)
                if seq == sequence:
                    return body
            elif kind == 0 and seq == sequence:
                raise X11Error(f"X error {head[1]}", code=head[1])
            else:
                self._events.append(head)

    def _take_unsolicited(self) -> None:
        """Events and late errors in the buffer (nothing else comes when no request waits)."""
        while len(self._buffer) >= 32:
            head, self._buffer = self._buffer[:32], self._buffer[32:]
            if head[0] != 1:
                self._events.append(head)
