"""The windows' colours (ui/toolkit/palette.py): WCAG contrast per kind and for the page."""

from __future__ import annotations

import pytest

from traybreak.core.model import Kind
from traybreak.ui.toolkit import palette


@pytest.mark.parametrize("kind", [Kind.STRETCH, Kind.STRENGTHEN, Kind.RELAX, None])
def test_every_kind_text_meets_wcag_aa(kind: Kind | None) -> None:
    style = palette.style_for(kind)
    assert palette.contrast_ratio(style.on_band, style.band) >= 4.5
    assert palette.contrast_ratio(style.band, palette.BODY_BG) >= 4.5  # dosage and step numbers
    assert palette.contrast_ratio(palette.TEXT, style.tint) >= 4.5     # status text near the bar


def test_body_text_meets_wcag_aa() -> None:
    assert palette.contrast_ratio(palette.TEXT, palette.BODY_BG) >= 7
    assert palette.contrast_ratio(palette.MUTED, palette.BODY_BG) >= 4.5
    assert palette.contrast_ratio(palette.TEXT, palette.BUTTON_BG) >= 4.5
    assert palette.contrast_ratio(palette.ERROR, palette.BODY_BG) >= 4.5   # a bad value's message


def test_kinds_have_distinct_colours_and_labels() -> None:
    kinds = [Kind.STRETCH, Kind.STRENGTHEN, Kind.RELAX]
    assert len({palette.style_for(k).band for k in kinds}) == 3
    assert [palette.style_for(k).label for k in kinds] == ["Stretch", "Strengthen", "Relax"]


def test_contrast_ratio_extremes() -> None:
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
