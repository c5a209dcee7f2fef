"""The small X11 client (platform/x11_wire.py): display names and Xauthority files as pure
code; then a real Xvfb that demands a MIT-MAGIC-COOKIE-1 (as Xwayland in a GNOME session
does): the right cookie connects, atoms, properties and PropertyNotify events work, a wrong
cookie is refused with the server's reason, and a server that never answers costs a second."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.xdesktop import Desktop, missing_tools, skip_reason

from traybreak.platform.x11_wire import TIMEOUT_S, Connection, X11Error, parse_display, read_cookie

CARDINAL = 6
COOKIE = bytes(range(16))


def xauth_entry(family: int, address: bytes, number: bytes, cookie: bytes,
                name: bytes = b"MIT-MAGIC-COOKIE-1") -> bytes:
    """One Xauthority entry, as xauth writes it (big-endian lengths)."""
    out = struct.pack(">H", family)
    for field in (address, number, name, cookie):
        out += struct.pack(">H", len(field)) + field
    return out


@pytest.mark.parametrize(("name", "parsed"), [
    (":0", ("", 0)), (":1.0", ("", 1)), ("unix:12", ("", 12)), ("box:3.1", ("box", 3)),
])
def test_display_names(name: str, parsed: tuple[str, int]) -> None:
    assert parse_display(name) == parsed


@pytest.mark.parametrize("name", ["", "0", ":x", "/private/tmp/launchd/org.xquartz:0"])
def test_display_names_it_cannot_read_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="X display name"):
        parse_display(name)


def test_the_cookie_is_the_one_for_this_machine_and_display(tmp_path: Path) -> None:
    here = socket.gethostname().encode()
    authority = tmp_path / "Xauthority"
    authority.write_bytes(
        xauth_entry(256, b"elsewhere", b"0", b"x" * 16)       # another machine
        + xauth_entry(256, here, b"1", b"y" * 16)             # another display
        + xauth_entry(256, here, b"0", b"z" * 16, name=b"XDM-AUTHORIZATION-1")
        + xauth_entry(256, here, b"0", COOKIE))
    assert read_cookie(authority, "", 0) == COOKIE
    assert read_cookie(authority, "", 1) == b"y" * 16
    assert read_cookie(authority, "", 2) is None
    authority.write_bytes(xauth_entry(65535, b"", b"", COOKIE))   # any machine, any display
    assert read_cookie(authority, "", 7) == COOKIE


def test_a_missing_or_cut_off_authority_file_gives_no_cookie(tmp_path: Path) -> None:
    assert read_cookie(tmp_path / "nothing", "", 0) is None
    cut = tmp_path / "cut"
    cut.write_bytes(xauth_entry(65535, b"", b"", COOKIE)[:-5])
    assert read_cookie(cut, "", 0) is None


@pytest.fixture
def xvfb_with_cookie(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An Xvfb that accepts only COOKIE: its display name and an Xauthority file holding it."""
    if missing_tools():
        pytest.skip(skip_reason(missing_tools()))
    authority = tmp_path / "Xauthority"
    authority.write_bytes(xauth_entry(65535, b"", b"", COOKIE))
    with Desktop((640, 480), auth=authority) as desk:
        yield desk.display_name, authority


def test_with_the_cookie_it_reads_properties_and_hears_of_their_changes(
        xvfb_with_cookie: tuple[str, Path]) -> None:
    display, authority = xvfb_with_cookie
    env = {"XAUTHORITY": str(authority), "DISPLAY": display}
    conn = Connection(display, env)
    try:
        atom = conn.intern_atom("_TRAYBREAK_TEST")
        assert atom > 68 and conn.intern_atom("_TRAYBREAK_TEST") == atom   # past the predefined
        assert conn.get_property(conn.root, atom, CARDINAL) == []           # not set yet
        conn.select_property_events(conn.root)
        assert conn.property_events() == []
        sent = conn.requests_sent
        subprocess.run(["xprop", "-root", "-f", "_TRAYBREAK_TEST", "32c", "-set",
                        "_TRAYBREAK_TEST", "7"], env={**os.environ, **env}, check=True,
                       timeout=10)
        deadline = time.monotonic() + 5
        events: list[tuple[int, int]] = []
        while not events and time.monotonic() < deadline:
            events = conn.property_events()
            time.sleep(0.02)
        assert events == [(conn.root, atom)]
        assert conn.requests_sent == sent            # hearing of events asks nothing
        assert conn.get_property(conn.root, atom, CARDINAL) == [7]
        assert conn.get_property(conn.root, atom, 4) == []   # asked as another type
        with pytest.raises(X11Error) as caught:
            conn.get_property(0x7FFFFF, atom, CARDINAL)      # no such window
        assert caught.value.bad_window
    finally:
        conn.close()


def test_without_the_cookie_the_server_says_why_it_refused(
        xvfb_with_cookie: tuple[str, Path], tmp_path: Path) -> None:
    display, _ = xvfb_with_cookie
    with pytest.raises(X11Error, match=r"refused the connection: .+"):
        Connection(display, {"XAUTHORITY": str(tmp_path / "none"), "HOME": str(tmp_path)})


def test_a_server_that_never_answers_costs_about_a_second() -> None:
    number = next(n for n in range(900, 1000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    path = Path(f"/tmp/.X11-unix/X{number}")
    path.parent.mkdir(exist_ok=True)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(path))
    silent.listen(1)
    try:
        started = time.monotonic()
        with pytest.raises(X11Error, match="did not answer"):
            Connection(f":{number}", {})
        assert time.monotonic() - started < TIMEOUT_S + 1
    finally:
        silent.close()
        path.unlink()
