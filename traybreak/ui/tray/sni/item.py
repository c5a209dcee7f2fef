"""The exported ``/StatusNotifierItem`` object (org.kde.StatusNotifierItem, the interface KDE,
the GNOME AppIndicator extension, XFCE, MATE, Cinnamon and waybar host): what the panel draws
and the clicks it sends back.

Properties are read by hosts when the item registers and again after each ``New*`` signal, so
a change is a new value here plus the signal that tells of it (see ``SniIcon``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from traybreak.ui.tray.sni.bus import Method, Reply, Variant, introspection_xml
from traybreak.ui.tray.sni.menu import PATH as MENU_PATH
from traybreak.ui.tray.sni.pixmaps import Pixmap

INTERFACE = "org.kde.StatusNotifierItem"
PATH = "/StatusNotifierItem"
_ITEM_XML = f"""<interface name="{INTERFACE}">
  <property name="Category" type="s" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="OverlayIconName" type="s" access="read"/>
  <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionIconName" type="s" access="read"/>
  <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionMovieName" type="s" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <property name="IconThemePath" type="s" access="read"/>
  <method name="ContextMenu"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="Activate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg type="i" direction="in"/>
   <arg type="i" direction="in"/></method>
  <method name="Scroll"><arg type="i" direction="in"/><arg type="s" direction="in"/></method>
  <signal name="NewTitle"/>
  <signal name="NewIcon"/>
  <signal name="NewAttentionIcon"/>
  <signal name="NewOverlayIcon"/>
  <signal name="NewToolTip"/>
  <signal name="NewStatus"><arg type="s"/></signal>
 </interface>"""

ACTIVE = "Active"
NEEDS_ATTENTION = "NeedsAttention"
PASSIVE = "Passive"


@dataclass(frozen=True)
class ItemLook:
    """Everything a host draws for the item."""

    title: str
    tooltip: str
    status: str
    pixmaps: tuple[Pixmap, ...]
    hidden: bool = False   # shown as Passive, whatever the status

    @property
    def shown_status(self) -> str:
        """The Status property: Passive while hidden."""
        return PASSIVE if self.hidden else self.status


def signals_between(old: ItemLook, new: ItemLook) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """The signals (member, signature, body) that tell hosts of the step from ``old`` to
    ``new``. The attention icon (the same pixels) is announced only while attention is needed
    or as it starts: GNOME reads each announced icon back, and the countdown's look changes
    every few minutes while no prompt waits."""
    signals: list[tuple[str, str | None, tuple[str, ...]]] = []
    attention = new.status == NEEDS_ATTENTION
    if old.pixmaps != new.pixmaps:
        signals.append(("NewIcon", None, ()))
    if attention and (old.pixmaps != new.pixmaps or old.status != new.status):
        signals.append(("NewAttentionIcon", None, ()))
    if old.title != new.title:
        signals.append(("NewTitle", None, ()))
    if old.tooltip != new.tooltip:
        signals.append(("NewToolTip", None, ()))
    if old.shown_status != new.shown_status:
        signals.append(("NewStatus", "s", (new.shown_status,)))
    return signals


class StatusNotifierItem:
    """The item object; ``on_activate(x, y)`` runs for a left click, ``on_secondary`` for a
    middle click, ``on_context_menu`` where a host asks the app to show its menu itself."""

    interface = INTERFACE

    def __init__(self, app_id: str, look: ItemLook, on_activate: Callable[[], None],
                 on_secondary: Callable[[], None], on_context_menu: Callable[[], None]) -> None:
        self.app_id = app_id
        self._look = look
        self._lock = threading.Lock()
        self.methods = {
            "Activate": Method("ii", lambda _x, _y: self._run(on_activate)),
            "SecondaryActivate": Method("ii", lambda _x, _y: self._run(on_secondary)),
            "ContextMenu": Method("ii", lambda _x, _y: self._run(on_context_menu)),
            "Scroll": Method("is", lambda _delta, _orientation: (None, ())),  # nothing to scroll
        }

    @staticmethod
    def _run(action: Callable[[], None]) -> Reply:
        action()
        return None, ()

    @property
    def look(self) -> ItemLook:
        """What hosts are shown now."""
        return self._look

    def show(self, **changes: object) -> list[tuple[str, str | None, tuple[str, ...]]]:
        """Change the look (any thread); returns the signals to send."""
        with self._lock:
            old, self._look = self._look, replace(self._look, **changes)  # type: ignore[arg-type]
            return signals_between(old, self._look)

    def properties(self) -> dict[str, Variant]:
        """Every property of the item, as hosts read them with GetAll."""
        look = self._look
        pixmaps = [(w, h, data) for w, h, data in look.pixmaps]
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", self.app_id),
            "Title": ("s", look.title),
            "Status": ("s", look.shown_status),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            # While a prompt waits the look is the prompt's: the same pixels draw attention.
            # Otherwise none: KDE reads every property (GetAll) at each of the ring's steps, and
            # a second copy of the pixmaps doubled what it read (NewAttentionIcon tells hosts
            # when attention starts, so they read these then).
            "AttentionIconPixmap": ("a(iiay)",
                                    pixmaps if look.status == NEEDS_ATTENTION else []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], look.title, look.tooltip)),
            # False: a left click is Activate (our panel); the menu is on the right button.
            "ItemIsMenu": ("b", False),
            "Menu": ("o", MENU_PATH),
            "IconThemePath": ("s", ""),
        }

    def introspection(self) -> str:
        """The Introspect answer."""
        return introspection_xml(_ITEM_XML)
