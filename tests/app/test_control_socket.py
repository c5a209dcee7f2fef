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
from pathlib import Path
from typing import Any

import pytest

from traybreak.app.control_socket import ControlServer, InstanceLock, NotRunning, request, same_key

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


def _connect(directory: Path) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX)
    conn.settimeout(5.0)
    conn.connect(str(directory / "control.sock"))
    return conn


def _exchange(directory: Path, key_line: bytes, payload: bytes) -> bytes:
    """Send a raw key line and payload; return everything the server sends back."""
    with _connect(directory) as conn:
        conn.sendall(key_line + b"\n" + payload)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _key_line(directory: Path) -> bytes:
    return (directory / "control.key").read_text().split()[0].encode()


@pytest.mark.parametrize("key_line", [b"00" * 32, b"not hex", b"", b"ab" * 31])
def test_wrong_key_is_refused_and_noted(server: Any, key_line: bytes) -> None:
    directory, recorder, _ = server
    reply = _exchange(directory, key_line, b'{"cmd": "quit"}\n')
    assert json.loads(reply) == {"ok": False, "error": "not authenticated"}
    _wait_for(lambda: recorder.refused)
    assert "unauthenticated" in recorder.refused[0]
    assert recorder.requests == []


def test_a_stale_key_reads_as_a_clear_refusal(server: Any) -> None:
    directory, recorder, _ = server
    (directory / "control.key").write_text("00" * 32 + "\n")
    with pytest.raises(NotRunning, match="key did not match"):
        request(directory, {"cmd": "status"})
    assert recorder.requests == []


def test_same_key_compares_whole_keys() -> None:
    assert same_key(b"\x01" * 32, b"\x01" * 32)
    assert not same_key(b"\x01" * 32, b"\x01" * 31 + b"\x02")
    assert not same_key(b"\x01" * 31, b"\x01" * 32)
    assert not same_key(b"", b"")


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"no": "cmd"}', b"\xff\xfe"])
def test_malformed_messages_are_refused_without_crashing(server: Any, payload: bytes) -> None:
    directory, recorder, _ = server
    reply = _exchange(directory, _key_line(directory), payload + b"\n")
    assert json.loads(reply) == {"ok": False, "error": "malformed message"}
    assert any("malformed" in why for why in recorder.refused)
    assert request(directory, {"cmd": "still-alive"})["ok"] is True


def test_pickle_is_never_loaded(server: Any) -> None:
    import pickle

    directory, recorder, _ = server
    reply = _exchange(directory, _key_line(directory), pickle.dumps({"cmd": "status"}) + b"\n")
    assert json.loads(reply)["ok"] is False
    assert recorder.requests == []


def test_oversized_message_is_refused(server: Any) -> None:
    directory, recorder, _ = server
    try:
        reply = _exchange(directory, _key_line(directory),
                          json.dumps({"cmd": "x" * 100_000}).encode() + b"\n")
    except ConnectionResetError:  # the server hung up with our bytes unread
        reply = b""
    assert reply == b""  # no answer at all, and the request never reached the handler
    assert recorder.requests == []
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
from traybreak.app.control_socket import InstanceLock
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


# --- limits (#18 point 5): a flood or a slow client costs a bounded, short-lived share -------


@pytest.fixture
def limited(tmp_path: Path) -> Any:
    """A server with small limits: 4 connections at once, 1 s per connection, bursts of
    refusals over after 1 s of quiet."""
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    recorder = Recorder()
    srv = ControlServer(directory, recorder.handle, recorder.refuse, max_connections=4,
                        deadline_s=1.0, quiet_s=1.0)
    srv.start()
    yield directory, recorder, srv
    srv.close()


def _closed_by_server(conn: socket.socket) -> bool:
    """True once the server has hung up (recv sees the end), False while it still listens."""
    try:
        return conn.recv(1, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def test_a_client_trickling_bytes_is_cut_off_at_the_connection_deadline(limited: Any) -> None:
    """One deadline for the whole connection: a byte every 0.2 s (each read well within any
    per-read timeout) still loses the connection once the 1 s deadline has passed."""
    directory, _, _ = limited
    started = time.monotonic()
    with _connect(directory) as conn:
        key = _key_line(directory)
        while not _closed_by_server(conn):
            assert time.monotonic() - started < 4.0, "the trickling client was never cut off"
            try:
                conn.send(key[:1])
            except (BrokenPipeError, ConnectionResetError):
                break
            key = key[1:] or b"0"
            time.sleep(0.2)
    assert time.monotonic() - started < 2.5


def test_connections_over_the_cap_are_refused_at_once(limited: Any) -> None:
    directory, recorder, _ = limited
    silent = [_connect(directory) for _ in range(4)]
    try:
        time.sleep(0.2)  # all four accepted and waiting in their workers
        started = time.monotonic()
        reply = request(directory, {"cmd": "status"})
        assert time.monotonic() - started < 0.5
        assert reply["ok"] is False and reply["error"].startswith("busy"), reply
        _wait_for(lambda: any("busy" in why for why in recorder.refused))
        assert recorder.requests == []
    finally:
        for conn in silent:
            conn.close()
    _wait_for(lambda: _answers(directory))


def _answers(directory: Path) -> bool:
    try:
        return request(directory, {"cmd": "status"})["ok"] is True
    except NotRunning:
        return False


def test_the_listen_backlog_takes_a_burst_of_connections(tmp_path: Path) -> None:
    """Nothing accepts here: every connection waits in the kernel's queue, which a burst of 64
    must not overflow (with the old backlog of 8 the 10th connect would fail)."""
    from traybreak.app.control_socket import _listen

    listener = _listen(tmp_path)
    waiting = []
    try:
        for _ in range(64):
            conn = socket.socket(socket.AF_UNIX)
            conn.setblocking(False)
            conn.connect(str(tmp_path / "control.sock"))  # BlockingIOError once the queue is full
            waiting.append(conn)
    finally:
        for conn in waiting:
            conn.close()
        listener.close()


def test_json_nested_very_deep_is_a_malformed_message(limited: Any) -> None:
    directory, recorder, _ = limited
    deep = b'{"cmd": "status", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"
    reply = _exchange(directory, _key_line(directory), deep)
    assert json.loads(reply) == {"ok": False, "error": "malformed message"}
    assert recorder.requests == []
    assert request(directory, {"cmd": "still-alive"})["ok"] is True


def test_refusals_are_reported_once_per_burst(limited: Any) -> None:
    directory, recorder, _ = limited
    for _ in range(30):
        _exchange(directory, b"00" * 32, b'{"cmd": "quit"}\n')
    assert len(recorder.refused) == 1 and "wrong key" in recorder.refused[0]
    _wait_for(lambda: len(recorder.refused) == 2)  # the burst is over: one line for the rest
    assert recorder.refused[1].startswith("29 more connections refused"), recorder.refused
    assert "wrong key" in recorder.refused[1]
    time.sleep(0.5)
    assert len(recorder.refused) == 2
    _exchange(directory, b"00" * 32, b'{"cmd": "quit"}\n')  # a new burst is reported again
    _wait_for(lambda: len(recorder.refused) == 3)
    assert recorder.requests == []
