"""The SNI icon on a real (private) D-Bus session bus, with the real status-notifier-watcher
(Debian: haskell-status-notifier-item-utils) and a panel played here with jeepney: it
registers, answers what a host reads and clicks, tells each change with its signal, comes back
when the watcher restarts, says once that there is no tray, and shrugs off hostile callers.
tests/e2e/test_tray_sni.py shows the same icon in a real tray host on a screen."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bus_fakes import private_bus
from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageFlag,
    MessageType,
    Properties,
    new_error,
    new_method_call,
    new_method_return,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from pystray import Menu, MenuItem

from traybreak.platform import notifications
from traybreak.ui.tray.looks import TrayLook, TrayState
from traybreak.ui.tray.sni import item as sni_item
from traybreak.ui.tray.sni import menu as sni_menu
from traybreak.ui.tray.sni.bus import AUTH_TIMEOUT_S, BusLink, Method, introspection_xml
from traybreak.ui.tray.sni.icon import SniIcon

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
WATCHER_PROGRAM = "status-notifier-watcher"
ITEM, MENU = sni_item.PATH, sni_menu.PATH
ITEM_IFACE, MENU_IFACE = sni_item.INTERFACE, sni_menu.INTERFACE
PROPS_IFACE = "org.freedesktop.DBus.Properties"
SOON_S = 2.0


def wait_until(check: Callable[[], Any], timeout: float = SOON_S, what: str = "") -> Any:
    end = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            raise AssertionError(f"not within {timeout} s: {what or check}")
        time.sleep(0.01)


# --- the bus, the watcher, a panel ------------------------------------------------------------

@pytest.fixture
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private session bus (its address); ended after the test."""
    with private_bus(tmp_path_factory.mktemp("bus")) as address:
        yield address


class Panel:
    """What a tray host asks of the bus, the watcher and the item (jeepney, blocking)."""

    def __init__(self, address: str) -> None:
        self.conn: DBusConnection = open_dbus_connection(address)

    def close(self) -> None:
        self.conn.close()

    def call(self, destination: str, path: str, interface: str | None, member: str,
             signature: str | None = None, body: tuple[Any, ...] = ()) -> Message:
        msg = new_method_call(DBusAddress(path, destination, interface), member, signature, body)
        return self.conn.send_and_get_reply(msg, timeout=SOON_S)

    def ask(self, destination: str, path: str, interface: str | None, member: str,
            signature: str | None = None, body: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        """The reply's body; fails on an error reply."""
        reply = self.call(destination, path, interface, member, signature, body)
        assert reply.header.message_type is MessageType.method_return, reply.body
        return tuple(reply.body)

    def error(self, destination: str, path: str, interface: str | None, member: str,
              signature: str | None = None, body: tuple[Any, ...] = ()) -> str:
        """The error name the call is answered with; fails on a normal reply."""
        reply = self.call(destination, path, interface, member, signature, body)
        assert reply.header.message_type is MessageType.error, reply.body
        return str(reply.header.fields[HeaderFields.error_name])

    def has_owner(self, name: str) -> bool:
        return bool(self.conn.send_and_get_reply(message_bus.NameHasOwner(name),
                                                 timeout=SOON_S).body[0])

    def registered(self) -> list[str]:
        """The items the watcher lists."""
        if not self.has_owner(WATCHER):
            return []
        watcher = DBusAddress(WATCHER_PATH, WATCHER, WATCHER)
        reply = self.conn.send_and_get_reply(Properties(watcher).get(
            "RegisteredStatusNotifierItems"), timeout=SOON_S)
        return list(reply.body[0][1]) if reply.header.message_type is \
            MessageType.method_return else []

    def lists(self, name: str) -> bool:
        """Whether the watcher lists the item whose app owns ``name`` (items register by object
        path, so the watcher names them by the app's unique name)."""
        if not self.has_owner(name):
            return False
        owner = self.conn.send_and_get_reply(message_bus.GetNameOwner(name),
                                             timeout=SOON_S).body[0]
        return any(entry.split("/")[0].split("@")[0] in (name, owner)
                   for entry in self.registered())

    def item_props(self, name: str) -> dict[str, Any]:
        (props,) = self.ask(name, ITEM, PROPS_IFACE, "GetAll", "s", (ITEM_IFACE,))
        return {key: value for key, (_, value) in props.items()}

    def layout(self, name: str, parent: int = 0, depth: int = -1,
               names: tuple[str, ...] = ()) -> tuple[int, Any]:
        revision, layout = self.ask(name, MENU, MENU_IFACE, "GetLayout", "iias",
                                    (parent, depth, list(names)))
        return revision, layout

    def signals(self, interface: str, member: str) -> deque[Message]:
        """From now on, collect these signals (read them with ``next_signal``)."""
        rule = MatchRule(type="signal", interface=interface, member=member)
        queue: deque[Message] = deque()
        self.conn.filter(rule, queue=queue)
        self.conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=SOON_S)
        return queue

    def next_signal(self, queue: deque[Message], timeout: float = SOON_S) -> Message:
        return self.conn.recv_until_filtered(queue, timeout=timeout)

    def no_signal(self, queue: deque[Message], wait: float = 0.2) -> None:
        try:
            msg = self.conn.recv_until_filtered(queue, timeout=wait)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected signal {msg.header.fields} {msg.body}")


