"""Pure decisions of the prompt window: colours, sizes, button states, placement."""

from __future__ import annotations

from datetime import timedelta

import pytest

from traybreak.core.model import Kind
from traybreak.ui import prompt_layout as lay


@pytest.mark.parametrize("kind", [Kind.STRETCH, Kind.STRENGTHEN, Kind.RELAX, None])
def test_every_kind_text_meets_wcag_aa(kind: Kind | None) -> None:
    style = lay.style_for(kind)
    assert lay.contrast_ratio(style.on_band, style.band) >= 4.5
    assert lay.contrast_ratio(style.band, lay.BODY_BG) >= 4.5  # dosage and step numbers
    assert lay.contrast_ratio(lay.TEXT, style.tint) >= 4.5     # status text near the bar


def test_body_text_meets_wcag_aa() -> None:
    assert lay.contrast_ratio(lay.TEXT, lay.BODY_BG) >= 7
    assert lay.contrast_ratio(lay.MUTED, lay.BODY_BG) >= 4.5
    assert lay.contrast_ratio(lay.TEXT, lay.BUTTON_BG) >= 4.5


def test_kinds_have_distinct_colours_and_labels() -> None:
    kinds = [Kind.STRETCH, Kind.STRENGTHEN, Kind.RELAX]
    assert len({lay.style_for(k).band for k in kinds}) == 3
    assert [lay.style_for(k).label for k in kinds] == ["Stretch", "Strengthen", "Relax"]


def test_contrast_ratio_extremes() -> None:
    assert lay.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert lay.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize(("dpi", "height", "expected"), [
    (96, 768, 1.0), (96, 1080, 1.0), (144, 1080, 1.5), (96, 2160, 1.5), (192, 2160, 2.0),
    (0, 1080, 1.0), (10_000, 1080, 1.0), (72, 900, 1.0), (600, 4320, 3.0),
])
def test_ui_scale(dpi: float, height: int, expected: float) -> None:
    assert lay.ui_scale(dpi, height) == expected


@pytest.mark.parametrize("height", [600, 768, 900, 1080, 1440, 2160])
def test_figure_size_leaves_room_for_the_text(height: int) -> None:
    scale = lay.ui_scale(96, height)
    size = lay.figure_size(height, scale)
    assert 180 * scale - 4 <= size <= 340 * scale
    assert size <= height * 0.34 or size <= 180 * scale
    assert size % 4 == 0


def test_snooze_button_label_follows_the_length() -> None:
    assert lay.snooze_button(timedelta(minutes=5), 2, 0) == lay.ButtonState("Snooze 5 min")
    assert lay.snooze_button(timedelta(minutes=10), 2, 0).label == "Snooze 10 min"
    assert lay.snooze_button(timedelta(seconds=90), 1, 1).note == "last snooze"


@pytest.mark.parametrize(("snoozed", "note"), [
    (1, "Snoozed once already"), (2, "Snoozed twice already"), (3, "Snoozed 3 times already"),
    (0, "No snoozes left"),
])
def test_snooze_disabled_at_the_cap_says_why(snoozed: int, note: str) -> None:
    state = lay.snooze_button(timedelta(minutes=5), 0, snoozed)
    assert not state.enabled
    assert state.note == note


def test_skip_button_budget_and_strict() -> None:
    assert lay.skip_button(None) == lay.ButtonState("Skip")
    assert lay.skip_button(2) == lay.ButtonState("Skip", True, "2 skips left today")
    assert lay.skip_button(1).note == "1 skip left today"
    empty = lay.skip_button(0)
    assert not empty.enabled and empty.note == "No skips left today"
    locked = lay.skip_button(2, strict_left_s=12.2)
    assert not locked.enabled and locked.note == "Skip available in 13 s"
    assert lay.skip_button(None, strict_left_s=0.0).enabled


def test_cautions_line() -> None:
    assert lay.cautions_line([]) == ""
    assert lay.cautions_line(["  ", "Stop if it hurts."]) == "Stop if it hurts."
    assert lay.cautions_line(["skip it after surgery", "Stop if it hurts!"]) == \
        "Skip it after surgery. Stop if it hurts!"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (0.2, "0:01"), (59.5, "1:00"),
                                               (61, "1:01"), (600, "10:00"), (-3, "0:00")])
def test_clock(seconds: float, text: str) -> None:
    assert lay.clock(seconds) == text


def test_monitor_at_picks_the_monitor_holding_the_pointer() -> None:
    left, right = lay.Area(0, 0, 1920, 1080), lay.Area(1920, 0, 2560, 1440)
    screen = lay.Area(0, 0, 4480, 1440)
    assert lay.monitor_at((100, 100), [left, right], screen) == left
    assert lay.monitor_at((2000, 1300), [left, right], screen) == right
    assert lay.monitor_at((100, 1300), [left, right], screen) == left  # in no monitor: first
    assert lay.monitor_at((5, 5), [], screen) == screen


def test_centred_inside_the_area() -> None:
    assert lay.centred(lay.Area(0, 0, 1024, 768), 824, 536) == (100, 116)
    assert lay.centred(lay.Area(1920, 0, 2560, 1440), 1000, 800) == (1920 + 780, 320)
    assert lay.centred(lay.Area(0, 0, 800, 600), 900, 700) == (0, 0)  # too big: top-left
