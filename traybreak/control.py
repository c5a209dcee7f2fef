"""One instance per user and shell control of it: an OS file lock, then a local socket
(AF_UNIX in a 0700 dir, a named pipe on Windows) with HMAC challenge-response auth and JSON only.

The server runs in its own daemon thread (the "control thread"); each connection gets a short-lived
worker so a silent client cannot block the others. Messages are never unpickled.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import struct
import sys
import threading
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import (
    Client,
    Connection,
    Listener,
    answer_challenge,
    deliver_challenge,
)
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_MESSAGE = 16384
HANDSHAKE_TIMEOUT_S = 5.0
Handler = Callable[[dict[str, Any]], dict[str, Any]]


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


def _address(directory: Path) -> tuple[str, str]:
    if sys.platform == "win32":
        user = os.environ.get("USERNAME", "user")
        return rf"\\.\pipe\traybreak-{user}", "AF_PIPE"
    return str(directory / "control.sock"), "AF_UNIX"


def _key_path(directory: Path) -> Path:
    return directory / "control.key"


class ControlServer:
    """Answers control requests with ``handle(request) -> reply``; refusals go to ``on_refused``."""

    def __init__(
        self, directory: Path, handle: Handler, on_refused: Callable[[str], None] | None = None
    ) -> None:
        self.directory = directory
        self.handle = handle
        self.on_refused = on_refused or (lambda why: log.warning("control: refused: %s", why))
        self._listener: Listener | None = None
        self._key = b""

    def start(self) -> None:
        """Write a fresh key (0600), bind the socket and serve in a daemon thread.

        Call only while holding the InstanceLock: a socket file left by a crash is then stale.
        """
        self._key = secrets.token_bytes(32)
        key_file = _key_path(self.directory)
        key_file.unlink(missing_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(self._key)
        address, family = _address(self.directory)
        if family == "AF_UNIX" and os.path.exists(address):
            os.unlink(address)
        self._listener = Listener(address, family=family)
        threading.Thread(target=self._accept_loop, name="control", daemon=True).start()

    def close(self) -> None:
        """Stop listening and remove the socket and key files."""
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.close()
        _key_path(self.directory).unlink(missing_ok=True)

    def _accept_loop(self) -> None:
        while self._listener is not None:
            try:
                conn = self._listener.accept()
            except OSError:
                if self._listener is None:
                    return
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            try:
                _limit_wait(conn)
                if not _same_user(conn):
                    self.on_refused("connection from another user")
                    return
                deliver_challenge(conn, self._key)
                answer_challenge(conn, self._key)
            except AuthenticationError:
                self.on_refused("unauthenticated connection (wrong key)")
                return
            except (OSError, EOFError) as err:
                log.debug("control: client went away during the handshake: %s", err)
                return
            self._answer(conn)

    def _answer(self, conn: Connection) -> None:
        try:
            raw = conn.recv_bytes(MAX_MESSAGE)
        except OSError as err:  # includes a message over MAX_MESSAGE
            self.on_refused(f"unreadable or oversized message ({err})")
            return
        except EOFError:
            return
        request = _decode(raw)
        if request is None:
            self.on_refused("malformed message (expected a JSON object with a 'cmd' string)")
            reply: dict[str, Any] = {"ok": False, "error": "malformed message"}
        else:
            try:
                reply = self.handle(request)
            except Exception as err:  # a bad command must never take the tray down
                log.exception("control: handling %r failed", request.get("cmd"))
                reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        try:
            conn.send_bytes(json.dumps(reply).encode())
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


def _limit_wait(conn: Connection) -> None:
    """Bound how long a silent client can hold its worker (blocking reads time out)."""
    if sys.platform == "win32":
        return
    sock = socket.socket(fileno=os.dup(conn.fileno()))
    try:
        seconds = int(HANDSHAKE_TIMEOUT_S)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", seconds, 0))
    finally:
        sock.close()


def _same_user(conn: Connection) -> bool:
    """On Linux, check the peer's uid too (defence in depth next to the 0700 dir and the key)."""
    if not sys.platform.startswith("linux"):
        return True
    sock = socket.socket(fileno=os.dup(conn.fileno()))
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    finally:
        sock.close()
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def request(directory: Path, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Send one request to the running instance and return its reply; NotRunning if none."""
    address, family = _address(directory)
    try:
        key = _key_path(directory).read_bytes()
    except FileNotFoundError:
        raise NotRunning("traybreak is not running") from None
    try:
        conn = Client(address, family=family)
    except (FileNotFoundError, ConnectionRefusedError):
        raise NotRunning("traybreak is not running") from None
    with conn:
        try:
            answer_challenge(conn, key)
            deliver_challenge(conn, key)
            conn.send_bytes(json.dumps(message).encode())
            if not conn.poll(timeout):
                raise NotRunning(f"traybreak did not answer within {timeout:g} s")
            reply = json.loads(conn.recv_bytes(MAX_MESSAGE).decode("utf-8"))
        except (AuthenticationError, EOFError, ConnectionError) as err:
            raise NotRunning(f"traybreak refused the request ({err})") from None
    if not isinstance(reply, dict):
        raise NotRunning("traybreak sent an unreadable reply")
    return reply
