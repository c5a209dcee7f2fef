"""The tray menu as com.canonical.dbusmenu: a pystray menu like the app's laid out as numbered
items, the host's calls answered from it, and each refresh told as the right signal.
test_bus_icon.py asks the same over a real bus."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from jeepney import DBusAddress, Parser, new_method_call
from pystray import Menu, MenuItem

from traybreak.ui.tray.sni.bus import INVALID_ARGS, Fault
from traybreak.ui.tray.sni.menu import (
    ROOT,
    Change,
    DBusMenu,
    Node,
    change_between,
    lay_out,
    mnemonic_safe,
)

SUBMENU = {"children-display": ("s", "submenu")}
SEPARATOR = {"type": ("s", "separator")}
NO_DATA = ("i", 0)


def app_menu(*, next_break: str = "Next break in 5 min", login: bool = True,
             take_enabled: bool = True, extra: bool = False) -> Menu:
    """Shaped like the view's menu: a hidden default click item first, a disabled status line,
    separators (some redundant), submenus, check marks, radio items, an underscore."""
    def nothing() -> None:
        return None

    return Menu(
        MenuItem("traybreak", nothing, default=True, visible=False),
        MenuItem(next_break, None, enabled=False),
        Menu.SEPARATOR,
        Menu.SEPARATOR,   # pystray folds it into the one before
        MenuItem("Take a break now", nothing, enabled=take_enabled),
        MenuItem("Pause", Menu(MenuItem("For 30 minutes", nothing),
                               MenuItem("Hidden", nothing, visible=False),
                               MenuItem("Until tomorrow", nothing))),
        MenuItem("Start at login", nothing, checked=lambda _item: login),
        MenuItem("Sound", nothing, checked=lambda _item: False),
        MenuItem("Level", Menu(MenuItem("easy", nothing, checked=lambda _i: True, radio=True),
                               MenuItem("hard", nothing, checked=lambda _i: False, radio=True))),
        MenuItem("Open stats_2024.csv", nothing),
        *([MenuItem("Reload", nothing)] if extra else []),
        Menu.SEPARATOR,
        MenuItem("Quit", nothing),
    )


#: The layout of app_menu(): (id, props, children), depth first.
APP_LAYOUT = (0, SUBMENU, [
    (1, {"label": ("s", "Next break in 5 min"), "enabled": ("b", False)}, []),
    (2, SEPARATOR, []),
    (3, {"label": ("s", "Take a break now")}, []),
    (4, {"label": ("s", "Pause"), **SUBMENU}, [
        (5, {"label": ("s", "For 30 minutes")}, []),
        (6, {"label": ("s", "Until tomorrow")}, []),
    ]),
    (7, {"label": ("s", "Start at login"), "toggle-type": ("s", "checkmark"),
         "toggle-state": ("i", 1)}, []),
    (8, {"label": ("s", "Sound"), "toggle-type": ("s", "checkmark"),
         "toggle-state": ("i", 0)}, []),
    (9, {"label": ("s", "Level"), **SUBMENU}, [
        (10, {"label": ("s", "easy"), "toggle-type": ("s", "radio"), "toggle-state": ("i", 1)},
         []),
        (11, {"label": ("s", "hard"), "toggle-type": ("s", "radio"), "toggle-state": ("i", 0)},
         []),
    ]),
    (12, {"label": ("s", "Open stats__2024.csv")}, []),
    (13, SEPARATOR, []),
    (14, {"label": ("s", "Quit")}, []),
])


def outline(node: Node) -> tuple[int, dict[str, Any], list[Any]]:
    return node.id, dict(node.props), [outline(child) for child in node.children]


def from_wire(layout: tuple[int, dict[str, Any], list[Any]]) -> tuple[int, dict[str, Any],
                                                                       list[Any]]:
    """A GetLayout tree with its child variants unwrapped, as ``outline`` gives it."""
    ident, props, children = layout
    for signature, _ in children:
        assert signature == "(ia{sv}av)"
    return ident, props, [from_wire(child) for _, child in children]


class Clicks:
    """Records the items the menu runs."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def __call__(self, item: Any) -> None:
        self.items.append(item)

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]


def menu_object(menu: Menu | None = None, clicks: Clicks | None = None,
                on_about_to_show: Callable[[], None] = lambda: None) -> DBusMenu:
    dbus_menu = DBusMenu(on_about_to_show)
    dbus_menu.update(lay_out(menu if menu is not None else app_menu(), clicks or Clicks(),
                             Menu.SEPARATOR))
    return dbus_menu


