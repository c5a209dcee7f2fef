"""The settings windows' own widgets, shared by the settings window and the welcome window: a
check box in the app's look (with a focus ring) and the boxes of a set field. Tk main thread only.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Mapping
from typing import Any

from traybreak.ui.settings import form
from traybreak.ui.settings.form import Row
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

FIELD_BG = "#FFFFFF"


def focus_ring() -> dict[str, Any]:
    """A box's outline, in the app's colour while it has the keyboard focus (Tab, Space)."""
    return {"highlightthickness": 1, "highlightbackground": palette.BODY_BG,
            "highlightcolor": sw.APP_BAND}


def checkbutton(screen: sw.Screen, parent: tk.Misc, text: str, var: tk.Variable,
                command: Callable[[], None]) -> tk.Checkbutton:
    """A check box with ``text``, in the windows' body font and colours. A click gives it the
    keyboard focus too (Tk's own boxes take it only by Tab), so Tab and Space go on from there
    as in other toolkits' windows."""
    box = tk.Checkbutton(
        parent, text=text, variable=var, command=command, font=screen.fonts["body"],
        bg=palette.BODY_BG, fg=palette.TEXT, activebackground=palette.BODY_BG,
        selectcolor=FIELD_BG, bd=0, padx=0, cursor="hand2", anchor=tk.W, **focus_ring())
    box.bind("<ButtonPress-1>", lambda _e: box.focus_set(), add="+")
    return box


def set_boxes(screen: sw.Screen, parent: tk.Frame, row: Row, value: form.FieldValue,
              changed: Callable[[str, str], None]) -> dict[str, tk.Checkbutton]:
    """One check box per item of the set field ``row.set_key`` (ticked: the items of ``value``),
    in a line, or in ``row.columns`` columns; a click calls ``changed(key, items ticked)``."""
    assert row.set_key is not None
    key, ticked = row.set_key, form.set_items(value)
    chosen = {item: tk.BooleanVar(screen.root, value=item in ticked) for item, _ in row.choices}

    def clicked() -> None:
        items = [item for item, var in chosen.items() if var.get()]
        changed(key, form.set_text(items, row.choices))

    boxes = {}
    for n, (item, words) in enumerate(row.choices):
        box = checkbutton(screen, parent, words, chosen[item], clicked)
        if row.columns:
            box.grid(row=n // row.columns, column=n % row.columns, sticky=tk.W,
                     padx=(0, screen.px(14)), pady=screen.px(1))
        else:
            box.pack(side=tk.LEFT, padx=(0, screen.px(12)))
        boxes[item] = box
    return boxes


def run_dialog(screen: sw.Screen, shown: Mapping[str, tk.Misc],
               state: Callable[[], Mapping[str, Any]], enter: Callable[[], None]) -> None:
    """Show the window and run it until it closes: Esc (or the window's close button) closes
    it as it is, Enter does ``enter`` (Save, Start)."""
    sw.present(screen, shown, closing_keys=("<Escape>",), state=state)
    for cls in ("Checkbutton", "Radiobutton"):
        # Tk on X11 makes Enter toggle the focused box: here Enter saves, and a box clicked
        # just before (a click focuses it) must not flip back on the way.
        screen.root.unbind_class(cls, "<Return>")
    for key in ("<Return>", "<KP_Enter>"):
        screen.root.bind(key, lambda _e: enter())
    screen.root.mainloop()
