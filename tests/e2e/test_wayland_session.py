"""Tests of the Wayland session harness itself (wayland_session.py) on real GNOME and KDE.

A tiny StatusNotifierItem of our own (a solid red 22x22 square with a one-entry dbusmenu, on
jeepney) shows that the harness sees what a tray host sees: the watcher, the item, its menu, the
top bar's pixels, the notifications sent on the bus. The item logs every call it receives, which
is also the record of what each host asks of an item.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.wayland_session import (
    ITEM_IFACE,
    MENU_IFACE,
    WATCHER,
    WATCHER_PATH,
    SessionStartError,
    SniItem,
    WaylandSession,
    menu_outline,
    shared_dir,
    skip_reason,
)
from e2e.xdesktop import ARTIFACTS, wait_until

pytestmark = pytest.mark.e2e

RED = (255, 0, 0)
SIZE = 22
MENU_PATH = "/MenuBar"
ITEM_PATH = "/StatusNotifierItem"
INTROSPECTION = f"""<node>
 <interface name="{ITEM_IFACE}">
  <property name="Category" type="s" access="read"/><property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/><property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <method name="Activate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg type="i" direction="in"/><arg type="i" direction="in"/>
  </method>
  <method name="ContextMenu"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="Scroll"><arg type="i" direction="in"/><arg type="s" direction="in"/></method>
  <signal name="NewIcon"/><signal name="NewToolTip"/><signal name="NewTitle"/>
  <signal name="NewStatus"><arg type="s"/></signal>
 </interface>
