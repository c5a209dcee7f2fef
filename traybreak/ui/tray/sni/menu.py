"""The tray menu as ``com.canonical.dbusmenu`` (version 3): the pystray menu the view builds,
laid out as numbered items a panel reads with GetLayout and clicks with Event.

Each refresh lays the menu out again; when only labels, check marks or enabled states changed,
the host is told which (ItemsPropertiesUpdated), and when items came or went, to read it all
again (LayoutUpdated). Ids are positions in the menu, so a host that clicks an item of an
older layout clicks what is there now: the revision it read tells it when that is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from traybreak.ui.tray.sni.bus import INVALID_ARGS, Fault, Method, Reply, Variant, introspection_xml

INTERFACE = "com.canonical.dbusmenu"
PATH = "/MenuBar"
ROOT = 0
_MENU_XML = f"""<interface name="{INTERFACE}">
  <method name="GetLayout"><arg type="i" direction="in"/><arg type="i" direction="in"/>
   <arg type="as" direction="in"/><arg type="u" direction="out"/>
   <arg type="(ia{{sv}}av)" direction="out"/></method>
  <method name="GetGroupProperties"><arg type="ai" direction="in"/><arg type="as" direction="in"/>
   <arg type="a(ia{{sv}})" direction="out"/></method>
  <method name="GetProperty"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="Event"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="in"/><arg type="u" direction="in"/></method>
  <method name="EventGroup"><arg type="a(isvu)" direction="in"/>
   <arg type="ai" direction="out"/></method>
  <method name="AboutToShow"><arg type="i" direction="in"/><arg type="b" direction="out"/></method>
  <method name="AboutToShowGroup"><arg type="ai" direction="in"/><arg type="ai" direction="out"/>
   <arg type="ai" direction="out"/></method>
  <signal name="ItemsPropertiesUpdated"><arg type="a(ia{{sv}})"/><arg type="a(ias)"/></signal>
  <signal name="LayoutUpdated"><arg type="u"/><arg type="i"/></signal>
  <signal name="ItemActivationRequested"><arg type="i"/><arg type="u"/></signal>
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
 </interface>"""

Props = dict[str, Variant]


@dataclass(frozen=True)
class Node:
    """One menu item as dbusmenu shows it; ``action`` runs it (None: nothing to run)."""

    id: int
    props: tuple[tuple[str, Variant], ...]
    children: tuple[Node, ...] = ()
    action: Callable[[], None] | None = None

    def shape(self) -> tuple[Any, ...]:
        """What must stay equal for a change to be told as new properties only."""
        kinds = tuple(sorted((k, v) for k, v in self.props if k in ("type", "children-display")))
        return (self.id, kinds, tuple(child.shape() for child in self.children))

    def walk(self) -> Iterable[Node]:
        """This node and all below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def wire(self, depth: int, names: frozenset[str]) -> tuple[int, Props, list[Variant]]:
        """The ``(ia{sv}av)`` layout of this node, ``depth`` levels down (-1: all)."""
        props = {k: v for k, v in self.props if not names or k in names}
        children = [] if depth == 0 else [
            ("(ia{sv}av)", child.wire(depth - 1, names)) for child in self.children]
        return self.id, props, children


def mnemonic_safe(label: str) -> str:
    """``label`` with its underscores doubled: dbusmenu reads one as an access-key marker."""
    return label.replace("_", "__")


def lay_out(items: Iterable[Any], on_click: Callable[[Any], None], separator: Any) -> Node:
    """The root node for pystray menu ``items`` (visible ones only, as pystray iterates them);
    ``on_click(item)`` runs an item; ``separator`` is pystray's Menu.SEPARATOR."""
    counter = iter(range(1, 1 << 30))

    def node(item: Any) -> Node:
        ident = next(counter)
        if item is separator:
            return Node(ident, (("type", ("s", "separator")),))
        props: list[tuple[str, Variant]] = [("label", ("s", mnemonic_safe(str(item.text))))]
        if not item.enabled:
            props.append(("enabled", ("b", False)))
        if item.checked is not None:
            props.append(("toggle-type", ("s", "radio" if item.radio else "checkmark")))
            props.append(("toggle-state", ("i", 1 if item.checked else 0)))
        if item.submenu is not None:
            props.append(("children-display", ("s", "submenu")))
            return Node(ident, tuple(props), tuple(node(child) for child in item.submenu))
        return Node(ident, tuple(props), action=lambda: on_click(item))

    children = tuple(node(item) for item in items)
    return Node(ROOT, (("children-display", ("s", "submenu")),), children)


@dataclass(frozen=True)
class Change:
    """What a new layout means for the host: one of the two signals' bodies, or nothing."""

    layout_updated: tuple[int, int] | None = None
    properties_updated: tuple[list[tuple[int, Props]], list[tuple[int, list[str]]]] | None = None


