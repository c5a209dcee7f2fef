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

Limits, so that a flood or a slow client costs a bounded, short-lived share of the tray: each
connection has one deadline for all of it (not a timeout per read, which a client sending a byte
every few seconds never meets), at most ``MAX_CONNECTIONS`` are served at once (the rest are
refused at once with a "busy" reply), and refusals are reported once per burst, not once each.
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

log = logging.getLogger(__name__)

MAX_MESSAGE = 16384
#: The whole conversation (key, request, reply) must fit in this, however the bytes trickle in.
CONNECTION_DEADLINE_S = 5.0
#: Connections served at once; more are refused at once (each costs a thread and a descriptor).
MAX_CONNECTIONS = 16
#: Connections the kernel queues before the control thread accepts them: a burst of CLI calls
#: (a script, a panel double click) must not see "connection refused" while the tray is fine.
LISTEN_BACKLOG = 128
#: A burst of refusals ends after this long without one; its first is told at once, the rest in
#: one line when it ends (a flood of bad connections once added a log row each).
REFUSAL_QUIET_S = 60.0
KEY_BYTES = 32
BUSY_REPLY = {"ok": False,
              "error": "busy: too many connections to traybreak at once; try again in a moment"}
Handler = Callable[[dict[str, Any]], dict[str, Any]]
_USE_TCP = not hasattr(socket, "AF_UNIX")  # Windows


class NotRunning(Exception):
    """No traybreak is running for this user (or it stopped answering)."""


class InstanceLock:
    """An exclusive lock file; the kernel drops it when the holder dies, even on kill -9."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another instance holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock_fd(fd)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Let go of the lock (also happens when the process exits)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _socket_path(directory: Path) -> Path:
    return directory / "control.sock"


def _key_path(directory: Path) -> Path:
    return directory / "control.key"


def same_key(given: bytes, expected: bytes) -> bool:
    """Compare two keys in time independent of where they differ.

    Python's int XOR walks every digit, so this does what ``hmac.compare_digest`` does without
    importing hmac (which loads OpenSSL into the tray process).
    """
    if len(given) != len(expected) or not expected:
        return False
    return int.from_bytes(given, "big") ^ int.from_bytes(expected, "big") == 0


def _read_key_file(directory: Path) -> tuple[bytes, int | None]:
    """(key, TCP port or None) from the key file; NotRunning if it is missing or unreadable."""
    try:
        words = _key_path(directory).read_text(encoding="ascii").split()
        key = bytes.fromhex(words[0])
        port = int(words[1]) if len(words) > 1 else None
    except FileNotFoundError:
        raise NotRunning("traybreak is not running") from None
    except (OSError, ValueError, IndexError):
        raise NotRunning("traybreak is not running (its key file is unreadable)") from None
    return key, port


class RefusalBursts:
    """Tells refusals to ``report`` once per burst: the first at once, then, when no refusal
    has come for ``quiet_s``, one line for the rest ("29 more connections refused ...").

    Thread-safe. A timer thread runs only while a burst has untold refusals.
    """

    def __init__(self, report: Callable[[str], None], quiet_s: float = REFUSAL_QUIET_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._report, self._quiet_s, self._clock = report, quiet_s, clock
        self._lock = threading.Lock()
        self._last: float | None = None   # when the burst's latest refusal came
        self._began = 0.0
        self._more = 0                    # refusals in this burst not told yet
        self._latest = ""
        self._timer: threading.Timer | None = None

    def note(self, why: str) -> None:
        """One connection was refused for ``why``."""
        with self._lock:
            now = self._clock()
            new_burst = self._last is None or now - self._last >= self._quiet_s
            summary = self._take_summary() if new_burst else None
            self._last, self._latest = now, why
            if new_burst:
                self._began = now
            else:
                self._more += 1
                if self._timer is None:
                    self._schedule(self._quiet_s)
        if summary:
            self._report(summary)
        if new_burst:
            self._report(why)

    def flush(self) -> None:
        """Tell the untold rest now (the server is closing)."""
        with self._lock:
            summary = self._take_summary()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if summary:
            self._report(summary)

    def _schedule(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._burst_over)
        self._timer.daemon = True
        self._timer.start()

    def _burst_over(self) -> None:
        with self._lock:
            assert self._last is not None
            left = self._last + self._quiet_s - self._clock()
            if left > 0:  # refusals kept coming: look again when this one is quiet_s old
                self._schedule(left)
                return
            self._timer = None
            summary = self._take_summary()
        if summary:
            self._report(summary)

    def _take_summary(self) -> str | None:
        """The line for the untold refusals, which are then told (call holding the lock)."""
        if not self._more:
            return None
        more, self._more = self._more, 0
        assert self._last is not None
        return (f"{more} more connections refused in {self._last - self._began:.0f} s "
                f"(the last: {self._latest})")


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
        port = listener.getsockname()[1] if _USE_TCP else None
        key_file = _key_path(self.directory)
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
            if not _USE_TCP:
                _socket_path(self.directory).unlink(missing_ok=True)
        _key_path(self.directory).unlink(missing_ok=True)
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
            reader = _LineReader(conn, time.monotonic() + self._deadline_s)
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


class _LineReader:
    """Reads lines from ``conn`` until one ``deadline`` (time.monotonic) for all of them."""

    def __init__(self, conn: socket.socket, deadline: float) -> None:
        self._conn, self._deadline = conn, deadline
        self._buffer = b""

    def left(self) -> float:
        """Seconds until the deadline."""
        return self._deadline - time.monotonic()

    def line(self, limit: int) -> bytes:
        """The next line with its newline, at most ``limit`` bytes (like ``readline(limit)``);
        what came before the client stopped sending at the end; TimeoutError past the
        deadline."""
        while b"\n" not in self._buffer[:limit] and len(self._buffer) < limit:
            left = self.left()
            if left <= 0:
                raise TimeoutError("the connection's deadline passed")
            self._conn.settimeout(left)
            chunk = self._conn.recv(4096)
            if not chunk:
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n", 0, limit)
        cut = limit if end < 0 else end + 1
        line, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return line


def _listen(directory: Path) -> socket.socket:
    if _USE_TCP:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
    else:
        path = _socket_path(directory)
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
    if not sys.platform.startswith("linux") or _USE_TCP:
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def request(directory: Path, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Send one request to the running instance and return its reply; NotRunning if none."""
    key, port = _read_key_file(directory)
    try:
        if port is not None:
            conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        else:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            try:
                conn.connect(str(_socket_path(directory)))
            except OSError:
                conn.close()
                raise
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning("traybreak is not running") from None
    except OSError as err:
        raise NotRunning(f"cannot reach traybreak ({err})") from None
    with conn, conn.makefile("rb") as reader:
        try:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                # A busy tray answers and hangs up without reading: its reply is still there.
                conn.sendall(key.hex().encode() + b"\n" + json.dumps(message).encode() + b"\n")
            line = reader.readline(MAX_MESSAGE + 1)
        except TimeoutError:
            raise NotRunning(f"traybreak did not answer within {timeout:g} s") from None
        except OSError as err:
            raise NotRunning(f"traybreak refused the request ({err})") from None
    try:
        reply = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        reply = None
    if not isinstance(reply, dict):
        raise NotRunning("traybreak closed the connection without an answer")
    if reply.get("error") == "not authenticated":
        raise NotRunning("traybreak refused the request (the key did not match)")
    return reply