def fits(signature: str, body: tuple[Any, ...]) -> tuple[Any, ...]:
    """``body`` written as D-Bus ``signature`` and read back (a wrong shape raises)."""
    msg = new_method_call(DBusAddress("/x", "a.b", "a.b"), "M", signature, body)
    parser = Parser()
    parser.add_data(msg.serialise(serial=1))
    back = parser.get_next_message()
    assert back is not None
    return tuple(back.body)


# --- lay_out ---------------------------------------------------------------------------------

def test_the_apps_menu_is_laid_out_as_numbered_items() -> None:
    assert outline(lay_out(app_menu(), Clicks(), Menu.SEPARATOR)) == APP_LAYOUT


def test_check_marks_follow_the_items_state() -> None:
    unchecked = outline(lay_out(app_menu(login=False), Clicks(), Menu.SEPARATOR))
    assert unchecked[2][4] == (7, {"label": ("s", "Start at login"),
                                   "toggle-type": ("s", "checkmark"),
                                   "toggle-state": ("i", 0)}, [])


def test_labels_keep_their_underscores_as_text() -> None:
    assert mnemonic_safe("a_b__c") == "a__b____c"
    assert mnemonic_safe("plain") == "plain"


def test_an_empty_menu_is_a_root_without_children() -> None:
    assert outline(lay_out(Menu(), Clicks(), Menu.SEPARATOR)) == (0, SUBMENU, [])


def test_each_item_runs_its_own_pystray_item() -> None:
    clicks = Clicks()
    root = lay_out(app_menu(), clicks, Menu.SEPARATOR)
    actions = {node.id: node.action for node in root.walk()}
    for ident in (3, 5, 14):
        action = actions[ident]
        assert action is not None
        action()
    assert clicks.texts == ["Take a break now", "For 30 minutes", "Quit"]
    # Separators, submenus and the root run nothing.
    assert [i for i, a in actions.items() if a is None] == [0, 2, 4, 9, 13]


# --- GetLayout and the other calls -----------------------------------------------------------

def test_get_layout_gives_the_whole_tree_at_depth_minus_one() -> None:
    dbus_menu = menu_object()
    signature, (revision, layout) = dbus_menu.get_layout(ROOT, -1, [])
    assert signature == "u(ia{sv}av)"
    assert revision == dbus_menu.revision == 2   # 1 is the empty menu it starts with
    assert from_wire(layout) == APP_LAYOUT
    assert fits(signature, (revision, layout)) == (revision, layout)


def test_get_layout_depth_zero_is_the_item_alone() -> None:
    _, (_, layout) = menu_object().get_layout(ROOT, 0, [])
    assert layout == (0, SUBMENU, [])
    _, (_, pause) = menu_object().get_layout(4, 0, [])
    assert pause == (4, {"label": ("s", "Pause"), **SUBMENU}, [])


def test_get_layout_depth_one_stops_above_the_submenus_items() -> None:
    _, (_, layout) = menu_object().get_layout(ROOT, 1, [])
    expected = (0, SUBMENU, [(i, props, []) for i, props, _ in APP_LAYOUT[2]])
    assert from_wire(layout) == expected


def test_get_layout_of_a_submenu_gives_its_items() -> None:
    _, (_, layout) = menu_object().get_layout(9, -1, [])
    assert from_wire(layout) == APP_LAYOUT[2][6]


def test_get_layout_gives_only_the_properties_asked_for() -> None:
    _, (_, layout) = menu_object().get_layout(4, -1, ["label"])
    assert from_wire(layout) == (4, {"label": ("s", "Pause")}, [
        (5, {"label": ("s", "For 30 minutes")}, []), (6, {"label": ("s", "Until tomorrow")}, [])])
    _, (_, layout) = menu_object().get_layout(ROOT, 1, ["type", "enabled"])
    tree = from_wire(layout)
    assert tree[1] == {}
    assert [props for _, props, _ in tree[2]][:4] == [{"enabled": ("b", False)}, SEPARATOR, {},
                                                      {}]


def test_get_layout_of_an_unknown_item_is_an_error() -> None:
    with pytest.raises(Fault) as fault:
        menu_object().get_layout(99, -1, [])
    assert fault.value.name == INVALID_ARGS


