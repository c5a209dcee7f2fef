"""The pose library: figure keyframes as data (segment angles on a fixed skeleton), and kinematics.

Pure Python, no Pillow: loads and checks ``traybreak/exercises/poses*.toml`` and turns a keyframe
into 2-D joint positions that ``ui/figures/draw.py`` draws. Units: a 100 × 100 page, y grows
downwards.
"""

from __future__ import annotations

import functools
import logging
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from traybreak.errors import UserError
from traybreak.ui.figures.pose_schema import (
    FRONT_WIDTHS,
    LENGTHS,
    SEGMENTS,
    SHOULDER_DROP,
    PoseError,
    View,
    check_frame,
    check_pose_fields,
    check_prop,
)

log = logging.getLogger(__name__)

__all__ = ["Keyframe", "Pose", "PoseError", "Prop", "View", "load_library", "load_poses",
           "parse_poses", "solve", "tween"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Prop:
    """A piece of scenery (chair, wall, ...) or a per-frame mark (arrow, glow, pacer, ...)."""

    type: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Keyframe:
    """One still of a pose: where the hip is and which way every segment points.

    Angles are degrees on the page: 0 points down, 90 points forward (right, the way a side-view
    figure faces), 180 up, -90 back. ``foreshorten`` shortens segments that point at the viewer.
    """

    root: Point
    angles: Mapping[str, float]
    hold_ms: int = 1000
    highlight: frozenset[str] = frozenset()
    eyes: str = "open"
    gaze: float = 90.0        # side view: which way the face looks (an angle like the others)
    look: float = 0.0         # front view: -1 (figure's right, page left) .. 1 (page right)
    twist: float = 0.0        # front view: upper body turned, -1 .. 1 (shoulders narrow)
    shoulders: Point = (0.0, 0.0)   # shoulder line moved off the spine top (shrug, squeeze back)
    foreshorten: Mapping[str, float] | None = None
    marks: tuple[Prop, ...] = ()


@dataclass(frozen=True)
class Pose:
    """A figure for one exercise (or a generic one): a view, scenery, 2–4 keyframes."""

    key: str
    view: View
    sided: bool
    floor: float
    props: tuple[Prop, ...]
    frames: tuple[Keyframe, ...]


_FRAME_SCALARS = ("hold_ms", "eyes", "gaze", "look", "twist")


def _merge(key: str, base: Keyframe, raw: Mapping[str, Any], where: str) -> Keyframe:
    """``base`` with the fields and angles ``raw`` sets (a frame inherits the frame before it)."""
    angles = dict(base.angles)
    changes: dict[str, Any] = {}
    for name, value in raw.items():
        if name in SEGMENTS:
            angles[name] = float(value)
        elif name in _FRAME_SCALARS:
            changes[name] = value
        elif name in ("root", "shoulders"):
            changes[name] = (float(value[0]), float(value[1]))
        elif name == "highlight":
            changes[name] = frozenset(value)
        elif name == "foreshorten":
            changes[name] = {**(base.foreshorten or {}), **value}
        elif name == "marks":
            changes[name] = tuple(_prop(key, m, f"{where} marks[{i}]") for i, m in enumerate(value))
    if "marks" not in raw:
        changes["marks"] = ()   # marks belong to one frame; everything else carries over
    return replace(base, angles=angles, **changes)


def _prop(key: str, raw: Any, where: str) -> Prop:
    check_prop(key, raw, where)
    params = {k: v for k, v in raw.items() if k != "type"}
    return Prop(type=raw["type"], params=params)


def _base_frame(key: str, raw: Mapping[str, Any], bases: Mapping[str, Keyframe]) -> Keyframe:
    name = raw.get("base")
    if name is None:
        return Keyframe(root=(50.0, 50.0), angles={})
    if name not in bases:
        raise PoseError(f"pose {key!r}: field 'base': unknown base {name!r} "
                        f"(known: {', '.join(sorted(bases))})")
    return bases[name]


def _build_pose(key: str, raw: Mapping[str, Any], bases: Mapping[str, Keyframe]) -> Pose:
    check_pose_fields(key, raw)
    view = View(raw.get("view", "side"))
    frame = replace(_base_frame(key, raw, bases), highlight=frozenset(raw.get("highlight", ())))
    frames = []
    for index, raw_frame in enumerate(raw["frames"], start=1):
        where = f"frame {index}"
        check_frame(key, raw_frame, where, view)
        frame = _merge(key, frame, raw_frame, where)
        frames.append(frame)
    missing = sorted(set(SEGMENTS) - set(frames[0].angles) - {"l_hand", "r_hand"})
    if missing:
        raise PoseError(f"pose {key!r} frame 1: no angle for {', '.join(missing)} "
                        "(set them or start from a base)")
    props = tuple(_prop(key, p, f"props[{i}]") for i, p in enumerate(raw.get("props", ())))
    return Pose(key=key, view=view, sided=bool(raw.get("sided", False)),
                floor=float(raw.get("floor", 90.0)), props=props, frames=tuple(frames))


def parse_poses(data: Mapping[str, Any], bases: Mapping[str, Keyframe] | None = None,
                ) -> tuple[dict[str, Pose], dict[str, Keyframe]]:
    """Validate one parsed pose file: ``[bases.NAME]`` tables and ``[poses.KEY]`` tables.

    Returns (poses, bases); ``bases`` from earlier files can be passed in. Raises PoseError.
    """
    known = dict(bases or {})
    for name, raw in data.get("bases", {}).items():
        key = f"base:{name}"
        check_frame(key, raw, "base", View(raw.get("view", "side")), is_base=True)
        known[name] = _merge(key, Keyframe(root=(50.0, 50.0), angles={}), raw, "base")
    unknown = sorted(set(data) - {"bases", "poses"})
    if unknown:
        raise PoseError(f"unknown top-level table {unknown[0]!r} (use [bases.NAME] or [poses.KEY])")
    poses = {key: _build_pose(key, raw, known) for key, raw in data.get("poses", {}).items()}
    return poses, known


def load_poses(texts: Mapping[str, str]) -> dict[str, Pose]:
    """Parse pose files given as {file name: TOML text}, in name order; errors name the file."""
    poses: dict[str, Pose] = {}
    bases: dict[str, Keyframe] = {}
    for name in sorted(texts):
        try:
            found, bases = parse_poses(tomllib.loads(texts[name]), bases)
        except tomllib.TOMLDecodeError as err:
            raise PoseError(f"{name}: not valid TOML: {err}") from err
        except PoseError as err:
            raise PoseError(f"{name}: {err}") from err
        clash = sorted(set(found) & set(poses))
        if clash:
            raise PoseError(f"{name}: pose {clash[0]!r} is defined twice")
        poses.update(found)
    return poses


@functools.lru_cache(maxsize=1)
def load_library() -> Mapping[str, Pose]:
    """The built-in pose library (every ``poses*.toml`` shipped in traybreak.exercises)."""
    folder = resources.files("traybreak.exercises")
    texts = {entry.name: entry.read_text(encoding="utf-8") for entry in folder.iterdir()
             if entry.name.startswith("poses") and entry.name.endswith(".toml")}
    if not texts:
        raise UserError("the built-in pose files are missing: reinstall traybreak")
    return load_poses(texts)


def _direction(angle: float) -> Point:
    radians = math.radians(angle)
    return math.sin(radians), math.cos(radians)


def solve(frame: Keyframe, view: View) -> dict[str, Point]:
    """Forward kinematics: every joint's page position for ``frame`` (see SEGMENTS for names)."""
    points: dict[str, Point] = {"hip": frame.root}
    for segment, (start, end) in SEGMENTS.items():
        if segment == "l_upper_arm":   # the spine is done: hang hips and shoulders across it
            _place_pairs(points, frame, view)
        if segment in ("l_hand", "r_hand") and segment not in frame.angles:
            points[end] = points[start]  # no hand angle: the hand is just the round end of the arm
            continue
        length = LENGTHS[segment] * (frame.foreshorten or {}).get(segment, 1.0)
        dx, dy = _direction(frame.angles[segment])
        x, y = points[start]
        points[end] = (x + dx * length, y + dy * length)
    return points


def _place_pairs(points: dict[str, Point], frame: Keyframe, view: View) -> None:
    """Hips sit across the lower spine, shoulders across the upper spine.

    In the front view the figure's left (``l_``) is on the page's right, as when facing someone.
    """
    hip_half, shoulder_half = FRONT_WIDTHS if view is View.FRONT else (0.0, 0.0)
    shoulder_half *= math.cos(frame.twist * math.pi / 2) * 0.6 + 0.4  # a turned chest looks narrow
    hip_across = _direction(frame.angles["spine_low"] - 90)
    top_across = _direction(frame.angles["spine_high"] - 90)
    (hx, hy), (tx, ty), (sx, sy) = points["hip"], points["top"], frame.shoulders
    if view is View.SIDE:   # seen from the side, the shoulder joint sits below the spine top
        down = _direction(frame.angles["spine_high"])
        tx, ty = tx - down[0] * SHOULDER_DROP, ty - down[1] * SHOULDER_DROP
    for side, sign in (("l", 1.0), ("r", -1.0)):
        points[f"{side}_hip"] = (hx + hip_across[0] * hip_half * sign,
                                 hy + hip_across[1] * hip_half * sign)
        points[f"{side}_shoulder"] = (tx + top_across[0] * shoulder_half * sign + sx,
                                      ty + top_across[1] * shoulder_half * sign + sy)


def _lerp_angle(a: float, b: float, t: float) -> float:
    delta = (b - a + 180.0) % 360.0 - 180.0   # the short way round
    return a + delta * t


def tween(a: Keyframe, b: Keyframe, t: float) -> Keyframe:
    """The in-between of two keyframes at ``t`` in 0..1 (marks and highlight: the nearer one)."""
    near = a if t < 0.5 else b
    angles = {name: _lerp_angle(a.angles[name], b.angles.get(name, a.angles[name]), t)
              for name in a.angles}
    fore = {name: (a.foreshorten or {}).get(name, 1.0) * (1 - t)
            + (b.foreshorten or {}).get(name, 1.0) * t
            for name in {**(a.foreshorten or {}), **(b.foreshorten or {})}}

    def mix(p: Point, q: Point) -> Point:
        return p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t

    return replace(near, root=mix(a.root, b.root), angles=angles, foreshorten=fore,
                   gaze=_lerp_angle(a.gaze, b.gaze, t), look=a.look + (b.look - a.look) * t,
                   twist=a.twist + (b.twist - a.twist) * t, shoulders=mix(a.shoulders, b.shoulders))
