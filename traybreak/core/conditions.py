"""Who a card is not for, and what it needs: the caution tags and props packs and the config share,
and the one rule that says whether an exercise fits the user's settings, conditions and room.

A caution's tags name the conditions it warns about; ``[exercises] avoid`` lists the user's, and
every card with a caution for one of them is left out. ``requires`` names props; a card needing a
prop the user does not ``have`` is left out too. Both vocabularies are closed, so a typo in a pack
or the config is reported instead of silently matching nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from traybreak.core.model import Exercise, Setting


@dataclass(frozen=True)
class Prop:
    """Something an exercise needs besides a desk and a chair; ``usual`` when most desk workers
    have it within a few steps (then the default ``have`` includes it)."""

    id: str
    label: str
    usual: bool
    words: tuple[str, ...]   # a card needing it says so in its steps with one of these
    short: str               # a check box's words in the settings and welcome windows


CAUTION_TAGS: dict[str, str] = {
    "osteoporosis": "osteoporosis, low bone density or a spine fracture",
    "pregnancy": "pregnancy",
    "recent_surgery": "an operation in the last months",
    "back": "a flare of back pain or a back injury",
    "neck": "a neck injury or neck problem",
    "shoulder": "a shoulder injury or a shoulder that has dislocated",
    "wrist": "a wrist, hand or elbow problem",
    "hip": "a hip replacement or a hip problem",
    "knee": "a knee problem",
    "ankle": "an ankle, calf or Achilles problem",
    "balance": "unsteady balance",
    "dizziness": "dizziness when moving the head or standing up",
    "heart": "a heart condition or high blood pressure",
    "lungs": "a lung condition such as asthma or COPD",
    "hernia": "an abdominal hernia",
    "eyes": "an eye problem or recent eye surgery",
}
"""Every caution tag a pack or ``[exercises] avoid`` may use, with what it means."""

CAUTION_LABELS: dict[str, str] = {
    "osteoporosis": "Osteoporosis",
    "pregnancy": "Pregnancy",
    "recent_surgery": "Recent surgery",
    "back": "Back pain or injury",
    "neck": "Neck problem",
    "shoulder": "Shoulder problem",
    "wrist": "Wrist, hand or elbow",
    "hip": "Hip problem",
    "knee": "Knee problem",
    "ankle": "Ankle, calf or Achilles",
    "balance": "Unsteady balance",
    "dizziness": "Dizziness",
    "heart": "Heart or blood pressure",
    "lungs": "Lung condition",
    "hernia": "Abdominal hernia",
    "eyes": "Eye problem",
}
"""Each caution tag in a few words, for a check box (the windows); CAUTION_TAGS says it in full."""

_PROPS = (
    Prop("wall", "a clear stretch of wall", True, ("wall",), "A clear wall"),
    Prop("doorway", "a doorway or the corner of a wall", True, ("doorway", "corner"),
         "A doorway or corner"),
    Prop("fixed_chair", "a sturdy chair without wheels", True, ("without wheels",),
         "A chair without wheels"),
    Prop("low_chair_back", "a steady chair whose back ends below your shoulder blades", True,
         ("below your shoulder blades",), "A low-backed chair"),
    Prop("floor", "floor space to lie or kneel on, with a mat or rug", True, ("mat", "rug"),
         "Floor space and a mat"),
    Prop("step", "a sturdy low step or the bottom stair", False, ("step", "stair"),
         "A low step or stair"),
    Prop("band", "a light resistance band", False, ("band",), "A resistance band"),
)
PROPS: dict[str, Prop] = {prop.id: prop for prop in _PROPS}
"""Every prop a pack's ``requires`` or ``[exercises] have`` may name."""

USUAL_PROPS: frozenset[str] = frozenset(prop.id for prop in _PROPS if prop.usual)
"""The default ``have``: what most desk workers can use without buying anything."""


def left_out(
    exercise: Exercise,
    *,
    settings: Collection[Setting],
    exclude: Collection[str] = (),
    avoid: Collection[str] = (),
    have: Collection[str] | None = None,
) -> str | None:
    """Why the user's choices leave ``exercise`` out, in a few words; None when it fits.

    ``settings``: where the user exercises; ``exclude``: ids never to show; ``avoid``: caution
    tags that apply to the user; ``have``: the props at hand (None: any prop).
    """
    if exercise.id in exclude:
        return "in exclude"
    if exercise.setting not in settings:
        return f"a {exercise.setting.value} exercise, not in settings"
    tags = sorted(exercise.caution_tags & set(avoid))
    if tags:
        return f"has a caution for {', '.join(tags)}"
    missing = [p for p in exercise.requires if have is not None and p not in have]
    if missing:
        return f"needs {', '.join(PROPS[p].label if p in PROPS else p for p in missing)}"
    return None
