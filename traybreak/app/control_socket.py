"""One instance per user and shell control of it: an OS file lock, then a local socket with a
key and JSON only.

Transport: an AF_UNIX stream socket in the per-user runtime directory (0700); on Windows, where
Python has no AF_UNIX, a TCP socket on 127.0.0.1 whose port is written next to the key. One
connection carries one request: the client sends the key (hex) on one line and a JSON object on
the next; the server answers with one JSON line. The key is 32 random bytes in a 0600 file written
at each start, and on Linux the peer's uid must be ours too.

Why not ``multiprocessing.connection``: its HMAC handshake pulls in hashlib (OpenSSL), pickle and
compression modules, about 5 MB of the tray's 25 MB memory budget, and on a socket only this user
can reach, a challenge protects nothing a key compared in constant time does not.

The server runs in its own daemon thread (the "control thread"), blocked in ``accept`` at rest;
each connection gets a short-lived worker so a silent client cannot block the others. Messages are
never unpickled.

Here: the server (its accept loop and each connection's conversation). Beside it:
control_limits (the limits on connections, their deadline, refusals told once per burst),
control_wire (what both ends share), control_client (``request``), instance_lock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from traybreak.app.control_client import NotRunning, request
from traybreak.app.control_limits import (
    CONNECTION_DEADLINE_S,
    MAX_CONNECTIONS,
    REFUSAL_QUIET_S,
    LineReader,
    RefusalBursts,
)
from traybreak.app.control_wire import (
    KEY_BYTES,
    MAX_MESSAGE,
    USE_TCP,
    key_path,
    same_key,
    socket_path,
)
from traybreak.app.instance_lock import InstanceLock

__all__ = ["MAX_CONNECTIONS", "ControlServer", "InstanceLock", "NotRunning", "request",
           "same_key"]

log = logging.getLogger(__name__)

#: Connections the kernel queues before the control thread accepts them: a burst of CLI calls
#: (a script, a panel double click) must not see "connection refused" while the tray is fine.
LISTEN_BACKLOG = 128
BUSY_REPLY = {"ok": False,
              "error": "busy: too many connections to traybreak at once; try again in a moment"}
Handler = Callable[[dict[str, Any]], dict[str, Any]]


class ControlServer:
    """Answers control requests with ``handle(request) -> reply``; refusals go to ``on_refused``
    (once per burst, see RefusalBursts)."""

    def __init__(
        self, directory: Path, handle: Handler, on_refused: Callable[[str], None] | None = None,
        *, max_connections: int = MAX_CONNECTIONS, deadline_s: float = CONNECTION_DEADLINE_S,
        quiet_s: float = REFUSAL_QUIET_S,
    ) -> None:
        self.directory = directory
        self.handle = handle
        report = on_refused or (lambda why: log.warning("control: refused: %s", why))
        self._refusals = RefusalBursts(report, quiet_s)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._deadline_s = deadline_s
        self._listener: socket.socket | None = None
        self._key = b""

    def on_refused(self, why: str) -> None:
        """A connection was refused for ``why`` (told once per burst)."""
        self._refusals.note(why)

    def start(self) -> None:
        """Bind the socket, write a fresh key (0600) and serve in a daemon thread.

        Call only while holding the InstanceLock: a socket file left by a crash is then stale.
        """
        self._key = os.urandom(KEY_BYTES)
        listener = _listen(self.directory)
        port = listener.getsockname()[1] if USE_TCP else None
        key_file = key_path(self.directory)
        key_file.unlink(missing_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(self._key.hex() + (f" {port}" if port is not None else "") + "\n")
        self._listener = listener
        threading.Thread(target=self._accept_loop, args=(listener,), name="control",
                         daemon=True).start()

    def close(self) -> None:
        """Stop listening and remove the socket and key files."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown wakes the accept() blocked in the control thread; close alone would not
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            if not USE_TCP:
                socket_path(self.directory).unlink(missing_ok=True)
        key_path(self.directory).unlink(missing_ok=True)
        self._refusals.flush()

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                conn, _ = listener.accept()
            except OSError:
                if self._listener is not listener:
                    return
                continue
            if not self._slots.acquire(blocking=False):
                self._refuse_busy(conn)
                continue
            try:
                threading.Thread(target=self._serve_in_slot, args=(conn,), daemon=True).start()
            except RuntimeError:  # no thread to be had: the same as busy
                self._slots.release()
                self._refuse_busy(conn)

    def _refuse_busy(self, conn: socket.socket) -> None:
        """Answer "busy" without waiting for anything (on the control thread) and hang up."""
        with conn:
            conn.setblocking(False)
            with contextlib.suppress(OSError):
                conn.send(json.dumps(BUSY_REPLY).encode() + b"\n")
                # Unread bytes at close would reset the connection, and the client would read
                # that instead of the reply: take what it has sent already.
                conn.recv(2 * KEY_BYTES + 2 + MAX_MESSAGE)
        self.on_refused("busy (too many connections at once)")

    def _serve_in_slot(self, conn: socket.socket) -> None:
        try:
            self._serve(conn)
        except Exception:  # a worker never dies with a traceback on stderr; the slot comes back
            log.exception("control: serving a connection failed")
        finally:
            self._slots.release()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            if not _same_user(conn):
                self.on_refused("connection from another user")
                return
            reader = LineReader(conn, time.monotonic() + self._deadline_s)
            try:
                key = reader.line(2 * KEY_BYTES + 2).strip()
                if not same_key(_unhex(key), self._key):
                    self.on_refused("unauthenticated connection (wrong key)")
                    _send(conn, {"ok": False, "error": "not authenticated"})
                    return
                raw = reader.line(MAX_MESSAGE + 1)
            except OSError as err:  # the deadline included
                log.debug("control: client went away or was too slow: %s", err)
                return
            if len(raw) > MAX_MESSAGE:
                self.on_refused(f"oversized message (over {MAX_MESSAGE} bytes)")
                return
            if raw:
                reply = self._reply(raw)
                conn.settimeout(max(reader.left(), 0.5))  # a reply is small: room to send it
                _send(conn, reply)

    def _reply(self, raw: bytes) -> dict[str, Any]:
        request = _decode(raw)
        if request is None:
            self.on_refused("malformed message (expected a JSON object with a 'cmd' string)")
            return {"ok": False, "error": "malformed message"}
        try:
            return self.handle(request)
        except Exception as err:  # a bad command must never take the tray down
            log.exception("control: handling %r failed", request.get("cmd"))
            return {"ok": False, "error": f"{type(err).__name__}: {err}"}


def _listen(directory: Path) -> socket.socket:
    if USE_TCP:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
    else:
        path = socket_path(directory)
        path.unlink(missing_ok=True)  # left by a crash: we hold the lock, so it is stale
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
    listener.listen(LISTEN_BACKLOG)
    return listener


def _unhex(text: bytes) -> bytes:
    try:
        return bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return b""


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        log.debug("control: client left before the reply")


def _decode(raw: bytes) -> dict[str, Any] | None:
    try:
        request = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep for the parser
        return None
    if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
        return None
    return request


def _same_user(conn: socket.socket) -> bool:
    """On Linux, check the peer's uid too (defence in depth next to the 0700 dir and the key)."""
    if not sys.platform.startswith("linux") or USE_TCP:
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())
