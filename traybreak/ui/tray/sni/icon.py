"""``SniIcon``: a pystray Icon that shows itself as a StatusNotifierItem with a dbusmenu menu,
spoken over the session bus with jeepney (pure Python: no GTK, no GLib main loop).

It plugs in where pystray's own backends do (``ui/tray/icon.py`` picks it for the "sni"
backend), so the view drives it like any pystray icon: ``icon``, ``title``, ``update_menu``,
``notify``, ``run``/``stop``.

With no tray host on the bus (GNOME without the AppIndicator extension, a bare compositor) the
icon still runs: it says once, in the log and in a notification, how to get an icon, and
registers as soon as a StatusNotifierWatcher appears, and again whenever one restarts.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from jeepney import HeaderFields
from pystray import Menu
from pystray._base import Icon

from traybreak.platform import notifications
from traybreak.platform.session_bus import session_bus_address
from traybreak.platform.tray.choice import WATCHER, WATCHER_PATH, no_tray_hint
from traybreak.ui.tray.looks import TrayLook, TrayState
from traybreak.ui.tray.sni import item as sni_item
from traybreak.ui.tray.sni import menu as sni_menu
from traybreak.ui.tray.sni.bus import BUS_NAME, BUS_PATH, BusLink
from traybreak.ui.tray.sni.pixmaps import Pixmap, image_pixmaps, look_pixmaps

log = logging.getLogger(__name__)

#: RequestName flag: fail rather than queue for a name someone else holds.
_DO_NOT_QUEUE = 4
#: A watcher may own its name a moment before it answers on its object (status-notifier-watcher
#: does: RegisterStatusNotifierItem fails with UnknownObject right after NameOwnerChanged), so a
#: refused registration is tried again after each of these pauses (s) before giving up.
REGISTER_RETRY_S = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
_OWNER_CHANGES = (f"type='signal',sender='{BUS_NAME}',interface='{BUS_NAME}',"
                  f"member='NameOwnerChanged',path='{BUS_PATH}',arg0='{WATCHER}'")


class SniIcon(Icon):  # type: ignore[misc]
    """A StatusNotifierItem tray icon; see the module docstring."""

    BACKEND = "sni"
    #: The view may pass a TrayLook as the picture: its pixmaps are pre-drawn (no Pillow).
    TAKES_LOOKS = True
    HAS_MENU = True
    HAS_NOTIFICATION = True

    def __init__(self, name: str, icon: Any = None, title: str | None = None, menu: Any = None,
                 *, env: Mapping[str, str] | None = None) -> None:
        super().__init__(name, icon, title, menu)
        env = os.environ if env is None else env
        self._address = session_bus_address(env)
        self._no_host_hint = no_tray_hint(env)
        self._bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        #: Called (on the bus thread) when a host is about to show the menu: the app brings
        #: what the menu shows up to date (start at login may have changed behind its back).
        self.on_menu_opening: Callable[[], None] = lambda: None
        self._link: BusLink | None = None
        self._stopped = threading.Event()
        self._state_lock = threading.Lock()
        self._showing = False
        self._watcher: bool | None = None   # None: not known yet
        self._told_no_host = False
        self._notification_id = 0
        self.registrations = 0  # how often the item was registered (watcher restarts add one)
        self._refusals = 0      # registrations refused since the watcher appeared
        self._retry: threading.Timer | None = None
        self._menu_object = sni_menu.DBusMenu(lambda: self.on_menu_opening())
        self._item = sni_item.StatusNotifierItem(
            name, sni_item.ItemLook(name, self._title, sni_item.ACTIVE, ()),
            on_activate=self._default_action, on_secondary=self._default_action,
            on_context_menu=self._default_action)

    # --- pystray's backend interface -------------------------------------------------------

    def stop(self) -> None:
        """End ``run`` (any thread), also while the icon still connects to the bus: pystray's
        own ``stop`` does nothing before the loop is ready, and ``run`` would never return."""
        self._stop()
        super().stop()

    def _run(self) -> None:
        self._thread = threading.current_thread()
        link = self._connect()
        if link is None:  # no session bus: run without an icon until stopped
            self._mark_ready()
            self._stopped.wait()
            return
        if self._stopped.is_set():  # stopped while connecting: serve returns at once
            link.stop()
        self._mark_ready()
        try:
            link.serve()
        finally:
            self._link = None
            link.close()

    def _stop(self) -> None:
        self._stopped.set()
        retry = self._retry
        if retry is not None:
            retry.cancel()
        link = self._link
        if link is not None:
            link.stop()

    def _show(self) -> None:
        with self._state_lock:
            self._showing = True
        # pystray sends a title set while the icon was hidden to no backend: take it now.
        self._send_item(self._item.show(hidden=False, tooltip=self._title))
        self._register_if_ready()

    def _hide(self) -> None:
        # An item cannot unregister; Passive is how SNI says "nothing to show" (hosts hide it).
        with self._state_lock:
            self._showing = False
        self._send_item(self._item.show(hidden=True))

    def _update_icon(self) -> None:
        picture = self._icon
        attention = isinstance(picture, TrayLook) and picture.state is TrayState.PROMPT
        self._send_item(self._item.show(
            pixmaps=_pixmaps_of(picture),
            status=sni_item.NEEDS_ATTENTION if attention else sni_item.ACTIVE))
        self._icon_valid = True

    def _update_title(self) -> None:
        self._send_item(self._item.show(tooltip=self._title))

    def _update_menu(self) -> None:
        root = sni_menu.lay_out(self._menu or (), self._run_item, Menu.SEPARATOR)
        change = self._menu_object.update(root)
        link = self._link
        if link is None:
            return
        if change.layout_updated is not None:
            link.emit(sni_menu.PATH, sni_menu.INTERFACE, "LayoutUpdated", "ui",
                      change.layout_updated)
        elif change.properties_updated is not None:
            link.emit(sni_menu.PATH, sni_menu.INTERFACE, "ItemsPropertiesUpdated",
                      "a(ia{sv})a(ias)", change.properties_updated)

    def _notify(self, message: str, title: str | None = None) -> None:
        link = self._link
        if link is None:
            log.info("no notification server to tell: %s", message)
            return
        body = notifications.notify_body(self.name, title or self.name, message,
                                         replaces_id=self._notification_id)
        link.call(notifications.SERVICE, notifications.PATH, notifications.INTERFACE, "Notify",
                  notifications.NOTIFY_SIGNATURE, body, on_reply=self._notified)

    def _remove_notification(self) -> None:
        link, ident = self._link, self._notification_id
        if link is not None and ident:
            link.call(notifications.SERVICE, notifications.PATH, notifications.INTERFACE,
                      "CloseNotification", "u", (ident,))

    def _run_detached(self) -> None:
        raise NotImplementedError("run the SNI icon with run() on the main thread")

    # --- the bus -------------------------------------------------------------------------

    def _connect(self) -> BusLink | None:
        if self._address is None:
            log.warning("no session bus (DBUS_SESSION_BUS_ADDRESS is not set): traybreak runs "
                        "without a tray icon; `traybreak panel` shows its menu")
            return None
        try:
            link = BusLink.open(self._address)
        except Exception as err:  # refused, timed out, a bad address: no icon, the app runs
            log.warning("cannot reach the session bus at %s (%s): traybreak runs without a tray "
                        "icon; `traybreak panel` shows its menu", self._address, err)
            return None
        link.objects.update({sni_item.PATH: self._item, sni_menu.PATH: self._menu_object})
        link.on_signal(self._on_signal)
        link.add_match(_OWNER_CHANGES)
        # A well-known name too, as the spec asks of items (hosts look items up by either).
        link.call(BUS_NAME, BUS_PATH, BUS_NAME, "RequestName", "su",
                  (self._bus_name, _DO_NOT_QUEUE))
        link.call(BUS_NAME, BUS_PATH, BUS_NAME, "NameHasOwner", "s", (WATCHER,),
                  on_reply=self._watcher_answer)
        self._link = link
        return link

    def _watcher_answer(self, reply: Any) -> None:
        self._watcher_now(bool(reply is not None and reply.body[0]))

    def _on_signal(self, msg: Any) -> None:
        if msg.header.fields.get(HeaderFields.member) != "NameOwnerChanged" or len(msg.body) != 3:
            return
        name, _old, new = msg.body
        if name == WATCHER:
            if new:
                log.info("a tray host is here (%s): showing the icon", new)
            else:
                log.info("the tray host went away: the icon is back when it returns")
            self._watcher_now(bool(new))

    def _watcher_now(self, present: bool) -> None:
        with self._state_lock:
            self._watcher = present
            self._refusals = 0
        if present:
            self._register_if_ready()
        else:
            self._tell_no_host()

    def _register_if_ready(self) -> None:
        with self._state_lock:
            ready = self._showing and self._watcher
        link = self._link
        if ready and link is not None:
            # By object path (the watcher takes our unique name as the service): GNOME's
            # AppIndicator extension lost 3 in 12 items registered by well-known name, whose
            # owner it looks up while building its proxy; by path, 12 in 12 showed.
            link.call(WATCHER, WATCHER_PATH, WATCHER, "RegisterStatusNotifierItem", "s",
                      (sni_item.PATH,), on_reply=self._registered)

    def _registered(self, reply: Any) -> None:
        if reply is None:
            with self._state_lock:
                attempt, self._refusals = self._refusals, self._refusals + 1
            if attempt < len(REGISTER_RETRY_S) and not self._stopped.is_set():
                log.debug("RegisterStatusNotifierItem failed: trying again")
                retry = self._retry = threading.Timer(REGISTER_RETRY_S[attempt],
                                                      self._register_if_ready)
                retry.daemon = True
                retry.start()
                return
            log.warning("the tray host refused the icon (RegisterStatusNotifierItem failed)")
            return
        with self._state_lock:
            self._refusals = 0
        self.registrations += 1
        log.info("tray icon registered with the StatusNotifierWatcher")

    def _tell_no_host(self) -> None:
        with self._state_lock:
            if self._told_no_host:
                return
            self._told_no_host = True
        log.warning("%s", self._no_host_hint, extra={"terminal": True})
        self._notify(self._no_host_hint, "traybreak is running without a tray icon")

    def _notified(self, reply: Any) -> None:
        if reply is not None and reply.body:
            self._notification_id = int(reply.body[0])

    def _send_item(self, signals: list[tuple[str, str | None, tuple[str, ...]]]) -> None:
        link = self._link
        if link is None:
            return
        for member, signature, body in signals:
            link.emit(sni_item.PATH, sni_item.INTERFACE, member, signature, body)

    # --- clicks ------------------------------------------------------------------------------

    def _default_action(self) -> None:
        # Off the bus thread: the action may start a window, and the bus must keep answering.
        threading.Thread(target=self, name="tray-click", daemon=True).start()

    def _run_item(self, menu_item: Any) -> None:
        threading.Thread(target=self._handler(menu_item), name="tray-menu", daemon=True).start()


def _pixmaps_of(picture: Any) -> tuple[Pixmap, ...]:
    if isinstance(picture, TrayLook):
        return look_pixmaps(picture)
    return image_pixmaps(picture) if picture is not None else ()
