"""What the prompt window says for an exercise or a message (pure ui/prompt_card.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fakes import sample_exercises

from traybreak.core.model import Dosage, Exercise, Kind
from traybreak.ui.breath import DEFAULT_BREATH
from traybreak.ui.prompt_card import exercise_card, message_card


def _exercise(kind: Kind) -> Exercise:
    return next(ex for ex in sample_exercises() if ex.kind is kind)


def test_exercise_card_text() -> None:
    ex = replace(_exercise(Kind.STRETCH), dosage=Dosage(hold_s=30, per_side=True, sets=2),
                 duration=timedelta(minutes=2),
                 cautions=("Skip it with a sore knee", "Stop if it hurts."))
    card = exercise_card(ex)
    assert card.tagline.startswith("STRETCH · ")
    assert card.tagline.endswith("ABOUT 2 MIN")
    assert card.dosage == "Hold 30 s · each side · 2 rounds"
    assert card.cautions == "Skip it with a sore knee. Stop if it hurts."
    assert card.countdown_s == 120
    assert card.breath is None
    assert card.window_title == f"{ex.name} · traybreak"


def test_countdown_override() -> None:
    card = exercise_card(_exercise(Kind.STRENGTHEN), timedelta(seconds=4))
    assert card.countdown_s == 4


def test_relax_cards_get_a_pacer() -> None:
    ex = _exercise(Kind.RELAX)
    assert exercise_card(replace(ex, breath=None)).breath == DEFAULT_BREATH
    assert exercise_card(replace(ex, breath=(4, 4, 4, 4))).breath == (4, 4, 4, 4)


def test_message_card() -> None:
    card = message_card("Water", "  Drink a glass of water.  ")
    assert (card.kind, card.name, card.message, card.countdown_s) == \
        (None, "Water", "Drink a glass of water.", 0)
    assert message_card(None, "x").name == "Time for a break"
