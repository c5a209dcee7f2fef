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
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_MESSAGE = 16384
HANDSHAKE_TIMEOUT_S = 5.0
KEY_BYTES = 32
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


class ControlServer:
    """Answers control requests with ``handle(request) -> reply``; refusals go to ``on_refused``."""

    def __init__(
        self, directory: Path, handle: Handler, on_refused: Callable[[str], None] | None = None
    ) -> None:
        self.directory = directory
        self.handle = handle
        self.on_refused = on_refused or (lambda why: log.warning("control: refused: %s", why))
        self._listener: socket.socket | None = None
        self._key = b""

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

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                conn, _ = listener.accept()
            except OSError:
                if self._listener is not listener:
                    return
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(HANDSHAKE_TIMEOUT_S)  # a silent client holds only its own worker
            if not _same_user(conn):
                self.on_refused("connection from another user")
                return
            reader = conn.makefile("rb")
            try:
                key = reader.readline(2 * KEY_BYTES + 2).strip()
                if not same_key(_unhex(key), self._key):
                    self.on_refused("unauthenticated connection (wrong key)")
                    _send(conn, {"ok": False, "error": "not authenticated"})
                    return
                raw = reader.readline(MAX_MESSAGE + 1)
            except OSError as err:  # timeouts included
                log.debug("control: client went away or stayed silent: %s", err)
                return
            finally:
                reader.close()
            if len(raw) > MAX_MESSAGE:
                self.on_refused(f"oversized message (over {MAX_MESSAGE} bytes)")
                return
            if raw:
                _send(conn, self._reply(raw))

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
    if _USE_TCP:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
    else:
        path = _socket_path(directory)
        path.unlink(missing_ok=True)  # left by a crash: we hold the lock, so it is stale
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
    listener.listen(8)
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
    except (UnicodeDecodeError, ValueError):
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
