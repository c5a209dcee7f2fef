"""Pure decisions of the prompt window: the figure's size, button states, cautions, the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from traybreak.ui.prompt import layout as lay
from traybreak.ui.protocol import PromptRequest
from traybreak.ui.toolkit import geometry


@pytest.mark.parametrize("height", [600, 768, 900, 1080, 1440, 2160])
def test_figure_size_leaves_room_for_the_text(height: int) -> None:
    scale = geometry.ui_scale(96, height)
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
])
def test_snooze_disabled_at_the_cap_says_why(snoozed: int, note: str) -> None:
    state = lay.snooze_button(timedelta(minutes=5), 0, snoozed)
    assert not state.enabled and state.shown
    assert state.note == note


def test_snooze_is_not_shown_on_a_prompt_that_could_never_be_snoozed() -> None:
    # max_snoozes = 0, or a break taken now: no "No snoozes left" for a snooze never had (#15)
    state = lay.snooze_button(timedelta(minutes=5), 0, 0)
    assert not state.shown and not state.enabled


def test_button_states_for_a_request() -> None:
    no_snooze = lay.button_states(PromptRequest(snoozes_left=0, snoozed=0), 0.0)
    assert [key for key, state in no_snooze.items() if state.shown] == ["done", "skip"]
    capped = lay.button_states(PromptRequest(snoozes_left=0, snoozed=2), 0.0)
    assert capped["snooze"] == lay.ButtonState("Snooze 5 min", False, "Snoozed twice already")
    strict = PromptRequest(strict=timedelta(seconds=10), skips_left=None)
    assert lay.button_states(strict, 4.0)["skip"].note == "Skip available in 6 s"
    assert lay.button_states(strict, 10.0)["skip"] == lay.ButtonState("Skip")


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


def test_the_buttons_give_exactly_the_answers_a_prompt_takes() -> None:
    from traybreak.core.model import ANSWERS
    from traybreak.ui.prompt.window import BUTTON_OUTCOMES

    assert set(BUTTON_OUTCOMES.values()) == ANSWERS
    assert set(BUTTON_OUTCOMES) == {"done", "snooze", "skip"}
