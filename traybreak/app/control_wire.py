"""What both ends of the control socket share: where its socket and key files are, how big a
message may be, how long the key is, whether the transport is TCP (Windows) or AF_UNIX, and the
key comparison in constant time. The server is app/control_socket.py, the client
app/control_client.py.
"""

from __future__ import annotations

import socket
from pathlib import Path

__all__ = ["KEY_BYTES", "MAX_MESSAGE", "USE_TCP", "key_path", "same_key", "socket_path"]

MAX_MESSAGE = 16384
KEY_BYTES = 32
USE_TCP = not hasattr(socket, "AF_UNIX")  # Windows


def socket_path(directory: Path) -> Path:
    """The AF_UNIX socket the tray listens on in ``directory`` (its runtime folder)."""
    return directory / "control.sock"


def key_path(directory: Path) -> Path:
    """The file with the key (and, over TCP, the port) the tray writes at each start."""
    return directory / "control.key"


def same_key(given: bytes, expected: bytes) -> bool:
    """Compare two keys in time independent of where they differ.

    Python's int XOR walks every digit, so this does what ``hmac.compare_digest`` does without
    importing hmac (which loads OpenSSL into the tray process).
    """
    if len(given) != len(expected) or not expected:
        return False
    return int.from_bytes(given, "big") ^ int.from_bytes(expected, "big") == 0
