"""The Wayland wire format (platform/wayland_wire.py) as pure code: bytes checked against the
spec's rules by hand, round trips with hypothesis, garbage refused with WireError, and the
connection's own handling of wl_display's events on a socket pair."""

from __future__ import annotations

import itertools
import os
import socket
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traybreak.platform.wayland_wire import (
    Connection,
    ConnectionLost,
    Message,
    ProtocolError,
    WireError,
    decode_args,
    encode_args,
    encode_message,
    socket_path,
    split_messages,
)

little_endian = pytest.mark.skipif(sys.byteorder != "little",
                                   reason="hand-written bytes are little-endian")


# -- bytes by hand ----------------------------------------------------------------------------


@little_endian
def test_get_registry_is_three_words() -> None:
    # wl_display (object 1) get_registry (opcode 1) with new_id 2: size 12 in the upper half.
    message = encode_message(1, 1, encode_args("n", [2]))
    assert message == bytes.fromhex("01000000" "01000c00" "02000000")


@little_endian
@pytest.mark.parametrize(("text", "wire"), [
    ("abc", "04000000" "61626300"),                       # 3 bytes + NUL: no padding
    ("wl_seat", "08000000" "776c5f7365617400"),           # 7 + NUL = 8
    ("abcd", "05000000" "6162636400000000"),               # 4 + NUL, padded to 8
    (None, "00000000"),                                    # a null string
])
def test_strings_carry_their_nul_and_padding(text: str | None, wire: str) -> None:
    assert encode_args("s", [text]) == bytes.fromhex(wire)
    assert decode_args("s", bytes.fromhex(wire)) == (text,)


@little_endian
def test_bind_sends_interface_and_version_before_the_id() -> None:
    # wl_registry.bind's untyped new_id: (name, interface, version, id).
    payload = encode_args("usun", [12, "wl_seat", 1, 3])
    assert payload == bytes.fromhex("0c000000" "08000000" "776c5f7365617400" "01000000"
                                    "03000000")


@little_endian
def test_fixed_and_int_are_signed() -> None:
    assert encode_args("fi", [-1.5, -2]) == bytes.fromhex("80feffff" "feffffff")
    assert decode_args("fi", bytes.fromhex("80feffff" "feffffff")) == (-1.5, -2)


@little_endian
def test_an_array_is_length_then_padded_bytes() -> None:
    assert encode_args("a", [b"\x01\x02\x03\x04\x05"]) == bytes.fromhex("05000000"
                                                                        "0102030405000000")


# -- round trips --------------------------------------------------------------------------------

uint = st.integers(0, 0xFFFFFFFF)
ARG = {
    "u": uint, "o": uint, "n": uint,
    "i": st.integers(-(2**31), 2**31 - 1),
    "f": st.integers(-(2**31), 2**31 - 1).map(lambda raw: raw / 256),
    "s": st.none() | st.text(st.characters(blacklist_characters="\0",
                                           blacklist_categories=("Cs",)), max_size=40),
    "a": st.binary(max_size=40),
}
arguments = st.lists(st.sampled_from(sorted(ARG)), max_size=8).flatmap(
    lambda kinds: st.tuples(st.just("".join(kinds)), st.tuples(*(ARG[k] for k in kinds))))


@given(arguments)
def test_arguments_round_trip(case: tuple[str, tuple[object, ...]]) -> None:
    signature, values = case
    payload = encode_args(signature, values)
    assert len(payload) % 4 == 0
    assert decode_args(signature, payload) == values


message = st.builds(Message, uint, st.integers(0, 0xFFFF),
                    st.binary(max_size=64).map(lambda b: b + b"\0" * (-len(b) % 4)))


@given(st.lists(message, max_size=6), st.lists(st.integers(0, 2000), max_size=6))
def test_messages_split_back_whatever_the_read_sizes(messages: list[Message],
                                                     cuts: list[int]) -> None:
    stream = b"".join(encode_message(m.object_id, m.opcode, m.payload) for m in messages)
    # The stream arrives in arbitrary pieces, as reads give it; the rest is carried over.
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    got: list[Message] = []
    rest = b""
    for start, end in itertools.pairwise(points):
        found, rest = split_messages(rest + stream[start:end])
        got += found
    assert got == messages
    assert rest == b""


# -- garbage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("signature", "payload", "words"), [
    ("u", b"\x01\x00", "ends before"),
    ("s", (9).to_bytes(4, sys.byteorder) + b"abc\0", "runs past"),
    ("s", (4).to_bytes(4, sys.byteorder) + b"abcd", "final NUL"),
    ("s", (4).to_bytes(4, sys.byteorder) + b"a\0b\0", "NUL inside"),
    ("s", (3).to_bytes(4, sys.byteorder) + b"\xff\xfe\0\0", "not UTF-8"),
    ("u", b"\0" * 8, "left over"),
    ("x", b"\0" * 4, "unknown argument type"),
])
def test_malformed_arguments_are_refused(signature: str, payload: bytes, words: str) -> None:
    with pytest.raises(WireError, match=words):
        decode_args(signature, payload)