@pytest.fixture
def panel(bus: str) -> Iterator[Panel]:
    p = Panel(bus)
    yield p
    p.close()


class Watcher:
    """The real status-notifier-watcher on the test's bus: start, stop, start again."""

    def __init__(self, address: str, panel: Panel) -> None:
        self.address, self.panel = address, panel
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.address}
        self.proc = subprocess.Popen([WATCHER_PROGRAM], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_until(lambda: self.panel.has_owner(WATCHER), 5, "the watcher owns its name")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
            self.proc = None
            wait_until(lambda: not self.panel.has_owner(WATCHER), what="the watcher is gone")


@pytest.fixture
def watcher_program(bus: str, panel: Panel) -> Iterator[Watcher]:
    """The watcher, not yet started."""
    if shutil.which(WATCHER_PROGRAM) is None:
        pytest.skip(f"SNI BUS TESTS SKIPPED: no {WATCHER_PROGRAM} "
                    "(apt-get install haskell-status-notifier-item-utils)")
    w = Watcher(bus, panel)
    yield w
    w.stop()


@pytest.fixture
def watcher(watcher_program: Watcher) -> Watcher:
    """The watcher, running."""
    watcher_program.start()
    return watcher_program


class StandIn:
    """A service played here: owns ``name`` and answers each method call with ``answer``,
    recording (sender, member, body) of each."""

    def __init__(self, address: str, name: str) -> None:
        self.conn = open_dbus_connection(address)
        reply = self.conn.send_and_get_reply(message_bus.RequestName(name, 4), timeout=SOON_S)
        assert reply.body == (1,), reply.body   # the primary owner
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    @property
    def members(self) -> list[str]:
        return [member for _, member, _ in self.calls]

    def answer(self, msg: Message) -> Message:
        return new_method_return(msg)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type is not MessageType.method_call:
                continue
            fields = msg.header.fields
            self.calls.append((fields[HeaderFields.sender], fields[HeaderFields.member],
                               tuple(msg.body)))
            self.conn.send(self.answer(msg))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.conn.close()


class NotificationServer(StandIn):
    """A stand-in org.freedesktop.Notifications (Notify answers 42)."""

    def __init__(self, address: str) -> None:
        super().__init__(address, notifications.SERVICE)

    def answer(self, msg: Message) -> Message:
        if msg.header.fields[HeaderFields.member] == "Notify":
            return new_method_return(msg, "u", (42,))
        return new_method_return(msg)


class RefusingWatcher(StandIn):
    """A StatusNotifierWatcher that owns its name but answers the first ``refusals``
    registrations as one that has not exported its object yet (UnknownObject)."""

    def __init__(self, address: str, refusals: int) -> None:
        self.refusals = refusals
        super().__init__(address, WATCHER)

    def answer(self, msg: Message) -> Message:
        if msg.header.fields[HeaderFields.member] != "RegisterStatusNotifierItem":
            return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod")
        if self.refusals > 0:
            self.refusals -= 1
            return new_error(msg, "org.freedesktop.DBus.Error.UnknownObject")
        return new_method_return(msg)


@pytest.fixture
def notification_server(bus: str) -> Iterator[NotificationServer]:
    server = NotificationServer(bus)
    yield server
    server.close()


# --- the icon ---------------------------------------------------------------------------------

class App:
    """The menu the icon shows (like the view's), and what its clicks did."""

    def __init__(self) -> None:
        self.next_break = "Next break in 5 min"
        self.login = True
        self.ran: list[str] = []
        self.done = threading.Event()

    def runs(self, name: str) -> Callable[[], None]:
        def action() -> None:
            self.ran.append(name)
            self.done.set()
        return action

    def menu(self) -> Menu:
        return Menu(
            MenuItem("traybreak", self.runs("default"), default=True, visible=False),
            MenuItem(lambda _item: self.next_break, None, enabled=False),
            Menu.SEPARATOR,
            MenuItem("Take a break now", self.runs("break")),
            MenuItem("Pause", Menu(MenuItem("For 30 minutes", self.runs("pause 30")))),
            MenuItem("Start at login", self.runs("login"), checked=lambda _item: self.login),
            MenuItem("Quit", self.runs("quit")),
        )


class RunningIcon:
    """A real SniIcon run as the app runs it (icon.run(setup)), here on a plain thread."""

    def __init__(self, env: dict[str, str], app: App | None = None) -> None:
        self.app = app or App()
        self.icon = SniIcon("traybreak", TrayLook(TrayState.ACTIVE, 3), self.app.next_break,
                            self.app.menu(), env=env)
        self.shown = threading.Event()
        self.thread = threading.Thread(target=self.icon.run, args=(self._setup,),
                                       name="sni-icon", daemon=True)

    def _setup(self, icon: Any) -> None:
        icon.visible = True
        self.shown.set()

    @property
    def name(self) -> str:
        """The bus name the spec asks items to own: org.kde.StatusNotifierItem-PID-ID."""
        return f"org.kde.StatusNotifierItem-{os.getpid()}-1"

    def start(self) -> RunningIcon:
        self.thread.start()
        assert self.shown.wait(SOON_S), "the icon's setup never ran"
        return self

    def stop(self) -> float:
        """Stop it; how long run() took to return."""
        began = time.monotonic()
        self.icon.stop()
        self.thread.join(5)
        assert not self.thread.is_alive(), "run() did not return after stop()"
        return time.monotonic() - began


@pytest.fixture
def start_icon(bus: str) -> Iterator[Callable[..., RunningIcon]]:
    """Start an SniIcon on the test's bus (or with the env given); stopped after the test."""
    started: list[RunningIcon] = []

    def start(env: dict[str, str] | None = None, app: App | None = None,
              before: Callable[[SniIcon], None] = lambda _icon: None) -> RunningIcon:
        icon = RunningIcon({"DBUS_SESSION_BUS_ADDRESS": bus} if env is None else env, app)
        started.append(icon)
        before(icon.icon)
        return icon.start()

    yield start
    for icon in started:
        if icon.thread.is_alive():
            icon.stop()


@pytest.fixture
def shown(watcher: Watcher, panel: Panel, start_icon: Callable[..., RunningIcon]) -> RunningIcon:
    """An icon registered with the real watcher."""
    icon = start_icon()
    wait_until(lambda: panel.lists(icon.name), what="the icon registers")
    return icon


def find(layout: Any, label: str) -> int:
    """The id of the item labelled ``label`` in a GetLayout tree."""
    ident, props, children = layout
    if props.get("label", ("s", ""))[1] == label:
        return int(ident)
    for _, child in children:
        try:
            return find(child, label)
        except KeyError:
            continue
    raise KeyError(label)


# --- registering ------------------------------------------------------------------------------

def test_the_icon_registers_with_the_watcher(watcher: Watcher, panel: Panel,
                                             start_icon: Callable[..., RunningIcon]) -> None:
    began = time.monotonic()
    icon = start_icon()
    wait_until(lambda: panel.lists(icon.name), what="the icon registers")
    assert time.monotonic() - began < SOON_S
    assert panel.has_owner(icon.name)
    wait_until(lambda: icon.icon.registrations == 1)


def test_the_icon_registers_again_when_the_watcher_restarts(watcher: Watcher, panel: Panel,
                                                            shown: RunningIcon) -> None:
    wait_until(lambda: shown.icon.registrations == 1)
    watcher.stop()
    watcher.start()
    began = time.monotonic()
    wait_until(lambda: panel.lists(shown.name), what="registered again")
    assert time.monotonic() - began < SOON_S
    wait_until(lambda: shown.icon.registrations == 2)


def test_without_a_watcher_it_says_so_once_then_registers_when_one_comes(
        watcher_program: Watcher, panel: Panel, notification_server: NotificationServer,
        start_icon: Callable[..., RunningIcon]) -> None:
    icon = start_icon()
    wait_until(lambda: notification_server.calls, what="a notification")
    ((_, member, body),) = notification_server.calls
    assert member == "Notify"
    app_name, replaces, icon_name, summary, text, actions, hints, timeout = body
    assert (app_name, replaces, icon_name, actions, hints, timeout) == ("traybreak", 0, "", [],
                                                                        {}, -1)
    assert summary == "traybreak is running without a tray icon"
    assert text.startswith("No tray icon:") and "traybreak panel" in text
    assert icon.icon.registrations == 0 and panel.registered() == []

    watcher_program.start()
    wait_until(lambda: panel.lists(icon.name), what="registered once a watcher came")
    time.sleep(0.1)
    assert notification_server.members == ["Notify"]   # told once, not again


def test_a_refused_registration_is_tried_again(
        bus: str, panel: Panel, start_icon: Callable[..., RunningIcon]) -> None:
    watcher = RefusingWatcher(bus, refusals=3)
    try:
        icon = start_icon()
        wait_until(lambda: icon.icon.registrations == 1, what="registered at the 4th try")
        assert watcher.members == ["RegisterStatusNotifierItem"] * 4
        # Each time from the icon's own connection (which owns the well-known name), by path.
        (sender,) = {sender for sender, _, _ in watcher.calls}
        assert {body for _, _, body in watcher.calls} == {("/StatusNotifierItem",)}
        assert panel.ask("org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "GetNameOwner", "s", (icon.name,)) == (sender,)
    finally:
        watcher.close()


def test_a_notification_to_nobody_does_not_stop_the_icon(
        watcher_program: Watcher, panel: Panel,
        start_icon: Callable[..., RunningIcon]) -> None:
    icon = start_icon()   # no watcher, no notification server: the Notify call fails
    time.sleep(0.1)
    watcher_program.start()
    wait_until(lambda: panel.lists(icon.name), what="registered once a watcher came")


def test_hiding_the_icon_makes_it_passive(panel: Panel, shown: RunningIcon) -> None:
    # An item cannot unregister: Passive is SNI's "hide me" (KDE and GNOME hide such items).
    shown.icon.visible = False
    wait_until(lambda: panel.item_props(shown.name)["Status"] == "Passive",
               what="the item turns Passive")
    shown.icon.visible = True
    wait_until(lambda: panel.item_props(shown.name)["Status"] == "Active",
               what="the item is Active again")
    assert panel.lists(shown.name)


# --- what a host reads ------------------------------------------------------------------------

def test_a_host_reads_the_items_properties(panel: Panel, shown: RunningIcon) -> None:
    props = panel.item_props(shown.name)
    sizes = [(w, h, len(data)) for w, h, data in props["IconPixmap"]]
    assert sizes == [(s, s, s * s * 4) for s in (16, 22, 24, 32, 48, 64)]
    assert props["Status"] == "Active"
    assert props["ItemIsMenu"] is False
    assert props["Menu"] == "/MenuBar"
    assert props["ToolTip"] == ("", [], "traybreak", "Next break in 5 min")
    assert props["Id"] == "traybreak"
    (tooltip,) = panel.ask(shown.name, ITEM, PROPS_IFACE, "Get", "ss", (ITEM_IFACE, "ToolTip"))
    assert tooltip == ("(sa(iiay)ss)", ("", [], "traybreak", "Next break in 5 min"))


def test_a_host_reads_the_menu(panel: Panel, shown: RunningIcon) -> None:
    revision, layout = panel.layout(shown.name)
    assert revision >= 2
    ident, props, children = layout
    assert (ident, props) == (0, {"children-display": ("s", "submenu")})
    labels = [(child[1].get("label", ("s", "-"))[1], child[1].get("enabled", ("b", True))[1])
              for _, child in children]
    assert labels == [("Next break in 5 min", False), ("-", True), ("Take a break now", True),
                      ("Pause", True), ("Start at login", True), ("Quit", True)]
    pause = children[3][1]
    assert [c[1]["label"] for _, c in pause[2]] == [("s", "For 30 minutes")]
    login = children[4][1][1]
    assert (login["toggle-type"], login["toggle-state"]) == (("s", "checkmark"), ("i", 1))
    (version,) = panel.ask(shown.name, MENU, PROPS_IFACE, "Get", "ss", (MENU_IFACE, "Version"))
    assert version == ("u", 3)


def test_a_click_in_the_menu_runs_the_items_action(panel: Panel, shown: RunningIcon) -> None:
    _, layout = panel.layout(shown.name)
    ident = find(layout, "For 30 minutes")
    assert panel.ask(shown.name, MENU, MENU_IFACE, "Event", "isvu",
                     (ident, "clicked", ("i", 0), 0)) == ()
    assert shown.app.done.wait(SOON_S)
    assert shown.app.ran == ["pause 30"]


def test_a_left_click_runs_the_default_item(panel: Panel, shown: RunningIcon) -> None:
    assert panel.ask(shown.name, ITEM, ITEM_IFACE, "Activate", "ii", (5, 5)) == ()
    assert shown.app.done.wait(SOON_S)
    assert shown.app.ran == ["default"]


def test_about_to_show_lets_the_app_refresh_first(panel: Panel, shown: RunningIcon) -> None:
    def opening() -> None:
        shown.app.next_break = "Next break in 1 min"
        shown.icon.update_menu()

    shown.icon.on_menu_opening = opening
    assert panel.ask(shown.name, MENU, MENU_IFACE, "AboutToShow", "i", (0,)) == (True,)
    _, layout = panel.layout(shown.name, 1, 0, ("label",))
    assert layout == (1, {"label": ("s", "Next break in 1 min")}, [])
    assert panel.ask(shown.name, MENU, MENU_IFACE, "AboutToShow", "i", (0,)) == (False,)


# --- what a host is told ----------------------------------------------------------------------

def test_a_title_set_before_the_icon_shows_is_its_tooltip(
        watcher: Watcher, panel: Panel, start_icon: Callable[..., RunningIcon]) -> None:
    def retitle(icon: SniIcon) -> None:
        icon.title = "Next break in 3 min"   # the view's refresh may come before the setup

    icon = start_icon(before=retitle)
    wait_until(lambda: panel.lists(icon.name), what="the icon registers")
    assert panel.item_props(icon.name)["ToolTip"] == ("", [], "traybreak", "Next break in 3 min")


def test_a_new_title_is_told_and_readable(panel: Panel, shown: RunningIcon) -> None:
    told = panel.signals(ITEM_IFACE, "NewToolTip")
    shown.icon.title = "Next break in 4 min"
    panel.next_signal(told)
    assert panel.item_props(shown.name)["ToolTip"] == ("", [], "traybreak",
                                                       "Next break in 4 min")


def test_the_prompt_look_needs_attention(panel: Panel, shown: RunningIcon) -> None:
    status = panel.signals(ITEM_IFACE, "NewStatus")
    icon_told = panel.signals(ITEM_IFACE, "NewIcon")
    before = panel.item_props(shown.name)["IconPixmap"]
    shown.icon.icon = TrayLook(TrayState.PROMPT)
    assert panel.next_signal(status).body == ("NeedsAttention",)
    panel.next_signal(icon_told)
    props = panel.item_props(shown.name)
    assert props["Status"] == "NeedsAttention"
    assert props["IconPixmap"] != before
    assert props["AttentionIconPixmap"] == props["IconPixmap"]
    shown.icon.icon = TrayLook(TrayState.ACTIVE, 3)
    assert panel.next_signal(status).body == ("Active",)
    assert panel.item_props(shown.name)["AttentionIconPixmap"] == []
    assert panel.item_props(shown.name)["IconPixmap"] == before


def test_the_same_look_again_is_not_told(panel: Panel, shown: RunningIcon) -> None:
    told = panel.signals(ITEM_IFACE, "NewIcon")
    shown.icon.icon = TrayLook(TrayState.ACTIVE, 3)
    panel.no_signal(told)


def test_a_new_label_is_told_as_new_properties(panel: Panel, shown: RunningIcon) -> None:
    told = panel.signals(MENU_IFACE, "ItemsPropertiesUpdated")
    layout_told = panel.signals(MENU_IFACE, "LayoutUpdated")
    revision, layout = panel.layout(shown.name)
    ident = find(layout, "Next break in 5 min")
    shown.app.next_break = "Next break in 4 min"
    shown.icon.update_menu()
    assert panel.next_signal(told).body == ([(ident, {"label": ("s", "Next break in 4 min")})],
                                            [])
    panel.no_signal(layout_told, 0.05)
    new_revision, layout = panel.layout(shown.name)
    assert new_revision == revision + 1 and find(layout, "Next break in 4 min") == ident


def test_a_new_menu_is_told_as_a_new_layout(panel: Panel, shown: RunningIcon) -> None:
    told = panel.signals(MENU_IFACE, "LayoutUpdated")
    revision, _ = panel.layout(shown.name)
    shown.icon.menu = Menu(MenuItem("Quit", shown.app.runs("quit")))
    assert panel.next_signal(told).body == (revision + 1, 0)
    _, (_, _, children) = panel.layout(shown.name)
    assert [c[1]["label"] for _, c in children] == [("s", "Quit")]


# --- running and stopping ---------------------------------------------------------------------

def test_stop_ends_run_within_a_second(shown: RunningIcon, panel: Panel) -> None:
    assert shown.stop() < 1.0
    wait_until(lambda: not panel.has_owner(shown.name), what="the icon left the bus")


def test_without_a_bus_the_icon_runs_until_stopped(
        start_icon: Callable[..., RunningIcon]) -> None:
    icon = start_icon(env={})
    assert icon.thread.is_alive()
    icon.icon.title = "still fine"
    icon.icon.icon = TrayLook(TrayState.PROMPT)
    icon.icon.update_menu()
    icon.icon.notify("nobody to tell")
    assert icon.stop() < 1.0


def test_with_a_bus_that_is_not_there_the_icon_runs_until_stopped(
        start_icon: Callable[..., RunningIcon], tmp_path: Path) -> None:
    icon = start_icon(env={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"})
    assert icon.thread.is_alive()
    assert icon.stop() < 1.0


def test_a_stop_while_the_icon_connects_ends_run(tmp_path: Path) -> None:
    silent = socket.socket(socket.AF_UNIX)   # a bus that takes the connection, never answers
    silent.bind(str(tmp_path / "silent"))
    silent.listen(1)
    try:
        icon = SniIcon("traybreak", TrayLook(TrayState.ACTIVE), "x", None,
                       env={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/silent"})
        thread = threading.Thread(target=icon.run, daemon=True)
        thread.start()
        time.sleep(0.1)   # run() is in the connect, which gives up after AUTH_TIMEOUT_S
        began = time.monotonic()
        icon.stop()
        thread.join(AUTH_TIMEOUT_S + 1)
        assert not thread.is_alive(), "a stop while connecting was lost: run() never returns"
        assert time.monotonic() - began < AUTH_TIMEOUT_S + 0.5
    finally:
        silent.close()


def test_the_icon_runs_off_the_main_thread(shown: RunningIcon) -> None:
    assert shown.thread is not threading.main_thread() and shown.thread.is_alive()


# --- hostile callers --------------------------------------------------------------------------

def still_answers(panel: Panel, icon: RunningIcon) -> None:
    assert panel.item_props(icon.name)["Status"] == "Active"
    assert panel.layout(icon.name)[1][0] == 0


@pytest.mark.parametrize(("call", "error"), [
    ((MENU, MENU_IFACE, "GetLayout", "ii", (0, -1)), "InvalidArgs"),
    ((MENU, MENU_IFACE, "GetLayout", "iias", (99, -1, [])), "InvalidArgs"),
    ((MENU, MENU_IFACE, "Event", "isvu", (99, "clicked", ("i", 0), 0)), "InvalidArgs"),
    (("/Nope", ITEM_IFACE, "Activate", "ii", (0, 0)), "UnknownObject"),
    ((ITEM, ITEM_IFACE, "Explode", None, ()), "UnknownMethod"),
    ((ITEM, MENU_IFACE, "GetLayout", "iias", (0, -1, [])), "UnknownMethod"),
    ((ITEM, PROPS_IFACE, "Set", "ssv", (ITEM_IFACE, "Status", ("s", "Passive"))),
     "PropertyReadOnly"),
    ((ITEM, PROPS_IFACE, "Get", "ss", (ITEM_IFACE, "Nope")), "UnknownProperty"),
    ((ITEM, PROPS_IFACE, "Get", "s", (ITEM_IFACE,)), "InvalidArgs"),
    ((ITEM, PROPS_IFACE, "GetAll", None, ()), "InvalidArgs"),
    ((ITEM, PROPS_IFACE, "Frob", None, ()), "UnknownMethod"),
])
def test_a_bad_call_gets_an_error_and_the_icon_carries_on(
        panel: Panel, shown: RunningIcon, call: tuple[Any, ...], error: str) -> None:
    path, interface, member, signature, body = call
    assert panel.error(shown.name, path, interface, member, signature, body) == \
        f"org.freedesktop.DBus.Error.{error}"
    still_answers(panel, shown)
    assert shown.app.ran == []


def test_introspection_and_ping_are_answered(panel: Panel, shown: RunningIcon) -> None:
    (xml,) = panel.ask(shown.name, ITEM, "org.freedesktop.DBus.Introspectable", "Introspect")
    assert f'<interface name="{ITEM_IFACE}">' in xml
    (xml,) = panel.ask(shown.name, MENU, "org.freedesktop.DBus.Introspectable", "Introspect")
    assert f'<interface name="{MENU_IFACE}">' in xml
    assert panel.ask(shown.name, "/", "org.freedesktop.DBus.Peer", "Ping") == ()


def test_a_call_without_an_interface_finds_the_method(panel: Panel, shown: RunningIcon) -> None:
    _, layout = panel.ask(shown.name, MENU, None, "GetLayout", "iias", (0, 0, []))
    assert layout == (0, {"children-display": ("s", "submenu")}, [])


def test_a_caller_that_leaves_before_the_reply(bus: str, panel: Panel,
                                               shown: RunningIcon) -> None:
    for _ in range(3):
        rude = open_dbus_connection(bus)
        address = DBusAddress(MENU, shown.name, MENU_IFACE)
        for _ in range(20):
            rude.send(new_method_call(address, "GetLayout", "iias", (0, -1, [])))
        rude.close()
    still_answers(panel, shown)


def test_a_call_that_wants_no_reply_gets_none(bus: str, panel: Panel,
                                              shown: RunningIcon) -> None:
    quiet = open_dbus_connection(bus)
    try:
        msg = new_method_call(DBusAddress(MENU, shown.name, MENU_IFACE), "GetLayout", "iias",
                              (0, -1, []))
        msg.header.flags |= MessageFlag.no_reply_expected
        quiet.send(msg)
        end = time.monotonic() + 0.3
        while (left := end - time.monotonic()) > 0:
            try:
                got = quiet.receive(timeout=left)
            except TimeoutError:
                break
            # The bus's own NameAcquired may come; a reply must not.
            assert got.header.message_type is MessageType.signal, got
    finally:
        quiet.close()
    still_answers(panel, shown)


# --- BusLink itself ---------------------------------------------------------------------------

class Echo:
    """An exported object with one method that echoes, one that fails, and one property."""

    interface = "org.example.Echo"

    def __init__(self) -> None:
        self.methods = {"Echo": Method("s", lambda text: ("s", (text,))),
                        "Break": Method("", self._break),
                        "Bad": Method("", lambda: ("u", ("not a number",)))}

    @staticmethod
    def _break() -> tuple[str | None, tuple[Any, ...]]:
        raise RuntimeError("boom")

    def properties(self) -> dict[str, tuple[str, Any]]:
        return {"Answer": ("u", 42)}

    def introspection(self) -> str:
        return introspection_xml(f'<interface name="{self.interface}"/>')


@pytest.fixture
def served(bus: str) -> Iterator[BusLink]:
    link = BusLink.open(bus)
    link.objects["/echo"] = Echo()
    thread = threading.Thread(target=link.serve, daemon=True)
    thread.start()
    yield link
    link.stop()
    thread.join(2)
    assert not thread.is_alive()
    link.close()


def test_a_link_answers_calls_and_errors(panel: Panel, served: BusLink) -> None:
    name = served.unique_name
    assert name.startswith(":")
    assert panel.ask(name, "/echo", Echo.interface, "Echo", "s", ("hi",)) == ("hi",)
    assert panel.ask(name, "/echo", PROPS_IFACE, "GetAll", "s", ("",)) == ({"Answer": ("u", 42)},)
    assert panel.ask(name, "/echo", PROPS_IFACE, "GetAll", "s", ("org.other",)) == ({},)
    assert panel.ask(name, "/echo", PROPS_IFACE, "Get", "ss", (Echo.interface, "Answer")) == \
        (("u", 42),)
    assert panel.error(name, "/echo", Echo.interface, "Echo", "i", (1,)) == \
        "org.freedesktop.DBus.Error.InvalidArgs"
    assert panel.error(name, "/echo", Echo.interface, "Break") == \
        "org.freedesktop.DBus.Error.Failed"
    assert panel.ask(name, "/echo", Echo.interface, "Echo", "s", ("still here",)) == \
        ("still here",)


def test_a_reply_that_cannot_be_written_leaves_the_link_serving(panel: Panel,
                                                                served: BusLink) -> None:
    name = served.unique_name
    reply = panel.call(name, "/echo", Echo.interface, "Bad")
    # jeepney cannot write "u" from a str: the caller gets an error, not a wait for nothing.
    assert reply.header.message_type is MessageType.error
    assert reply.header.fields[HeaderFields.error_name] == "org.freedesktop.DBus.Error.Failed"
    assert panel.ask(name, "/echo", Echo.interface, "Echo", "s", ("after",)) == ("after",)


def test_a_links_own_calls_get_their_replies(served: BusLink) -> None:
    answers: list[Any] = []
    got = threading.Event()

    def on_reply(msg: Message | None) -> None:
        answers.append(None if msg is None else msg.body)
        if len(answers) == 2:
            got.set()

    served.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "NameHasOwner", "s", ("org.freedesktop.DBus",), on_reply=on_reply)
    served.call("org.nobody.Here", "/", "org.nobody.Here", "Hello", on_reply=on_reply)
    assert got.wait(SOON_S)
    assert answers == [(True,), None]


def test_a_link_sees_the_signals_it_asks_for(bus: str, served: BusLink) -> None:
    seen: list[Any] = []
    got = threading.Event()

    def on_signal(msg: Message) -> None:
        member = msg.header.fields.get(HeaderFields.member)
        if member == "NameOwnerChanged" and msg.body[0] == "org.example.X":
            seen.append(msg.body)
            got.set()

    served.on_signal(on_signal)
    served.add_match("type='signal',interface='org.freedesktop.DBus',"
                     "member='NameOwnerChanged',arg0='org.example.X'")
    owner = open_dbus_connection(bus)
    try:
        time.sleep(0.05)   # the AddMatch is on its way first
        owner.send_and_get_reply(message_bus.RequestName("org.example.X"), timeout=SOON_S)
        assert got.wait(SOON_S)
        assert seen == [("org.example.X", "", owner.unique_name)]
    finally:
        owner.close()


def test_a_stray_error_reply_is_ignored(panel: Panel, served: BusLink) -> None:
    # A reply sent to the link for a serial it never used must be ignored, not crash the loop.
    stray = new_error(new_method_call(DBusAddress("/x", served.unique_name, "a.b"), "M"),
                      "org.example.Error")
    stray.header.fields[HeaderFields.destination] = served.unique_name
    stray.header.fields[HeaderFields.reply_serial] = 9999
    panel.conn.send(stray)
    assert panel.ask(served.unique_name, "/echo", Echo.interface, "Echo", "s", ("ok",)) == \
        ("ok",)
