"""The StatusNotifierItem object: the properties a host reads, the signals each change of look
sends, and the clicks it passes on. test_bus_icon.py reads the same over a real bus."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from jeepney import DBusAddress, Parser, new_method_call

from traybreak.ui.tray.looks import TrayLook, TrayState
from traybreak.ui.tray.sni.item import (
    ACTIVE,
    NEEDS_ATTENTION,
    ItemLook,
    StatusNotifierItem,
    signals_between,
)
from traybreak.ui.tray.sni.pixmaps import look_pixmaps

ACTIVE_PIXMAPS = look_pixmaps(TrayLook(TrayState.ACTIVE, 3))
PROMPT_PIXMAPS = look_pixmaps(TrayLook(TrayState.PROMPT))
LOOK = ItemLook("traybreak", "Next break in 5 min", ACTIVE, ACTIVE_PIXMAPS)

#: The property types of org.kde.StatusNotifierItem.
TYPES = {
    "Category": "s", "Id": "s", "Title": "s", "Status": "s", "WindowId": "i", "IconName": "s",
    "IconPixmap": "a(iiay)", "OverlayIconName": "s", "OverlayIconPixmap": "a(iiay)",
    "AttentionIconName": "s", "AttentionIconPixmap": "a(iiay)", "AttentionMovieName": "s",
    "ToolTip": "(sa(iiay)ss)", "ItemIsMenu": "b", "Menu": "o", "IconThemePath": "s",
}


class Calls:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def to(self, name: str) -> Any:
        return lambda: self.seen.append(name)


def make_item(look: ItemLook = LOOK, calls: Calls | None = None) -> StatusNotifierItem:
    calls = calls or Calls()
    return StatusNotifierItem("traybreak", look, on_activate=calls.to("activate"),
                              on_secondary=calls.to("secondary"),
                              on_context_menu=calls.to("context"))


def written(signature: str, body: tuple[Any, ...]) -> tuple[Any, ...]:
    """``body`` written as D-Bus ``signature`` and read back (a wrong shape raises)."""
    parser = Parser()
    parser.add_data(new_method_call(DBusAddress("/x", "a.b", "a.b"), "M", signature,
                                    body).serialise(serial=1))
    msg = parser.get_next_message()
    assert msg is not None
    return tuple(msg.body)


def test_every_property_has_its_spec_type() -> None:
    props = make_item().properties()
    assert {name: sig for name, (sig, _) in props.items()} == TYPES


def test_the_property_values() -> None:
    props = make_item().properties()
    assert props["Category"] == ("s", "ApplicationStatus")
    assert props["Id"] == ("s", "traybreak")
    assert props["Title"] == ("s", "traybreak")
    assert props["Status"] == ("s", "Active")
    assert props["ItemIsMenu"] == ("b", False)   # a left click is Activate, not the menu
    assert props["Menu"] == ("o", "/MenuBar")
    assert props["ToolTip"] == ("(sa(iiay)ss)", ("", [], "traybreak", "Next break in 5 min"))
    assert props["IconPixmap"] == ("a(iiay)", [tuple(p) for p in ACTIVE_PIXMAPS])
    # No attention icon while none is needed (KDE reads it with every other property).
    assert props["AttentionIconPixmap"] == ("a(iiay)", [])
    assert props["OverlayIconPixmap"] == ("a(iiay)", [])


def test_the_properties_go_on_the_wire_as_they_are() -> None:
    props = make_item().properties()
    (back,) = written("a{sv}", (props,))
    assert back == props
    sizes = [(w, h, len(data)) for w, h, data in back["IconPixmap"][1]]
    assert sizes == [(w, h, w * h * 4) for w, h, _ in ACTIVE_PIXMAPS]


def test_a_prompt_shows_as_needs_attention() -> None:
    item = make_item()
    item.show(status=NEEDS_ATTENTION, pixmaps=PROMPT_PIXMAPS)
    props = item.properties()
    assert props["Status"] == ("s", "NeedsAttention")
    assert props["IconPixmap"][1] == props["AttentionIconPixmap"][1] == list(PROMPT_PIXMAPS)


def test_new_pixmaps_send_new_icon_and_only_while_attention_is_needed_a_new_attention_icon(
) -> None:
    item = make_item()
    assert item.show(pixmaps=PROMPT_PIXMAPS) == [("NewIcon", None, ())]
    item.show(status=NEEDS_ATTENTION)
    assert item.show(pixmaps=ACTIVE_PIXMAPS) == [("NewIcon", None, ()),
                                                 ("NewAttentionIcon", None, ())]


def test_a_new_tooltip_sends_new_tooltip_and_reads_back() -> None:
    item = make_item()
    assert item.show(tooltip="Next break in 4 min") == [("NewToolTip", None, ())]
    assert item.properties()["ToolTip"][1][3] == "Next break in 4 min"
    assert item.look.tooltip == "Next break in 4 min"


def test_a_new_status_sends_new_status_with_it() -> None:
    item = make_item()
    assert item.show(status=NEEDS_ATTENTION) == [("NewAttentionIcon", None, ()),
                                                 ("NewStatus", "s", ("NeedsAttention",))]
    assert item.show(status=ACTIVE) == [("NewStatus", "s", ("Active",))]


def test_a_new_title_sends_new_title() -> None:
    assert make_item().show(title="traybreak 2") == [("NewTitle", None, ())]


def test_the_prompt_changes_icon_and_status_at_once() -> None:
    signals = make_item().show(pixmaps=PROMPT_PIXMAPS, status=NEEDS_ATTENTION)
    assert signals == [("NewIcon", None, ()), ("NewAttentionIcon", None, ()),
                       ("NewStatus", "s", ("NeedsAttention",))]


def test_showing_the_same_look_sends_nothing() -> None:
    item = make_item()
    assert item.show(pixmaps=look_pixmaps(TrayLook(TrayState.ACTIVE, 3)), status=ACTIVE,
                     tooltip="Next break in 5 min") == []
    assert item.show() == []
    assert signals_between(LOOK, LOOK) == []


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError):
        make_item().show(colour="red")


@pytest.mark.parametrize(("method", "seen"), [("Activate", "activate"),
                                              ("SecondaryActivate", "secondary"),
                                              ("ContextMenu", "context")])
def test_clicks_run_their_callback(method: str, seen: str) -> None:
    calls = Calls()
    item = make_item(calls=calls)
    assert item.methods[method].in_signature == "ii"
    assert item.methods[method].handler(10, 20) == (None, ())
    assert calls.seen == [seen]


def test_scroll_runs_nothing() -> None:
    calls = Calls()
    item = make_item(calls=calls)
    assert item.methods["Scroll"].handler(1, "vertical") == (None, ())
    assert calls.seen == []


def test_the_introspection_names_every_method_and_property() -> None:
    item = make_item()
    root = ET.fromstring(item.introspection())
    (iface,) = [i for i in root.iter("interface") if i.get("name") == item.interface]
    assert {m.get("name") for m in iface.iter("method")} == set(item.methods)
    assert {p.get("name"): p.get("type") for p in iface.iter("property")} == TYPES
    assert {s.get("name") for s in iface.iter("signal")} >= {"NewIcon", "NewAttentionIcon",
                                                             "NewToolTip", "NewStatus"}