@pytest.mark.parametrize(("signature", "values"), [
    ("u", [-1]), ("u", [2**32]), ("i", [2**31]), ("u", ["1"]), ("u", [True]),
    ("s", ["a\0b"]), ("s", [3]), ("us", [1]), ("f", ["x"]),
])
def test_values_that_cannot_be_sent_are_refused(signature: str, values: list[object]) -> None:
    with pytest.raises(WireError):
        encode_args(signature, values)


@pytest.mark.parametrize("size", [0, 4, 10])
def test_a_header_no_compositor_sends_is_refused(size: int) -> None:
    header = (1).to_bytes(4, sys.byteorder) + (size << 16).to_bytes(4, sys.byteorder)
    with pytest.raises(WireError, match=f"says {size} bytes"):
        split_messages(header + b"\0" * 16)


def test_a_message_too_big_to_send_is_refused() -> None:
    with pytest.raises(WireError):
        encode_message(3, 0, b"\0" * 4096)
    with pytest.raises(WireError):
        encode_message(3, 0, b"\0" * 3)


# -- where the compositor is -----------------------------------------------------------------


def test_socket_path() -> None:
    assert socket_path({"XDG_RUNTIME_DIR": "/run/user/5", "WAYLAND_DISPLAY": "wayland-1"}) == (
        "/run/user/5/wayland-1")
    assert socket_path({"XDG_RUNTIME_DIR": "/run/user/5"}) == "/run/user/5/wayland-0"
    assert socket_path({"WAYLAND_DISPLAY": "/tmp/w/sock"}) == "/tmp/w/sock"
    with pytest.raises(ValueError, match="XDG_RUNTIME_DIR is not set"):
        socket_path({"WAYLAND_DISPLAY": "wayland-1"})


# -- the connection on a socket pair ---------------------------------------------------------


def pair() -> tuple[Connection, socket.socket]:
    client, server = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    return Connection(client), server


def event(object_id: int, opcode: int, signature: str = "", *values: object) -> bytes:
    return encode_message(object_id, opcode, encode_args(signature, values))


def test_registry_follows_globals_and_their_removal() -> None:
    conn, server = pair()
    conn.registry_id = conn.new_id(conn._on_registry)
    server.sendall(event(conn.registry_id, 0, "usu", 7, "wl_seat", 8)
                   + event(conn.registry_id, 0, "usu", 9, "wl_seat", 5)
                   + event(conn.registry_id, 0, "usu", 3, "wl_output", 4))
    assert conn.read(1) == 3
    found = conn.find("wl_seat")
    assert found is not None and (found.name, found.version) == (7, 8)
    server.sendall(event(conn.registry_id, 1, "u", 7))
    conn.read(1)
    found = conn.find("wl_seat")
    assert found is not None and found.name == 9
    assert conn.find("ext_idle_notifier_v1") is None


def test_events_for_unknown_objects_are_dropped_and_a_message_may_come_in_halves() -> None:
    conn, server = pair()
    seen: list[tuple[int, bytes]] = []
    target = conn.new_id(lambda opcode, payload: seen.append((opcode, payload)))
    data = event(99, 0, "u", 1) + event(target, 1, "s", "hello")
    server.sendall(data[:15])
    assert conn.read(1) == 1  # the unknown object's whole message; ours is half there
    server.sendall(data[15:])
    assert conn.read(1) == 1
    assert seen == [(1, encode_args("s", ["hello"]))]


def test_delete_id_frees_the_id_for_reuse() -> None:
    conn, server = pair()
    first = conn.new_id(lambda *_: None)
    second = conn.new_id()
    server.sendall(event(1, 1, "u", first))
    conn.read(1)
    assert conn.new_id() == first
    assert conn.new_id() == second + 1


def test_display_error_is_a_protocol_error_with_its_words() -> None:
    conn, server = pair()
    server.sendall(event(1, 0, "ous", 5, 2, "invalid seat"))
    with pytest.raises(ProtocolError, match="error 2 on object 5: invalid seat"):
        conn.read(1)


def test_roundtrip_times_out_on_a_silent_compositor() -> None:
    conn, server = pair()
    with pytest.raises(TimeoutError):
        conn.roundtrip(0.2)
    # It did ask: one wl_display.sync with a fresh callback id.
    sync, _rest = split_messages(server.recv(64))
    assert [(m.object_id, m.opcode) for m in sync] == [(1, 0)]


def test_the_end_of_the_stream_is_connection_lost_and_close_wakes_a_reader() -> None:
    conn, server = pair()
    server.close()
    with pytest.raises(ConnectionLost):
        conn.read(1)
    conn.close()
    conn.close()
    with pytest.raises(ConnectionLost):
        conn.send(1, 0, "n", 5)


def test_file_descriptors_that_come_along_are_closed() -> None:
    conn, server = pair()
    read_end, write_end = os.pipe()
    socket.send_fds(server, [event(42, 0)], [write_end])
    os.close(write_end)
    conn.read(1)
    # Every copy of the write end is closed (ours above, the received one by read) only if
    # the pipe reads as ended; a leaked copy would leave it open, empty: BlockingIOError.
    os.set_blocking(read_end, False)
    try:
        assert os.read(read_end, 1) == b""
    finally:
        os.close(read_end)