def test_group_properties_of_no_ids_are_every_items() -> None:
    signature, (found,) = menu_object().get_group_properties([], [])
    assert signature == "a(ia{sv})"
    assert [ident for ident, _ in found] == list(range(15))
    assert found[7] == (7, APP_LAYOUT[2][4][1])
    assert fits(signature, (found,)) == (found,)


def test_group_properties_of_some_ids_with_a_name_filter() -> None:
    _, (found,) = menu_object().get_group_properties([7, 12, 99], ["label", "toggle-state"])
    assert found == [(7, {"label": ("s", "Start at login"), "toggle-state": ("i", 1)}),
                     (12, {"label": ("s", "Open stats__2024.csv")})]


def test_get_property_reads_one_property() -> None:
    dbus_menu = menu_object()
    assert dbus_menu.get_property(7, "toggle-state") == ("v", (("i", 1),))
    assert dbus_menu.get_property(2, "type") == ("v", (("s", "separator"),))


@pytest.mark.parametrize(("ident", "name"), [(7, "icon-name"), (99, "label")])
def test_get_property_of_what_is_not_there_is_an_error(ident: int, name: str) -> None:
    with pytest.raises(Fault) as fault:
        menu_object().get_property(ident, name)
    assert fault.value.name == INVALID_ARGS


def test_a_click_runs_the_item() -> None:
    clicks = Clicks()
    dbus_menu = menu_object(clicks=clicks)
    assert dbus_menu.event(5, "clicked", NO_DATA, 0) == (None, ())
    assert clicks.texts == ["For 30 minutes"]


@pytest.mark.parametrize(("ident", "kind"), [(5, "hovered"), (5, "opened"), (4, "clicked"),
                                             (2, "clicked"), (0, "clicked")])
def test_other_events_and_items_without_an_action_run_nothing(ident: int, kind: str) -> None:
    clicks = Clicks()
    assert menu_object(clicks=clicks).event(ident, kind, NO_DATA, 0) == (None, ())
    assert clicks.items == []


def test_a_click_on_an_unknown_item_is_an_error() -> None:
    clicks = Clicks()
    with pytest.raises(Fault) as fault:
        menu_object(clicks=clicks).event(99, "clicked", NO_DATA, 0)
    assert fault.value.name == INVALID_ARGS and clicks.items == []


def test_event_group_runs_the_known_and_returns_the_unknown_ids() -> None:
    clicks = Clicks()
    reply = menu_object(clicks=clicks).event_group(
        [(3, "clicked", NO_DATA, 0), (98, "clicked", NO_DATA, 0), (14, "clicked", NO_DATA, 0),
         (99, "hovered", NO_DATA, 0)])
    assert reply == ("ai", ([98, 99],))
    assert clicks.texts == ["Take a break now", "Quit"]


def test_event_group_of_only_unknown_ids_is_an_error() -> None:
    with pytest.raises(Fault) as fault:
        menu_object().event_group([(98, "clicked", NO_DATA, 0), (99, "clicked", NO_DATA, 0)])
    assert fault.value.name == INVALID_ARGS


def test_event_group_of_nothing_is_nothing() -> None:
    assert menu_object().event_group([]) == ("ai", ([],))


class Opening:
    """An on_about_to_show hook that lays out ``next_menu`` (if any) on the menu object."""

    def __init__(self, next_menu: Menu | None) -> None:
        self.next_menu = next_menu
        self.calls = 0
        self.dbus_menu: DBusMenu | None = None

    def __call__(self) -> None:
        self.calls += 1
        if self.next_menu is not None and self.dbus_menu is not None:
            self.dbus_menu.update(lay_out(self.next_menu, Clicks(), Menu.SEPARATOR))


@pytest.mark.parametrize(("next_menu", "needs_update"), [
    (app_menu(next_break="Next break in 4 min"), True),   # a label changed
    (app_menu(extra=True), True),                          # an item came
    (app_menu(), False),                                   # laid out again, the same
    (None, False),                                         # the hook changed nothing
])
def test_about_to_show_the_root_brings_the_menu_up_to_date(next_menu: Menu | None,
                                                            needs_update: bool) -> None:
    opening = Opening(next_menu)
    dbus_menu = opening.dbus_menu = menu_object(on_about_to_show=opening)
    before = dbus_menu.revision
    assert dbus_menu.about_to_show(ROOT) == ("b", (needs_update,))
    assert opening.calls == 1
    assert dbus_menu.revision == before + needs_update


