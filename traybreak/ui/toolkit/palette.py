"""The windows' colours: the page, text and controls, and one style per exercise kind (header
band, text on it, a light tint), each pair checked against WCAG contrast in the tests."""

from __future__ import annotations

from dataclasses import dataclass

from traybreak.core.model import Kind

BODY_BG = "#FAFAF8"
TEXT = "#1F2429"
MUTED = "#505A64"          # secondary text: 6.7:1 on BODY_BG
BUTTON_BG = "#E9ECEF"
DISABLED_TEXT = "#8A939C"  # disabled controls are exempt from WCAG contrast, still legible
RULE = "#DDE1E5"
ERROR = "#B3261E"          # a bad value's message and outline (the settings window): 6:1 and more


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
