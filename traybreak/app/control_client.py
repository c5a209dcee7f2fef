"""The control socket's client: one request to the running tray (the key, then a JSON line) and
its one-line JSON reply; NotRunning when no tray answers, with why in a few words.
"""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path
from typing import Any

from traybreak.app.control_wire import MAX_MESSAGE, key_path, socket_path

__all__ = ["NotRunning", "request"]


class NotRunning(Exception):
    """No traybreak is running for this user (or it stopped answering)."""


def _read_key_file(directory: Path) -> tuple[bytes, int | None]:
    """(key, TCP port or None) from the key file; NotRunning if it is missing or unreadable."""
    try:
        words = key_path(directory).read_text(encoding="ascii").split()
        key = bytes.fromhex(words[0])
        port = int(words[1]) if len(words) > 1 else None
    except FileNotFoundError:
        raise NotRunning("traybreak is not running") from None
    except (OSError, ValueError, IndexError):
        raise NotRunning("traybreak is not running (its key file is unreadable)") from None
    return key, port


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
                conn.connect(str(socket_path(directory)))
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