def change_between(old: Node, new: Node, revision: int) -> Change:
    """The signal that tells a host about the step from ``old`` to ``new``."""
    if old.shape() != new.shape():
        return Change(layout_updated=(revision, ROOT))
    updated, removed = [], []
    for before, after in zip(old.walk(), new.walk(), strict=True):
        was, now = dict(before.props), dict(after.props)
        changed = {k: v for k, v in now.items() if was.get(k) != v}
        gone = [k for k in was if k not in now]
        if changed:
            updated.append((after.id, changed))
        if gone:
            removed.append((after.id, gone))
    if not updated and not removed:
        return Change()
    return Change(properties_updated=(updated, removed))


class DBusMenu:
    """The exported ``/MenuBar`` object. ``update`` takes a new layout (any thread) and returns
    the signal to send; the host's calls are answered on the loop thread."""

    interface = INTERFACE

    def __init__(self, on_about_to_show: Callable[[], None] = lambda: None) -> None:
        self._root = Node(ROOT, (("children-display", ("s", "submenu")),))
        self._revision = 1
        self._lock = threading.Lock()
        self._on_about_to_show = on_about_to_show
        self.methods = {
            "GetLayout": Method("iias", self.get_layout),
            "GetGroupProperties": Method("aias", self.get_group_properties),
            "GetProperty": Method("is", self.get_property),
            "Event": Method("isvu", self.event),
            "EventGroup": Method("a(isvu)", self.event_group),
            "AboutToShow": Method("i", self.about_to_show),
            "AboutToShowGroup": Method("ai", self.about_to_show_group),
        }

    @property
    def revision(self) -> int:
        """The layout's revision (grows with every change a host is told of)."""
        return self._revision

    def update(self, root: Node) -> Change:
        """Show ``root`` from now on; returns what to tell hosts."""
        with self._lock:
            change = change_between(self._root, root, self._revision + 1)
            if change != Change():
                self._revision += 1
            self._root = root
            return change

    def properties(self) -> dict[str, Variant]:
        """The interface's properties."""
        return {"Version": ("u", 3), "TextDirection": ("s", "ltr"), "Status": ("s", "normal"),
                "IconThemePath": ("as", [])}

    def introspection(self) -> str:
        """The Introspect answer."""
        return introspection_xml(_MENU_XML)

    # --- the host's calls ----------------------------------------------------------------

    def get_layout(self, parent: int, depth: int, names: list[str]) -> Reply:
        """GetLayout: the revision and the tree below ``parent``."""
        with self._lock:
            node = self._find(parent)
            return "u(ia{sv}av)", (self._revision, node.wire(depth, frozenset(names)))

    def get_group_properties(self, ids: list[int], names: list[str]) -> Reply:
        """GetGroupProperties: the properties of ``ids`` (all items when empty)."""
        wanted = frozenset(names)
        with self._lock:
            nodes = [n for n in self._root.walk() if not ids or n.id in ids]
            found = [(n.id, {k: v for k, v in n.props if not wanted or k in wanted})
                     for n in nodes]
        return "a(ia{sv})", (found,)

    def get_property(self, ident: int, name: str) -> Reply:
        """GetProperty: one property of one item."""
        with self._lock:
            props = dict(self._find(ident).props)
        if name not in props:
            raise Fault(INVALID_ARGS, f"item {ident} has no property {name!r}")
        return "v", (props[name],)

    def event(self, ident: int, kind: str, _data: Variant, _timestamp: int) -> Reply:
        """Event: a "clicked" item runs its action (the icon runs it off the loop thread)."""
        self._run_event(ident, kind)
        return None, ()

    def event_group(self, events: list[tuple[int, str, Variant, int]]) -> Reply:
        """EventGroup: several events; returns the ids that were not found."""
        errors = []
        for ident, kind, _data, _timestamp in events:
            try:
                self._run_event(ident, kind)
            except Fault:
                errors.append(ident)
        if events and len(errors) == len(events):
            raise Fault(INVALID_ARGS, f"no items {errors}")
        return "ai", (errors,)

    def about_to_show(self, ident: int) -> Reply:
        """AboutToShow: the menu is opening; the app brings it up to date first."""
        before = self._revision
        if ident == ROOT:
            self._on_about_to_show()
        return "b", (self._revision != before,)

    def about_to_show_group(self, ids: list[int]) -> Reply:
        """AboutToShowGroup: as AboutToShow for each; returns (needing update, not found)."""
        before = self._revision
        if ROOT in ids:
            self._on_about_to_show()
        updated = [ROOT] if self._revision != before else []
        with self._lock:
            known = {n.id for n in self._root.walk()}
        return "aiai", (updated, [i for i in ids if i not in known])

    def _run_event(self, ident: int, kind: str) -> None:
        with self._lock:
            node = self._find(ident)
        if kind == "clicked" and node.action is not None:
            node.action()

    def _find(self, ident: int) -> Node:
        for node in self._root.walk():
            if node.id == ident:
                return node
        raise Fault(INVALID_ARGS, f"no menu item {ident} (layout revision {self._revision})")
