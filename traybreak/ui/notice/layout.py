"""Where the notice toast goes: beside the tray icon when its place is known (below an icon in
the top half of its monitor, above one in the bottom half), else in the corner where the
desktop keeps its tray. Pure; no tkinter.
"""

from __future__ import annotations

from traybreak.ui.toolkit.geometry import Area

NOTICE_TITLE = "traybreak notice"   # the window title tests and window managers see
GAP = 6        # pixels between the tray icon and the toast
MARGIN = 16    # pixels from the monitor's edges when the tray's place is unknown
#: Windows' taskbar sits at the bottom, its tray at the bottom right; elsewhere (GNOME, KDE's
#: default aside, macOS's menu bar, most X panels) notifications and trays are at the top right.
TASKBAR_S = 48


def toast_position(size: tuple[int, int], area: Area, icon: Area | None,
                   platform: str) -> tuple[int, int]:
    """Top-left corner for a toast of ``size`` on monitor ``area``: next to the tray ``icon``
    (its box on the screen) when known, else in the tray's usual corner for ``platform``
    (``sys.platform``). Always wholly inside ``area``."""
    width, height = size
    right, bottom = area.x + area.width, area.y + area.height
    if icon is not None:
        x = icon.x + icon.width - width          # right edges aligned, as a menu would open
        top_half = icon.y + icon.height // 2 < area.y + area.height // 2
        y = icon.y + icon.height + GAP if top_half else icon.y - GAP - height
    elif platform == "win32":
        x, y = right - MARGIN - width, bottom - TASKBAR_S - MARGIN - height
    else:
        x, y = right - MARGIN - width, area.y + MARGIN + (TASKBAR_S // 2 if platform ==
                                                          "darwin" else 0)
    return max(area.x, min(x, right - width)), max(area.y, min(y, bottom - height))
