"""What the prompt window says for an exercise or a message (pure ui/prompt/card.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fakes import sample_exercises

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Caution, Dosage, Exercise, Kind
from traybreak.ui.prompt.breath import DEFAULT_BREATH
from traybreak.ui.prompt.card import exercise_card, fitted_dosage, key_hints, message_card


def _exercise(kind: Kind) -> Exercise:
    return next(ex for ex in sample_exercises() if ex.kind is kind)


def test_exercise_card_text() -> None:
    ex = replace(_exercise(Kind.STRETCH), dosage=Dosage(hold_s=30, per_side=True, sets=2),
                 duration=timedelta(minutes=2),
                 cautions=(Caution("Skip it with a sore knee", ("knee",)),
                           Caution("Stop if it hurts.")))
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


def test_the_card_shows_the_breaks_length_not_the_exercises() -> None:
    """#15: a 20 s stretch rule said "about 1 min" and counted down 1:15; a 5-minute relax
    showed a 1-minute card. The card now runs and says the break's length, amounts fitted."""
    stretch = replace(_exercise(Kind.STRETCH), dosage=Dosage(hold_s=30, per_side=True),
                      duration=timedelta(seconds=75))
    short = exercise_card(stretch, timedelta(seconds=20))
    assert short.tagline.endswith("ABOUT 20 S")
    assert (short.countdown_s, short.dosage) == (20, "Hold 8 s · each side")
    breathing = replace(_exercise(Kind.RELAX), dosage=Dosage(reps=5, unit="breaths"),
                        duration=timedelta(seconds=80))
    long = exercise_card(breathing, timedelta(minutes=5))
    assert long.tagline.endswith("ABOUT 5 MIN")
    assert (long.countdown_s, long.dosage) == (300, "19 breaths")


def test_amounts_are_fitted_to_the_length() -> None:
    minute = timedelta(minutes=1)
    reps = Dosage(reps=10)
    assert fitted_dosage(reps, minute, 2 * minute) == Dosage(reps=10, sets=2)    # repeated
    assert fitted_dosage(reps, minute, minute) == reps                           # as it is
    assert fitted_dosage(reps, minute, minute / 2) == Dosage(reps=5)             # fewer reps
    rounds = Dosage(hold_s=20, sets=2)
    assert fitted_dosage(rounds, minute, minute / 2) == Dosage(hold_s=20, sets=1)  # fewer rounds
    assert fitted_dosage(rounds, minute, minute / 4) == Dosage(hold_s=10, sets=1)  # shorter hold
    hold = Dosage(hold_s=30)
    assert fitted_dosage(hold, 45 * minute / 60, 5 * minute) == Dosage(hold_s=30, sets=7)


def test_relax_cards_get_a_pacer() -> None:
    ex = _exercise(Kind.RELAX)
    assert exercise_card(replace(ex, breath=None)).breath == DEFAULT_BREATH
    assert exercise_card(replace(ex, breath=(4, 4, 4, 4))).breath == (4, 4, 4, 4)


def test_an_eye_rest_gets_no_pacer() -> None:
    """Looking into the distance (or palming) while a circle breathes on the screen is a
    contradiction (#16 point 5): eye rests have no pacer, other relax cards keep theirs."""
    cards = {ex.id: exercise_card(ex) for ex in load_builtin() if ex.kind is Kind.RELAX}
    assert cards["eye_distance_rest"].breath is None
    assert cards["eye_palming"].breath is None
    assert cards["box_breathing"].breath is not None and cards["body_scan"].breath is not None
    eye = replace(_exercise(Kind.RELAX), targets=("eyes",), breath=None)
    assert exercise_card(eye).breath is None
    assert exercise_card(replace(eye, breath=(4, 0, 6, 0))).breath == (4, 0, 6, 0)


def test_message_card() -> None:
    card = message_card("Water", "  Drink a glass of water.  ")
    assert (card.kind, card.name, card.message, card.countdown_s) == \
        (None, "Water", "Drink a glass of water.", 0)
    assert message_card(None, "x").name == "Time for a break"


def test_key_hints_name_only_the_buttons_shown() -> None:
    assert key_hints(["done", "snooze", "skip"]) == "Keys: Enter done · S snooze · Esc skip"
    assert key_hints(["done", "skip"]) == "Keys: Enter done · Esc skip"


def test_a_title_too_long_for_the_header_is_cut() -> None:
    """`traybreak prompt --title` takes any length; the header has room for two lines (#18)."""
    card = message_card("T" * 300, "Drink")
    assert len(card.name) == 80 and card.name.endswith("…")
    assert message_card("  Water  ", "Drink").name == "Water"


def test_control_characters_given_on_the_command_line_are_shown_escaped() -> None:
    card = message_card("Water\x1b]0;x\x07", "Drink\x00 now\nplease")
    assert card.name == "Water\\x1b]0;x\\x07"
    assert card.message == "Drink\\x00 now\nplease"  # its lines stay lines


def test_a_card_at_a_higher_level_asks_that_levels_amounts_and_says_its_level() -> None:
    """#16 point 4: the level's dosage, fitted to the break the level takes; "Level 2 of 3"."""
    from traybreak.catalog.load import load_catalog
    from traybreak.core.progression import level_length

    catalog = load_catalog()
    plank = catalog.require("wall_side_plank")   # 20 s each side, 1 min of its own
    two_minutes = timedelta(minutes=2)
    first = exercise_card(plank, two_minutes)
    assert (first.dosage, first.level, first.progresses) == \
        ("Hold 20 s · each side · 2 rounds", "Level 1 of 3", True)
    top = exercise_card(plank, level_length(plank, 3, two_minutes), level=3)
    assert (top.dosage, top.level, top.countdown_s) == \
        ("Hold 45 s · each side · 2 rounds", "Level 3 of 3", 240.0)
    capped = exercise_card(plank, None, level=3, levels=2)  # the user's choices allow two
    assert (capped.level, capped.dosage) == ("Level 2 of 2", "Hold 30 s · each side")
    squeeze = catalog.require("seated_glute_squeeze")
    harder = exercise_card(squeeze, two_minutes, level=3, variant=catalog.require("sit_to_stand"))
    assert (harder.name, harder.level, harder.dosage) == ("Sit to stand", "Level 3 of 3",
                                                          "10 reps · 2 sets")
    breathing = exercise_card(catalog.require("box_breathing"))
    assert (breathing.level, breathing.progresses) == ("", False)


def test_a_variant_level_whose_card_is_missing_shows_the_card_itself() -> None:
    from traybreak.catalog.load import load_catalog

    squeeze = load_catalog().require("seated_glute_squeeze")
    card = exercise_card(squeeze, timedelta(seconds=80), level=3)  # no variant passed
    assert (card.name, card.dosage, card.level) == (squeeze.name, "Hold 5 s · 10 reps",
                                                    "Level 3 of 3")
