"""Fault probe (#18 point 5): a flood of slow clients on the control socket. 300 clients that
each send a byte now and then once drove the tray to 910 threads and 920 descriptors, never
given back; now the tray serves a bounded number at once, cuts each off at its deadline and
logs the refusals once per burst."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from traybreak.app.control_socket import MAX_CONNECTIONS, ControlServer, NotRunning, request

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd")]

CLIENTS = 300


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_flood_of_trickling_clients_costs_a_bounded_share_and_is_given_back(
        tmp_path: Path) -> None:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    refused: list[str] = []
    server = ControlServer(directory, lambda req: {"ok": True}, refused.append,
                           deadline_s=1.0, quiet_s=0.5)
    threads_before, fds_before = threading.active_count(), _fds()
    server.start()
    most_threads = 0
    clients: list[socket.socket] = []
    try:
        for _ in range(CLIENTS):
            conn = socket.socket(socket.AF_UNIX)
            conn.connect(str(directory / "control.sock"))  # blocking: waits for room in the queue
            conn.settimeout(2.0)
            clients.append(conn)
        for _ in range(10):  # a byte each every 0.3 s, for 3 s: past every deadline
            for conn in clients:
                with contextlib.suppress(OSError):  # cut off already
                    conn.send(b"0")
            most_threads = max(most_threads, threading.active_count())
            time.sleep(0.3)
        started = time.monotonic()
        reply: dict[str, Any] | None = None
        while reply is None or not reply["ok"]:  # the flood is over: answered again
            try:
                reply = request(directory, {"cmd": "status"})
            except NotRunning:
                reply = None
            assert time.monotonic() - started < 3.0, reply
            time.sleep(0.05)
    finally:
        for conn in clients:
            conn.close()
    end = time.monotonic() + 5.0
    while (threading.active_count() > threads_before + 1 or _fds() > fds_before + 2) \
            and time.monotonic() < end:
        time.sleep(0.05)
    try:
        # the control thread itself (+1), the listening socket (+1) and the bursts' timer
        assert most_threads <= threads_before + MAX_CONNECTIONS + 3, most_threads
        assert threading.active_count() <= threads_before + 2
        assert _fds() <= fds_before + 2
        end = time.monotonic() + 3.0
        while len(refused) < 2 and time.monotonic() < end:
            time.sleep(0.05)
        assert len(refused) <= 3, refused  # the first of the burst, then one line for the rest
        assert any("more connections refused" in why for why in refused), refused
    finally:
        server.close()