</node>"""


class RedSquareItem:
    """A minimal StatusNotifierItem on its own connection, served from a thread: item
    properties, Introspect, a dbusmenu with one entry "Harness entry". It registers with the
    watcher (by its well-known name or by its object path, ``register_as``), and again whenever
    the watcher's name gets a new owner (as items must).
    ``received`` lists (member, interface, body) of every call, in order; ``clicked`` the ids
    of the menu entries clicked."""

    def __init__(self, address: str, register_as: str = "name") -> None:
        from jeepney.bus_messages import MatchRule, message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(address)
        self.name = f"org.kde.StatusNotifierItem-{os.getpid()}-{id(self) % 1000}"
        self.conn.send_and_get_reply(message_bus.RequestName(self.name), timeout=5)
        rule = MatchRule(type="signal", sender="org.freedesktop.DBus",
                         member="NameOwnerChanged")
        rule.add_arg_condition(0, WATCHER)
        self.conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
        self.register_as = register_as  # "name" (our well-known name) or "path" (our path)
        self.received: list[tuple[str, str, tuple[Any, ...]]] = []
        self.clicked: list[int] = []
        self.status = "Active"
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="red-item", daemon=True)
        self._thread.start()
        self.register()

    # -- to the bus ------------------------------------------------------------------------

    def _send(self, msg: Any) -> None:
        with self._send_lock:
            self.conn.send(msg)

    def register(self) -> None:
        """RegisterStatusNotifierItem(our bus name, or our object path); the reply is not
        waited for."""
        from jeepney import DBusAddress, new_method_call

        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        what = self.name if self.register_as == "name" else ITEM_PATH
        self._send(new_method_call(watcher, "RegisterStatusNotifierItem", "s", (what,)))

    def emit(self, signal: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> None:
        from jeepney import DBusAddress, new_signal

        path, iface = (MENU_PATH, MENU_IFACE) if signal in (
            "LayoutUpdated", "ItemsPropertiesUpdated") else (ITEM_PATH, ITEM_IFACE)
        self._send(new_signal(DBusAddress(path, interface=iface), signal, signature, body))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.conn.close()

    # -- from the bus ----------------------------------------------------------------------

    def properties(self) -> dict[str, tuple[str, Any]]:
        pixels = bytes((255, *RED)) * (SIZE * SIZE)  # ARGB32, network byte order
        return {
            "Category": ("s", "ApplicationStatus"), "Id": ("s", "traybreak-harness-test"),
            "Title": ("s", "Harness test item"), "Status": ("s", self.status),
            "WindowId": ("i", 0), "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", [(SIZE, SIZE, pixels)]), "IconThemePath": ("s", ""),
            "OverlayIconName": ("s", ""), "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""), "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], "Harness test item", "")),
            "ItemIsMenu": ("b", False), "Menu": ("o", MENU_PATH),
        }

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            except (OSError, ValueError):
                return
            kind = msg.header.message_type.name
            if kind == "signal" and msg.body and msg.body[0] == WATCHER and msg.body[2]:
                self.register()  # a new watcher: register again
            if kind != "method_call":
                continue
            self._answer(msg)

    def _answer(self, msg: Any) -> None:
        from jeepney import new_error, new_method_return
        from jeepney.low_level import HeaderFields

        fields = msg.header.fields
        iface, member = fields.get(HeaderFields.interface, ""), fields[HeaderFields.member]
        self.received.append((member, iface, tuple(msg.body)))
        props = self.properties()
        menu_props = {"Version": ("u", 3), "TextDirection": ("s", "ltr"),
                      "Status": ("s", "normal"), "IconThemePath": ("as", [])}
        entry = {"label": ("s", "Harness entry"), "enabled": ("b", True)}
        reply: Any
        if member == "GetAll":
            which = props if msg.body[0] == ITEM_IFACE else menu_props
            reply = new_method_return(msg, "a{sv}", (which,))
        elif member == "Get":
            which = props if msg.body[0] == ITEM_IFACE else menu_props
            if msg.body[1] not in which:
                reply = new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty")
            else:
                reply = new_method_return(msg, "v", (which[msg.body[1]],))
        elif member == "Introspect":
            reply = new_method_return(msg, "s", (INTROSPECTION,))
        elif member == "GetLayout":
            child = ("(ia{sv}av)", (1, entry, []))
            root = (0, {"children-display": ("s", "submenu")}, [child])
            reply = new_method_return(msg, "u(ia{sv}av)", (1, root))
        elif member == "GetGroupProperties":
            wanted = [i for i in msg.body[0] if i == 1] or [1]
            reply = new_method_return(msg, "a(ia{sv})", ([(i, entry) for i in wanted],))
        elif member == "Event":
            if msg.body[1] == "clicked":
                self.clicked.append(msg.body[0])
            reply = new_method_return(msg)
        elif member == "EventGroup":
            self.clicked += [e[0] for e in msg.body[0] if e[1] == "clicked"]
            reply = new_method_return(msg, "ai", ([],))
        elif member == "AboutToShow":
            reply = new_method_return(msg, "b", (False,))
        elif member == "AboutToShowGroup":
            reply = new_method_return(msg, "aiai", ([], []))
        elif member in ("Activate", "SecondaryActivate", "ContextMenu", "Scroll",
                        "ProvideXdgActivationToken", "Ping"):
            reply = new_method_return(msg)
        else:
            reply = new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod")
        self._send(reply)


@pytest.fixture
def red_item(request: pytest.FixtureRequest) -> Iterator[RedSquareItem]:
    session: WaylandSession = request.getfixturevalue(request.param)
    # Registered by object path, as libappindicator does: by well-known name (as KDE's
    # KStatusNotifierItem does) Debian 12's AppIndicator extension drops about 1 item in 4
    # ("While initalizing proxy ...: Error: Argument two may not be null" in the shell's log:
    # its name watcher resets Id and Menu while the proxy starts); by path, 12 of 12 showed.
    item = RedSquareItem(session.address, register_as="path")
    try:
        yield item
    finally:
        item.close()
        # The watcher drops the item when its name goes; wait, so the next test starts clean.
        wait_until(lambda: not _ours(session, item), 5, 0.05)


def _ours(session: WaylandSession, item: RedSquareItem) -> list[SniItem]:
    owner = session.name_owner(item.name)
    names = (item.name, owner, item.conn.unique_name)
    return [i for i in session.sni_items() if i.service in names]


def _red_pixels(image: Any) -> list[tuple[int, int]]:
    """Where the (near-)pure red of our icon is in ``image``."""
    width, height = image.size
    data = image.load()
    return [(x, y) for y in range(height) for x in range(width)
            if data[x, y][0] > 200 and data[x, y][1] < 50 and data[x, y][2] < 50]


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


# -- without a session ------------------------------------------------------------------------


def test_the_shared_tool_is_found_from_this_checkout() -> None:
    shared = shared_dir()
    assert shared is not None and (shared / "tools" / "wayland-desktop").is_file()


def test_registered_entries_parse_to_service_and_path() -> None:
    assert SniItem.parse("org.kde.StatusNotifierItem-1-1") == SniItem(
        "org.kde.StatusNotifierItem-1-1", "/StatusNotifierItem", "org.kde.StatusNotifierItem-1-1")
    assert SniItem.parse(":1.23/StatusNotifierItem").service == ":1.23"
    assert SniItem.parse(":1.23/org/ayatana/NotificationItem/x").path == (
        "/org/ayatana/NotificationItem/x")
    assert SniItem.parse(":1.19@/StatusNotifierItem") == SniItem(
        ":1.19", "/StatusNotifierItem", ":1.19@/StatusNotifierItem")
    assert SniItem.parse("org.x.y@/a/b").path == "/a/b"


# -- GNOME ------------------------------------------------------------------------------------


def test_gnome_comes_up_with_a_tray_host(gnome: WaylandSession) -> None:
    for name in ("HOME", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "XAUTHORITY",
                 "WAYLAND_DISPLAY"):
        assert gnome.env.get(name), name
    assert gnome.env["HOME"].startswith(str(gnome.state))
    assert gnome.name_owner("org.gnome.Shell")
    assert gnome.name_owner(WATCHER)
    assert gnome.host_registered()
    # Commands run inside the session see its bus and display.
    assert gnome.run(["sh", "-c", "echo $DBUS_SESSION_BUS_ADDRESS"]).stdout.strip() == (
        gnome.address)
    gnome.run(["xdpyinfo"], timeout=10)


@pytest.mark.parametrize("red_item", ["gnome"], indirect=True)
def test_gnome_shows_our_item_in_the_top_bar(gnome: WaylandSession,
                                             red_item: RedSquareItem) -> None:
    t0 = time.monotonic()
    item = gnome.wait_for_item(5, lambda i: i.service in (red_item.name,
                                                          red_item.conn.unique_name))
    listed_after = time.monotonic() - t0
    assert gnome.item_properties(item)["Id"] == "traybreak-harness-test"
    layout = gnome.menu_layout(item)
    assert menu_outline(layout) == ["Harness entry"]
    assert layout["children"][0]["enabled"] is True
    gnome.menu_click_label(item, "Harness entry")
    assert red_item.clicked == [1]
    gnome.activate(item, 5, 5)
    assert gnome.about_to_show(item) is False
    # The top bar draws it: red pixels in the top-bar crop, not below it.
    red: list[tuple[int, int]] = []

    def drawn() -> bool:
        nonlocal red
        crop = gnome.crop_panel(gnome.shot(_artifact("gnome-shot.png")),
                                _artifact("gnome-topbar.png"))
        red = _red_pixels(crop)
        return len(red) >= 100

    assert wait_until(drawn, 10, 0.5), f"our red square is not in the top bar ({len(red)} px)"
    xs = [x for x, _ in red]
    assert min(xs) > 640, "tray icons sit on the right half of the top bar"
    print(f"GNOME: item listed after {listed_after:.2f} s, drawn after "
          f"{time.monotonic() - t0:.1f} s; the host called: "
          f"{gnome.host_calls(red_item.conn.unique_name, red_item.name)}")


def test_gnome_notifications_are_recorded(gnome: WaylandSession) -> None:
    mark = gnome.bus_log.mark()
    gnome.call("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
               "org.freedesktop.Notifications", "Notify", "susssasa{sv}i",
               ("harness", 0, "", "Time for a break", "Stand up and stretch", [], {}, 5000))
    assert wait_until(lambda: gnome.notifications(since=mark), 3)
    assert gnome.notifications(since=mark) == [
        ("harness", "Time for a break", "Stand up and stretch")]


@pytest.mark.parametrize("red_item", ["gnome"], indirect=True)
def test_gnome_extension_off_takes_the_watcher_away_and_on_brings_it_back(
        gnome: WaylandSession, red_item: RedSquareItem) -> None:
    ours = lambda i: i.service in (red_item.name, red_item.conn.unique_name)  # noqa: E731
    gnome.wait_for_item(5, ours)
    mark = gnome.bus_log.mark()
    owner = gnome.name_owner(WATCHER)
    t0 = time.monotonic()
    gnome.set_appindicator_extension(False)
    gone_after = time.monotonic() - t0
    assert gnome.name_owner(WATCHER) is None
    assert gnome.sni_items() == []
    t0 = time.monotonic()
    gnome.set_appindicator_extension(True)
    back_after = time.monotonic() - t0
    # The watcher lives inside gnome-shell: the same connection owns the name again.
    assert gnome.name_owner(WATCHER) == owner
    owners = [m.body for m in gnome.signals("NameOwnerChanged", since=mark)]
    assert (WATCHER, owner, "") in owners and (WATCHER, "", owner) in owners
    # Our item registers again when the watcher comes back (it watches the name).
    gnome.wait_for_item(5, ours)
    assert gnome.wait_signal("StatusNotifierItemRegistered", 5, since=mark)
    print(f"GNOME extension: watcher gone after {gone_after:.2f} s, back after "
          f"{back_after:.2f} s")


def test_a_start_that_times_out_stops_everything_and_says_why(tmp_path: Path) -> None:
    reason = skip_reason("gnome")
    if reason:
        pytest.skip(reason)
    session = WaylandSession("gnome", state_dir=tmp_path / "state", start_timeout=0.5)
    with pytest.raises(SessionStartError, match=r"did not start within 0.5 s"):
        session.start()
    assert not (tmp_path / "state" / "env").exists()
    assert session.leftover_pids() == []


def test_gnome_touch_resets_idle_time(gnome: WaylandSession) -> None:
    time.sleep(1.0)
    before = gnome.idle_ms()
    gnome.touch()
    after = gnome.idle_ms()
    assert before >= 900 and after < before


# -- KDE --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_kde_comes_up_with_a_tray_host(kde: WaylandSession) -> None:
    assert kde.env["WAYLAND_DISPLAY"] == "wayland-k0"
    assert kde.name_owner("org.kde.KWin")
    assert wait_until(kde.host_registered, 10, 0.1)


@pytest.mark.slow
@pytest.mark.parametrize("red_item", ["kde"], indirect=True)
def test_kde_shows_our_item_in_the_panel(kde: WaylandSession,
                                         red_item: RedSquareItem) -> None:
    t0 = time.monotonic()
    item = kde.wait_for_item(10, lambda i: i.service in (red_item.name,
                                                         red_item.conn.unique_name))
    listed_after = time.monotonic() - t0
    assert kde.item_properties(item)["Title"] == "Harness test item"
    assert menu_outline(kde.menu_layout(item)) == ["Harness entry"]
    red: list[tuple[int, int]] = []

    def drawn() -> bool:
        nonlocal red
        crop = kde.crop_panel(kde.shot(_artifact("kde-shot.png")), _artifact("kde-panel.png"))
        red = _red_pixels(crop)
        return len(red) >= 100

    assert wait_until(drawn, 20, 1.0), f"our red square is not in the panel ({len(red)} px)"
    assert min(x for x, _ in red) > 640, "the system tray sits on the right of the panel"
    print(f"KDE: item listed after {listed_after:.2f} s, drawn after "
          f"{time.monotonic() - t0:.1f} s; the host called: "
          f"{kde.host_calls(red_item.conn.unique_name, red_item.name)}")


@pytest.mark.slow
def test_kde_notifications_are_recorded(kde: WaylandSession) -> None:
    mark = kde.bus_log.mark()
    kde.call("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
             "org.freedesktop.Notifications", "Notify", "susssasa{sv}i",
             ("harness", 0, "", "Time for a break", "Stand up and stretch", [], {}, 5000),
             timeout=15)
    assert wait_until(lambda: kde.notifications(since=mark), 3)
    assert kde.notifications(since=mark)[0] == (
        "harness", "Time for a break", "Stand up and stretch")


@pytest.mark.slow
@pytest.mark.parametrize("red_item", ["kde"], indirect=True)
def test_kde_restarting_plasmashell_brings_the_host_back(
        kde: WaylandSession, red_item: RedSquareItem) -> None:
    ours = lambda i: i.service in (red_item.name, red_item.conn.unique_name)  # noqa: E731
    kde.wait_for_item(10, ours)
    t0 = time.monotonic()
    watcher = kde.name_owner(WATCHER)
    mark = kde.bus_log.mark()
    before, after = kde.restart_tray_host()
    assert before and after and before != after
    # kded5 keeps the watcher, and our registration with it: the new host just reads it.
    assert kde.name_owner(WATCHER) == watcher
    kde.wait_for_item(10, ours)
    names = (red_item.conn.unique_name, red_item.name)
    assert wait_until(lambda: kde.host_calls(*names, since=mark), 10)
    print(f"KDE: plasmashell restarted, the new host read our item after "
          f"{time.monotonic() - t0:.1f} s: {kde.host_calls(*names, since=mark)}")
