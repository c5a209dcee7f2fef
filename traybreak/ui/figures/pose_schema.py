"""The figure skeleton (segment names, lengths, joints) and the checks that pose data obeys it.

Pure Python. Every check raises PoseError with one line naming the pose, the frame and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from traybreak.errors import UserError


class View(StrEnum):
    """Which way we look at the figure: from its side (facing right) or from its front."""

    SIDE = "side"
    FRONT = "front"


class PoseError(UserError):
    """Pose data that does not fit the skeleton or the format; the message names pose and field."""


def _limbs(side: str) -> dict[str, tuple[str, str]]:
    return {
        f"{side}_upper_arm": (f"{side}_shoulder", f"{side}_elbow"),
        f"{side}_forearm": (f"{side}_elbow", f"{side}_wrist"),
        f"{side}_hand": (f"{side}_wrist", f"{side}_hand"),
        f"{side}_thigh": (f"{side}_hip", f"{side}_knee"),
        f"{side}_shin": (f"{side}_knee", f"{side}_ankle"),
        f"{side}_foot": (f"{side}_ankle", f"{side}_toe"),
    }


# segment: (start joint, end joint), in solving order. "head" ends at the centre of the head.
SEGMENTS: dict[str, tuple[str, str]] = {
    "spine_low": ("hip", "waist"),
    "spine_high": ("waist", "top"),
    "neck": ("top", "neck_top"),
    "head": ("neck_top", "head"),
    **_limbs("l"),
    **_limbs("r"),
}
HEAD_RADIUS = 6.8
_LIMB_LENGTHS = {"upper_arm": 13.0, "forearm": 11.5, "hand": 4.5, "thigh": 19.0, "shin": 18.5,
                 "foot": 6.0}
LENGTHS: dict[str, float] = {
    "spine_low": 12.0, "spine_high": 13.0, "neck": 4.0, "head": HEAD_RADIUS,
    **{f"{side}_{part}": length for side in "lr" for part, length in _LIMB_LENGTHS.items()},
}
FRONT_WIDTHS = (4.6, 8.4)   # half the hip width, half the shoulder width (front view)
SHOULDER_DROP = 2.5         # side view: shoulder joint below the top of the spine
JOINTS: frozenset[str] = frozenset({"hip"} | {end for _, end in SEGMENTS.values()}
                                   | {"l_hip", "r_hip", "l_shoulder", "r_shoulder"})
ANGLE_RANGE = (-180.0, 180.0)

_POSE_FIELDS = {"view", "base", "sided", "floor", "props", "frames", "highlight"}
_FRAME_FIELDS = {"root", "shoulders", "hold_ms", "highlight", "eyes", "gaze", "look", "twist",
                 "foreshorten", "marks"}

Check = Callable[[Any], str | None]   # returns what is wrong, or None


def _number(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, not {value!r}"
        if not low <= value <= high:
            return f"{value} is out of range ({low:g}..{high:g})"
        return None
    return check


def _choice(*options: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}, not {value!r}"
    return check


def _names(known: frozenset[str] | dict[str, Any], count: int | None = None) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or (count is not None and len(value) != count):
            return f"must be a list of {count or 'some'} names"
        unknown = [v for v in value if v not in known]
        return f"unknown joint {unknown[0]!r}" if unknown else None
    return check


def _joint(value: Any) -> str | None:
    return None if value in JOINTS else f"unknown joint {value!r}"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {value!r}"


def _pair(value: Any) -> str | None:
    if not (isinstance(value, list) and len(value) == 2):
        return f"must be two numbers [x, y], not {value!r}"
    return _number(-200, 300)(value[0]) or _number(-200, 300)(value[1])


_COORD = _number(-50, 150)
_SIZE = _number(0, 150)
# prop type: (required params, optional params)
PROPS: dict[str, tuple[dict[str, Check], dict[str, Check]]] = {
    "chair": ({"x": _COORD, "y": _COORD}, {"back": _choice("left", "right", "none")}),
    "chair_front": ({"x": _COORD, "y": _COORD}, {}),
    "desk": ({"x0": _COORD, "x1": _COORD, "y": _COORD}, {"monitor": _flag}),
    "wall": ({"x": _COORD}, {"top": _COORD, "side": _choice("left", "right")}),
    "door": ({"x": _COORD}, {"top": _COORD}),
    "mat": ({"x0": _COORD, "x1": _COORD}, {}),
    "step": ({"x0": _COORD, "x1": _COORD, "y": _COORD}, {}),
    "window": ({"x": _COORD, "y": _COORD, "w": _SIZE, "h": _SIZE}, {}),
    "bottle": ({"at": _joint}, {"angle": _number(*ANGLE_RANGE)}),
    "band": ({"between": _names(JOINTS, 2)}, {}),
    "arrow": ({"x0": _COORD, "y0": _COORD, "x1": _COORD, "y1": _COORD}, {"bend": _number(-60, 60)}),
    "glow": ({"at": _joint}, {"r": _SIZE, "dx": _COORD, "dy": _COORD}),
    "tension": ({"at": _joint}, {"r": _SIZE}),
    "breath": ({"at": _joint}, {"angle": _number(*ANGLE_RANGE), "out": _flag}),
    "pacer": ({"x": _COORD, "y": _COORD, "size": _SIZE, "dot": _number(0, 3)}, {}),
}

_FIELD_CHECKS: dict[str, Check] = {
    "root": _pair, "shoulders": _pair, "hold_ms": _number(100, 10000),
    "highlight": _names(SEGMENTS), "eyes": _choice("open", "closed"),
    "gaze": _number(*ANGLE_RANGE), "look": _number(-1, 1), "twist": _number(-1, 1),
}


def _fail(key: str, where: str, message: str) -> PoseError:
    place = f"pose {key!r} {where}".rstrip()
    return PoseError(f"{place}: {message}")


def check_pose_fields(key: str, raw: Any) -> None:
    """The pose table itself: known fields, a known view, 2–4 frames."""
    if not isinstance(raw, dict):
        raise _fail(key, "", "must be a table")
    unknown = sorted(set(raw) - _POSE_FIELDS)
    if unknown:
        known = ", ".join(sorted(_POSE_FIELDS))
        raise _fail(key, "", f"unknown field {unknown[0]!r} (known: {known})")
    if raw.get("view", "side") not in tuple(View):
        raise _fail(key, "", f"field 'view': must be side or front, not {raw['view']!r}")
    frames = raw.get("frames")
    if not isinstance(frames, list) or not 2 <= len(frames) <= 4:
        found = len(frames) if isinstance(frames, list) else 0
        raise _fail(key, "", f"field 'frames': needs 2–4 keyframes ([[poses.{key}.frames]]), "
                    f"found {found}")
    problem = _FIELD_CHECKS["highlight"](raw.get("highlight", []))
    if problem:
        raise _fail(key, "", f"field 'highlight': {problem}")
    if not isinstance(raw.get("props", []), list):
        raise _fail(key, "", "field 'props': must be a list of tables")


def check_frame(key: str, raw: Any, where: str, view: View, *, is_base: bool = False) -> None:
    """A keyframe (or a base): every name is a segment or a frame field, every value in range."""
    if not isinstance(raw, dict):
        raise _fail(key, where, "must be a table")
    allowed = _FRAME_FIELDS | ({"view"} if is_base else set())
    for name, value in raw.items():
        if name in SEGMENTS:
            problem = _number(*ANGLE_RANGE)(value)
        elif name not in allowed:
            raise _fail(key, where, f"unknown joint {name!r} (segments: {', '.join(SEGMENTS)})")
        elif name == "foreshorten":
            problem = _foreshorten(value)
        elif name == "marks":
            problem = None if isinstance(value, list) else "must be a list of tables"
        elif name == "view":
            problem = _choice(*View)(value)
        else:
            problem = _FIELD_CHECKS[name](value)
        if problem:
            raise _fail(key, where, f"field {name!r}: {problem}")


def _foreshorten(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a table of segment = factor"
    for name, factor in value.items():
        if name not in SEGMENTS:
            return f"unknown joint {name!r}"
        problem = _number(0.05, 1.0)(factor)
        if problem:
            return f"{name}: {problem}"
    return None


def check_prop(key: str, raw: Any, where: str) -> None:
    """A prop or mark: a known type with its required parameters, each in range."""
    if not isinstance(raw, Mapping) or raw.get("type") not in PROPS:
        kind = raw.get("type") if isinstance(raw, Mapping) else raw
        raise _fail(key, where, f"field 'type': unknown prop {kind!r} "
                    f"(known: {', '.join(sorted(PROPS))})")
    required, optional = PROPS[raw["type"]]
    for name in required:
        if name not in raw:
            raise _fail(key, where, f"field {name!r}: a {raw['type']} needs it")
    for name, value in raw.items():
        if name == "type":
            continue
        check = required.get(name) or optional.get(name)
        if check is None:
            raise _fail(key, where, f"field {name!r}: not a {raw['type']} parameter")
        problem = check(value)
        if problem:
            raise _fail(key, where, f"field {name!r}: {problem}")