def test_about_to_show_a_submenu_does_not_refresh() -> None:
    opening = Opening(app_menu(next_break="Next break in 4 min"))
    dbus_menu = opening.dbus_menu = menu_object(on_about_to_show=opening)
    assert dbus_menu.about_to_show(4) == ("b", (False,))
    assert opening.calls == 0


def test_about_to_show_group_tells_what_changed_and_what_is_unknown() -> None:
    opening = Opening(app_menu(login=False))
    dbus_menu = opening.dbus_menu = menu_object(on_about_to_show=opening)
    assert dbus_menu.about_to_show_group([ROOT, 4, 99]) == ("aiai", ([ROOT], [99]))
    assert opening.calls == 1
    assert dbus_menu.about_to_show_group([4]) == ("aiai", ([], []))
    assert opening.calls == 1


def test_the_menus_own_properties() -> None:
    props = DBusMenu().properties()
    assert props == {"Version": ("u", 3), "TextDirection": ("s", "ltr"),
                     "Status": ("s", "normal"), "IconThemePath": ("as", [])}
    assert fits("a{sv}", (props,)) == (props,)


def test_the_introspection_names_every_method() -> None:
    dbus_menu = DBusMenu()
    root = ET.fromstring(dbus_menu.introspection())
    (iface,) = [i for i in root.iter("interface") if i.get("name") == dbus_menu.interface]
    assert {m.get("name") for m in iface.iter("method")} == set(dbus_menu.methods)
    for name, method in dbus_menu.methods.items():
        (xml_method,) = [m for m in iface.iter("method") if m.get("name") == name]
        ins = "".join(a.get("type", "") for a in xml_method.iter("arg")
                      if a.get("direction") == "in")
        assert ins == method.in_signature, name


# --- what a refresh tells the host ------------------------------------------------------------

def laid(menu: Menu) -> Node:
    return lay_out(menu, Clicks(), Menu.SEPARATOR)


def test_a_new_label_is_told_as_that_property_alone() -> None:
    change = change_between(laid(app_menu()), laid(app_menu(next_break="Next break in 4 min")),
                            7)
    assert change == Change(properties_updated=(
        [(1, {"label": ("s", "Next break in 4 min")})], []))
    assert fits("a(ia{sv})a(ias)", change.properties_updated) == change.properties_updated


def test_a_check_mark_and_an_enabled_state_are_told_together() -> None:
    change = change_between(laid(app_menu()), laid(app_menu(login=False, take_enabled=False)), 7)
    assert change == Change(properties_updated=(
        [(3, {"enabled": ("b", False)}), (7, {"toggle-state": ("i", 0)})], []))


def test_a_property_back_at_its_default_is_told_as_removed() -> None:
    change = change_between(laid(app_menu(take_enabled=False)), laid(app_menu()), 7)
    assert change == Change(properties_updated=([], [(3, ["enabled"])]))


def test_an_item_that_comes_means_a_new_layout() -> None:
    assert change_between(laid(app_menu()), laid(app_menu(extra=True)), 7) == \
        Change(layout_updated=(7, ROOT))


def test_an_item_that_becomes_a_separator_means_a_new_layout() -> None:
    before = laid(Menu(MenuItem("a", None), MenuItem("b", None), MenuItem("c", None)))
    after = laid(Menu(MenuItem("a", None), Menu.SEPARATOR, MenuItem("c", None)))
    assert change_between(before, after, 3) == Change(layout_updated=(3, ROOT))


def test_no_change_tells_nothing() -> None:
    assert change_between(laid(app_menu()), laid(app_menu()), 7) == Change()


def test_update_counts_revisions_only_for_changes() -> None:
    dbus_menu = DBusMenu()
    assert dbus_menu.revision == 1
    assert dbus_menu.update(laid(app_menu())) == Change(layout_updated=(2, ROOT))
    assert dbus_menu.update(laid(app_menu())) == Change()
    assert dbus_menu.revision == 2
    change = dbus_menu.update(laid(app_menu(login=False)))
    assert change.properties_updated is not None and change.layout_updated is None
    assert dbus_menu.revision == 3
    assert dbus_menu.update(laid(app_menu(login=False, extra=True))) == \
        Change(layout_updated=(4, ROOT))
    assert dbus_menu.get_layout(ROOT, 0, [])[1][0] == 4
    assert dbus_menu.get_property(7, "toggle-state") == ("v", (("i", 0),))
