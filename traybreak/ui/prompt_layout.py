"""Pure decisions behind the prompt window: colours per kind (WCAG-checked), sizes from the screen,
button labels and their disabled reasons, and where the window goes. No tkinter, no clock.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from traybreak.core.durations import humanize
from traybreak.core.model import Kind

log = logging.getLogger(__name__)

BODY_BG = "#FAFAF8"
TEXT = "#1F2429"
MUTED = "#505A64"          # secondary text: 6.7:1 on BODY_BG
BUTTON_BG = "#E9ECEF"
DISABLED_TEXT = "#8A939C"  # disabled controls are exempt from WCAG contrast, still legible
RULE = "#DDE1E5"


@dataclass(frozen=True)
class KindStyle:
    """How one kind looks: the header band, the text on it, a light tint and the kind's label."""

    label: str
    band: str
    on_band: str
    tint: str


STYLES: dict[Kind | None, KindStyle] = {
    Kind.STRETCH: KindStyle("Stretch", "#1D6A72", "#FFFFFF", "#DCEEF0"),
    Kind.STRENGTHEN: KindStyle("Strengthen", "#9A4D1F", "#FFFFFF", "#F5E5DA"),
    Kind.RELAX: KindStyle("Relax", "#4F4A8C", "#FFFFFF", "#E6E4F4"),
    None: KindStyle("Reminder", "#3D5A80", "#FFFFFF", "#E2E8F0"),
}


def style_for(kind: Kind | None) -> KindStyle:
    """The style for ``kind`` (None: a custom message reminder)."""
    return STYLES[kind]


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    h = colour.lstrip("#")
    r, g, b = (_channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two ``#RRGGBB`` colours (1.0 to 21.0)."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- sizes -----------------------------------------------------------------------------------

def ui_scale(dpi: float, screen_height: int) -> float:
    """How much to enlarge the design (drawn for 96 dpi, 1080 p) on this screen.

    Uses the real DPI when the system reports one; X servers often claim 96 dpi on a 4K panel,
    so a tall screen also raises the floor (2160 p → 1.5). Never below 1, capped at 3.
    """
    from_dpi = dpi / 96 if 48 <= dpi <= 480 else 1.0
    from_height = screen_height / 1440 if screen_height > 1440 else 1.0
    return round(min(3.0, max(1.0, from_dpi, from_height)), 2)


def figure_size(screen_height: int, scale: float) -> int:
    """Edge of the square illustration in pixels: large, but never pushing the window off screen.

    About a third of the screen height, within 180–340 design pixels times ``scale``.
    """
    px = int(min(max(screen_height * 0.34, 180 * scale), 340 * scale))
    return px - px % 4


@dataclass(frozen=True)
class ButtonState:
    """A button's label, whether it can be pressed, and the short note shown under it."""

    label: str
    enabled: bool = True
    note: str = ""


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def snooze_button(snooze: timedelta, snoozes_left: int, snoozed: int) -> ButtonState:
    """"Snooze 5 min", disabled with the reason once the cap is reached."""
    label = f"Snooze {humanize(snooze)}"
    if snoozes_left > 0:
        note = "last snooze" if snoozes_left == 1 else ""
        return ButtonState(label, True, note)
    reason = f"Snoozed {_times(snoozed)} already" if snoozed > 0 else "No snoozes left"
    return ButtonState(label, False, reason)


def skip_button(skips_left: int | None, strict_left_s: float = 0.0) -> ButtonState:
    """"Skip" with the daily budget ("2 skips left today"); locked by strict mode or no budget."""
    if skips_left is not None and skips_left <= 0:
        return ButtonState("Skip", False, "No skips left today")
    if strict_left_s > 0:
        secs = int(strict_left_s + 0.999)
        return ButtonState("Skip", False, f"Skip available in {secs} s")
    if skips_left is None:
        return ButtonState("Skip")
    plural = "skip" if skips_left == 1 else "skips"
    return ButtonState("Skip", True, f"{skips_left} {plural} left today")


def cautions_line(cautions: Sequence[str]) -> str:
    """The cautions (whole sentences in the packs) as one compact paragraph ("" when none)."""
    sentences = []
    for text in cautions:
        text = text.strip()
        if text:
            text = text[:1].upper() + text[1:]
            sentences.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(sentences)


def clock(seconds: float) -> str:
    """Seconds as m:ss (rounded up, so "0:00" only when time is really up)."""
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


# -- placement ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    """A rectangle on the virtual screen: a monitor or the whole screen."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, px: int, py: int) -> bool:
        """True when point (px, py) lies inside."""
        return self.x <= px < self.x + self.width and self.y <= py < self.y + self.height


def monitor_at(point: tuple[int, int], monitors: Sequence[Area], screen: Area) -> Area:
    """The monitor holding ``point``; the first monitor, or the whole screen when none is known."""
    for area in monitors:
        if area.contains(*point):
            return area
    return monitors[0] if monitors else screen


def centred(area: Area, width: int, height: int) -> tuple[int, int]:
    """Top-left corner that centres a width×height window in ``area`` (kept inside it)."""
    x = area.x + max(0, (area.width - width) // 2)
    y = area.y + max(0, (area.height - height) // 2)
    return x, y
