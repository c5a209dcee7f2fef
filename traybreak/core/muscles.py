"""The muscle groups and the sitting imbalance patterns that exercises counter: sitting keeps
some muscles short (they get stretched) and lets their opposites go slack (they get strengthened);
a pattern pairs the two sides so a stretch can be followed by its strengthener."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """Which side of an imbalance a muscle group sits on."""

    TIGHT = "tight"
    WEAK = "weak"
    CALM = "calm"  # not a muscle imbalance: breathing, eyes, the nervous system


@dataclass(frozen=True)
class MuscleGroup:
    """A group the rotation balances over."""

    id: str
    label: str
    side: Side


@dataclass(frozen=True)
class Pattern:
    """A tight-versus-weak pairing caused by desk posture."""

    id: str
    label: str
    tight: tuple[str, ...]
    weak: tuple[str, ...]


_GROUPS = (
    MuscleGroup("hip_flexors", "hip flexors (psoas)", Side.TIGHT),
    MuscleGroup("hamstrings", "hamstrings", Side.TIGHT),
    MuscleGroup("piriformis", "piriformis and deep hip rotators", Side.TIGHT),
    MuscleGroup("chest", "chest (pectorals)", Side.TIGHT),
    MuscleGroup("upper_traps", "upper trapezius and levator scapulae", Side.TIGHT),
    MuscleGroup("lats", "latissimus dorsi", Side.TIGHT),
    MuscleGroup("quadratus_lumborum", "quadratus lumborum", Side.TIGHT),
    MuscleGroup("calves", "calves", Side.TIGHT),
    MuscleGroup("wrist_flexors", "wrist and forearm flexors", Side.TIGHT),
    MuscleGroup("neck", "neck extensors and side of the neck", Side.TIGHT),
    MuscleGroup("thoracic_spine", "upper back (thoracic) mobility", Side.TIGHT),
    MuscleGroup("glute_max", "gluteus maximus", Side.WEAK),
    MuscleGroup("glute_med", "gluteus medius", Side.WEAK),
    MuscleGroup("deep_core", "deep core (transversus abdominis)", Side.WEAK),
    MuscleGroup("obliques", "obliques", Side.WEAK),
    MuscleGroup("rhomboids", "mid-back (rhomboids, middle trapezius)", Side.WEAK),
    MuscleGroup("lower_traps", "lower trapezius", Side.WEAK),
    MuscleGroup("deep_neck_flexors", "deep neck flexors", Side.WEAK),
    MuscleGroup("spinal_erectors", "spinal erectors", Side.WEAK),
    MuscleGroup("wrist_extensors", "wrist and forearm extensors", Side.WEAK),
    MuscleGroup("breathing", "breathing (diaphragm)", Side.CALM),
    MuscleGroup("whole_body", "whole-body tension", Side.CALM),
    MuscleGroup("eyes", "eyes", Side.CALM),
)

_PATTERNS = (
    Pattern("front_hip", "tight hip flexors, weak glutes and core",
            ("hip_flexors",), ("glute_max", "deep_core")),
    Pattern("back_of_legs", "tight hamstrings and calves, weak glutes and back extensors",
            ("hamstrings", "calves"), ("glute_max", "spinal_erectors")),
    Pattern("side_of_hip", "tight hip rotators and lower-back side, weak side glutes and obliques",
            ("piriformis", "quadratus_lumborum"), ("glute_med", "obliques")),
    Pattern("rounded_shoulders", "tight chest and lats, weak mid-back and lower trapezius",
            ("chest", "lats"), ("rhomboids", "lower_traps")),
    Pattern("forward_head", "tight upper trapezius and neck, weak deep neck flexors",
            ("upper_traps", "neck"), ("deep_neck_flexors", "lower_traps")),
    Pattern("stiff_upper_back", "stiff upper back, weak spinal erectors",
            ("thoracic_spine",), ("spinal_erectors",)),
    Pattern("forearms", "tight forearm flexors, weak extensors",
            ("wrist_flexors",), ("wrist_extensors",)),
    Pattern("stress", "daily stress held as muscle tension", (), ()),
)

GROUPS: dict[str, MuscleGroup] = {g.id: g for g in _GROUPS}
PATTERNS: dict[str, Pattern] = {p.id: p for p in _PATTERNS}


def partner_groups(group_id: str) -> tuple[str, ...]:
    """The groups on the other side of every pattern ``group_id`` belongs to (tight ↔ weak)."""
    out: list[str] = []
    for pattern in _PATTERNS:
        if group_id in pattern.tight:
            out.extend(g for g in pattern.weak if g not in out)
        elif group_id in pattern.weak:
            out.extend(g for g in pattern.tight if g not in out)
    return tuple(out)
