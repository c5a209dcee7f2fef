"""Single instance and the control socket, against real sockets, files and processes."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Client, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any

import pytest

from traybreak.control import ControlServer, InstanceLock, NotRunning, request

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="AF_UNIX paths and flock")


class Recorder:
    """Collects refusals and answers every request with an echo."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.requests: list[dict[str, Any]] = []

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(req)
        if req["cmd"] == "boom":
            raise RuntimeError("handler bug")
        return {"ok": True, "echo": req}

    def refuse(self, why: str) -> None:
        self.refused.append(why)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    recorder = Recorder()
    srv = ControlServer(directory, recorder.handle, recorder.refuse)
    srv.start()
    yield directory, recorder, srv
    srv.close()


def _wait_for(predicate: Any, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


def test_round_trip_json(server: Any) -> None:
    directory, recorder, _ = server
    reply = request(directory, {"cmd": "status", "json": True})
    assert reply == {"ok": True, "echo": {"cmd": "status", "json": True}}
    assert recorder.refused == []


def test_key_file_is_private(server: Any) -> None:
    directory, _, _ = server
    mode = stat.S_IMODE((directory / "control.key").stat().st_mode)
    assert mode == 0o600


def test_wrong_key_is_refused_and_noted(server: Any) -> None:
    directory, recorder, _ = server
    conn = Client(str(directory / "control.sock"), family="AF_UNIX")
    with conn, pytest.raises(Exception):  # noqa: B017 - AuthenticationError or EOF, both fine
        answer_challenge(conn, b"not the key")
        conn.send_bytes(b'{"cmd": "quit"}')
        conn.recv_bytes()
    _wait_for(lambda: recorder.refused)
    assert "unauthenticated" in recorder.refused[0]
    assert recorder.requests == []


def _authenticated(directory: Path) -> Any:
    conn = Client(str(directory / "control.sock"), family="AF_UNIX")
    key = (directory / "control.key").read_bytes()
    answer_challenge(conn, key)
    deliver_challenge(conn, key)
    return conn


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"no": "cmd"}', b"\xff\xfe"])
def test_malformed_messages_are_refused_without_crashing(server: Any, payload: bytes) -> None:
    directory, recorder, _ = server
    with _authenticated(directory) as conn:
        conn.send_bytes(payload)
        assert json.loads(conn.recv_bytes()) == {"ok": False, "error": "malformed message"}
    assert any("malformed" in why for why in recorder.refused)
    assert request(directory, {"cmd": "still-alive"})["ok"] is True


def test_pickle_is_never_loaded(server: Any) -> None:
    import pickle

    directory, recorder, _ = server
    with _authenticated(directory) as conn:
        conn.send_bytes(pickle.dumps({"cmd": "status"}))
        assert json.loads(conn.recv_bytes())["ok"] is False
    assert recorder.requests == []


def test_oversized_message_is_refused(server: Any) -> None:
    directory, recorder, _ = server
    with _authenticated(directory) as conn:
        conn.send_bytes(json.dumps({"cmd": "x" * 100_000}).encode())
        with pytest.raises((EOFError, OSError)):
            conn.recv_bytes()
    _wait_for(lambda: any("oversized" in why for why in recorder.refused))


def test_handler_errors_become_replies(server: Any) -> None:
    directory, _, _ = server
    reply = request(directory, {"cmd": "boom"})
    assert reply["ok"] is False and "handler bug" in reply["error"]
    assert request(directory, {"cmd": "status"})["ok"] is True


def test_a_silent_client_does_not_block_others(server: Any) -> None:
    directory, _, _ = server
    silent = socket.socket(socket.AF_UNIX)
    silent.connect(str(directory / "control.sock"))
    try:
        started = time.monotonic()
        assert request(directory, {"cmd": "status"})["ok"] is True
        assert time.monotonic() - started < 2.0
    finally:
        silent.close()


def test_not_running_when_nothing_listens(tmp_path: Path) -> None:
    with pytest.raises(NotRunning):
        request(tmp_path, {"cmd": "status"})


def test_stale_socket_after_a_crash_is_replaced(tmp_path: Path) -> None:
    """kill -9 leaves the socket file; the next instance (holding the lock) rebinds."""
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(directory / "control.sock"))
    stale.close()
    (directory / "control.key").write_bytes(b"old")
    with pytest.raises(NotRunning):
        request(directory, {"cmd": "status"})
    recorder = Recorder()
    srv = ControlServer(directory, recorder.handle, recorder.refuse)
    srv.start()
    try:
        assert request(directory, {"cmd": "status"})["ok"] is True
    finally:
        srv.close()
    assert not (directory / "control.sock").exists()
    assert not (directory / "control.key").exists()


_HOLDER = """
import sys, time
from pathlib import Path
from traybreak.control import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print("held" if lock.acquire() else "busy", flush=True)
time.sleep(60)
"""


def test_lock_is_exclusive_across_processes_and_freed_by_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "instance.lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert InstanceLock(path).acquire() is False
    finally:
        holder.kill()
        holder.wait()
    mine = InstanceLock(path)
    assert mine.acquire() is True
    mine.release()


def test_concurrent_requests(server: Any) -> None:
    directory, recorder, _ = server
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            assert request(directory, {"cmd": "status", "n": n})["echo"]["n"] == n
        except BaseException as err:  # collected for the main thread
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(recorder.requests) == 10
    assert os.path.exists(directory / "control.sock")
