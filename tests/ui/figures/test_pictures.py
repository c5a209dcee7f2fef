"""Each built-in figure shows what its card says (#16 point 5).

Every keyframe of every built-in exercise is rendered, and its pose data is checked against the
claims the card's text makes that a program can check: hands on the desk, the seat, the thighs or
the hips when the text puts them there, both feet down unless the text lifts one, which way the
body or the head bends, arms crossed, a flat back, a visible Y, the props the card requires, and
no glow on the chest for a back exercise. A claim is found in the text by a phrase (``CLAIMS``);
a check fails when the pose does not show it, so a figure drawn wrong fails here.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Exercise, Setting
from traybreak.ui.figures.draw import hand_behind_head, render_exercise
from traybreak.ui.figures.poses import Keyframe, Point, Pose, View, load_library, solve

BUILTINS = load_builtin()
NEAR = 4.0         # page units: a hand (radius 3) this close to a wall rests on it
FOOT = 3.2         # a foot's lowest joint this close to the ground stands on it (stroke 4 wide)
HANDS = ("l_hand", "r_hand")
WRISTS = ("l_wrist", "r_wrist")


@dataclass(frozen=True)
class Still:
    """One keyframe of a pose with its joints solved."""

    pose: Pose
    frame: Keyframe
    joints: dict[str, Point]


def _stills(exercise: Exercise) -> list[Still]:
    pose = load_library()[exercise.pose or exercise.id]
    return [Still(pose, frame, solve(frame, pose.view)) for frame in pose.frames]


def _text(exercise: Exercise) -> str:
    return " ".join(exercise.steps).lower()


def _props(pose: Pose, kind: str) -> list[dict[str, float]]:
    return [dict(p.params) for p in pose.props if p.type == kind]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    length = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay))
                                            / length))
    return math.dist(p, (ax + t * (bx - ax), ay + t * (by - ay)))


# ---- where things rest ---------------------------------------------------------------------------

def _on_desk(still: Still, hand: str) -> bool:
    x, y = still.joints[hand]
    return any(-5 <= y - d["y"] <= 3 and min(d["x0"], d["x1"]) - 1 <= x <= max(d["x0"], d["x1"]) + 1
               for d in _props(still.pose, "desk"))


def _on_wall(still: Still, hand: str) -> bool:
    x, _ = still.joints[hand]
    walls = _props(still.pose, "wall") + _props(still.pose, "door")
    return any(abs(x - w["x"]) <= NEAR for w in walls)


def _on_seat(still: Still, hand: str) -> bool:
    x, y = still.joints[hand]
    chairs = _props(still.pose, "chair") + _props(still.pose, "chair_front")
    return any(-5 <= y - c["y"] <= 4 and abs(x - c["x"]) <= 16 for c in chairs)


def _ground(still: Still, x: float) -> float:
    """The height a foot at ``x`` stands on: a step under it, else the floor."""
    tops = [s["y"] for s in _props(still.pose, "step") if s["x0"] - 1 <= x <= s["x1"] + 1]
    return min([*tops, still.pose.floor])


def _foot_down(still: Still, side: str) -> bool:
    """The foot's lowest point (heel or toe) rests on the floor or a step."""
    lowest = max((still.joints[f"{side}_ankle"], still.joints[f"{side}_toe"]), key=lambda p: p[1])
    return abs(lowest[1] - _ground(still, lowest[0])) <= FOOT


def _foot_rise(still: Still, side: str) -> float:
    lowest = max((still.joints[f"{side}_ankle"], still.joints[f"{side}_toe"]), key=lambda p: p[1])
    return still.pose.floor - lowest[1]


def _lean(still: Still) -> float:
    """Degrees the trunk (hip to spine top) leans forward (negative: back); side view."""
    (hx, hy), (tx, ty) = still.joints["hip"], still.joints["top"]
    return math.degrees(math.atan2(tx - hx, hy - ty))


def _holding_hand(still: Still) -> str:
    """The hand on the seat (the lower one), in a front view."""
    return max(HANDS, key=lambda hand: still.joints[hand][1])


def _side_of(still: Still, point: Point) -> float:
    """-1 or 1: which side of the spine ``point`` is on (page x)."""
    return math.copysign(1.0, point[0] - still.joints["hip"][0])


# ---- the claims ----------------------------------------------------------------------------------

Check = Callable[[Exercise, list[Still]], None]


def _hands_on_support(exercise: Exercise, stills: list[Still]) -> None:
    step = next(s for s in exercise.steps if re.search(r"\b(both hands|one hand)\b", s.lower()))
    wanted = 2 if "both hands" in step.lower() else 1
    for index, still in enumerate(stills, 1):
        resting = [h for h in HANDS if _on_desk(still, h) or _on_wall(still, h)]
        assert len(resting) >= wanted, f"frame {index}: {wanted} hand(s) on the desk/wall: {step!r}"


def _hands_on_seat(exercise: Exercise, stills: list[Still]) -> None:
    wanted = 2 if re.search(r"hands resting on the sides of the seat", _text(exercise)) else 1
    for index, still in enumerate(stills, 1):
        resting = [h for h in HANDS if _on_seat(still, h)]
        assert len(resting) >= wanted, f"frame {index}: {wanted} hand(s) on the seat"


def _feet_down(exercise: Exercise, stills: list[Still]) -> None:
    for index, still in enumerate(stills, 1):
        for side in "lr":
            assert _foot_down(still, side), f"frame {index}: {side} foot is off the floor"


def _a_foot_lifts(exercise: Exercise, stills: list[Still]) -> None:
    assert any(not _foot_down(s, side) for s in stills for side in "lr"), \
        "the text lifts a foot but every frame has both feet down"
    if "a few centimetres" in _text(exercise):
        for index, still in enumerate(stills, 1):
            for side in "lr":
                assert _foot_rise(still, side) <= 7, f"frame {index}: foot lifted too high"


def _leans_forward(exercise: Exercise, stills: list[Still]) -> None:
    if stills[0].pose.view is not View.SIDE:
        return
    leans = [_lean(s) for s in stills]
    assert min(leans) > -3, f"the text leans forward, a frame leans back ({min(leans):.0f}°)"
    assert max(leans) >= 8, "the text leans forward, no frame does"


def _trunk_still(exercise: Exercise, stills: list[Still]) -> None:
    leans = [_lean(s) for s in stills]
    assert max(leans) - min(leans) <= 4 and min(leans) > -3, f"the trunk moves or leans: {leans}"


def _back_flat(exercise: Exercise, stills: list[Still]) -> None:
    for index, still in enumerate(stills, 1):
        bend = abs((still.frame.angles["spine_high"] - still.frame.angles["spine_low"] + 180)
                   % 360 - 180)
        assert bend <= 12, f"frame {index}: the back rounds or arches {bend:.0f}°, text says flat"


def _arms_crossed(exercise: Exercise, stills: list[Still]) -> None:
    for index, still in enumerate(stills, 1):
        j = still.joints
        for wrist in WRISTS:
            reach = _segment_distance(j[wrist], j["waist"], j["top"])
            limit = 7.0 if still.pose.view is View.SIDE else 11.0
            assert reach <= limit, f"frame {index}: {wrist} is {reach:.1f} off the chest"
            assert j[wrist][1] <= j["waist"][1], f"frame {index}: {wrist} below the chest"
        if still.pose.view is View.FRONT:   # crossed: each hand on the other side
            assert _side_of(still, j["l_wrist"]) != _side_of(still, j["l_shoulder"]), index
            assert _side_of(still, j["r_wrist"]) != _side_of(still, j["r_shoulder"]), index


def _hands_behind_head(exercise: Exercise, stills: list[Still]) -> None:
    if stills[0].pose.view is not View.SIDE:
        return
    for index, still in enumerate(stills, 1):
        hx, hy = still.joints["head"]
        for hand in HANDS:
            x, y = still.joints[hand]
            assert math.dist((x, y), (hx, hy)) <= 10, f"frame {index}: {hand} not at the head"
            facing = math.sin(math.radians(still.frame.gaze))
            assert (x - hx) * facing < 0, f"frame {index}: {hand} in front of the face"


def _hand_drawn_behind_head(exercise: Exercise, stills: list[Still]) -> None:
    """A hand on the back of the head is drawn behind it: the face stays clear (the chair-back
    arch used to show its head as a blob of arms)."""
    still = stills[-1]
    behind = [s for s in "lr" if hand_behind_head(still.pose.view, still.frame, still.joints, s)]
    assert behind, "no hand rests behind the head in the held frame"


def _y_shape(exercise: Exercise, stills: list[Still]) -> None:
    assert stills[0].pose.view is View.FRONT, "a Y is only seen from the front"

    def is_y(still: Still) -> bool:
        j = still.joints
        up = all(j[w][1] < j["head"][1] for w in WRISTS)
        a = math.atan2(j["l_wrist"][0] - j["l_shoulder"][0], j["l_shoulder"][1] - j["l_wrist"][1])
        b = math.atan2(j["r_wrist"][0] - j["r_shoulder"][0], j["r_shoulder"][1] - j["r_wrist"][1])
        return up and 40 <= math.degrees(abs(a - b)) <= 130

    assert any(is_y(s) for s in stills), "no frame shows both arms up in a Y"


def _w_shape(exercise: Exercise, stills: list[Still]) -> None:
    def is_w(still: Still) -> bool:
        j = still.joints
        for side in "lr":
            elbow, wrist = j[f"{side}_elbow"], j[f"{side}_wrist"]
            if wrist[1] >= elbow[1]:
                return False   # forearms point up in a W
            if math.dist(wrist, j["head"]) < 9:
                return False   # beside the body, not at the chin
        return True

    assert any(is_w(s) for s in stills), "no frame shows the arms in a W"


def _hands_on(part: str, segments: tuple[tuple[str, str], ...], limit: float) -> Check:
    """Every frame has both hands within ``limit`` of one of ``segments`` (joint pairs)."""
    def check(exercise: Exercise, stills: list[Still]) -> None:
        for index, still in enumerate(stills, 1):
            j = still.joints
            for hand in HANDS:
                reach = min(_segment_distance(j[hand], j[a], j[b]) for a, b in segments)
                assert reach <= limit, f"frame {index}: {hand} is {reach:.1f} off the {part}"
    return check


def _fingers_down(exercise: Exercise, stills: list[Still]) -> None:
    def bent_back(still: Still) -> bool:
        return any(hand in still.frame.angles and abs(still.frame.angles[hand]) <= 35
                   and abs(still.frame.angles[hand.replace("hand", "forearm")] - 90) <= 20
                   for hand in HANDS)

    assert any(bent_back(s) for s in stills), "no frame shows a drawn hand bent fingers-down"


def _ear_to_shoulder(exercise: Exercise, stills: list[Still]) -> None:
    still = stills[-1]
    assert still.pose.view is View.FRONT
    tilt = still.frame.angles["head"]
    assert abs(abs(tilt) - 180) >= 15, "the head does not tilt"
    assert abs(still.frame.look) <= 0.15, "the head turns; the text tilts it without turning"
    hold = _holding_hand(still)
    assert _side_of(still, still.joints["head"]) != _side_of(still, still.joints[hold]), \
        "the head tilts toward the holding hand, the text tilts it away"


def _nose_to_armpit(exercise: Exercise, stills: list[Still]) -> None:
    still = stills[-1]
    assert still.pose.view is View.FRONT
    assert abs(still.frame.look) >= 0.4, "the head does not turn toward the armpit"
    hold = _holding_hand(still)
    head = still.joints["head"]
    assert _side_of(still, head) != _side_of(still, still.joints[hold]), \
        "the head drops toward the holding hand"
    assert math.copysign(1.0, still.frame.look) == _side_of(still, head), \
        "the head looks one way and drops the other"
    assert head[1] - stills[0].joints["head"][1] >= 2, "the nose does not drop"


def _bend_toward_holding_hand(exercise: Exercise, stills: list[Still]) -> None:
    still = stills[-1]
    hold = _holding_hand(still)
    assert _side_of(still, still.joints["top"]) == _side_of(still, still.joints[hold]), \
        "the trunk bends away from the holding hand"
    other = "l_wrist" if hold == "r_hand" else "r_wrist"
    assert still.joints[other][1] < still.joints["head"][1], "the other arm is not overhead"


def _bend_away_from_raised_arm(exercise: Exercise, stills: list[Still]) -> None:
    still = stills[-1]
    raised = min("lr", key=lambda side: still.joints[f"{side}_wrist"][1])
    assert still.joints[f"{raised}_wrist"][1] < still.joints["head"][1], "no arm overhead"
    shoulder = still.joints[f"{raised}_shoulder"]   # the wrist may reach over past the head
    assert _side_of(still, still.joints["top"]) != _side_of(still, shoulder), \
        "the trunk bends toward the raised arm, not up and over it"


def _no_pacer(exercise: Exercise, stills: list[Still]) -> None:
    for still in stills:
        assert not [m for m in still.frame.marks if m.type == "pacer"], \
            "an on-screen breathing pacer in a figure that tells you to look away"


# the text lifts a foot off the floor (else both feet stay down)
LIFTS = (r"lift one foot|lift the outer leg|cross one ankle|ankle on the opposite knee"
         r"|other foot hang")
# phrase in the card's steps -> what the figure must show
CLAIMS: list[tuple[str, Check]] = [
    (r"(both hands|one hand) on (it|its edge|the rail or wall)|hold (it|its edge)\b.*with "
     r"(both hands|one hand)", _hands_on_support),
    (r"(hold the side of (your|the) seat|hands resting on the sides of the seat)",
     _hands_on_seat),
    (LIFTS, _a_foot_lifts),
    (r"lean forward (slightly|a little)", _leans_forward),
    (r"without leaning back|keep your trunk still", _trunk_still),
    (r"back flat|flat back", _back_flat),
    (r"cross your arms over your chest", _arms_crossed),
    (r"fingers behind your head", _hands_behind_head),
    (r"fingers behind your head|hand lightly on the back of your head", _hand_drawn_behind_head),
    (r"into a y\b", _y_shape),
    (r"into a w\b", _w_shape),
    (r"hands (resting )?on your thighs",
     _hands_on("thighs", (("l_hip", "l_knee"), ("r_hip", "r_knee")), 4.5)),
    (r"hands on your hips", _hands_on("hips", (("hip", "waist"),), 6)),
    (r"fingers point at the floor", _fingers_down),
    (r"ear toward its shoulder", _ear_to_shoulder),
    (r"nose toward that armpit", _nose_to_armpit),
    (r"lean toward the holding hand", _bend_toward_holding_hand),
    (r"reaching up and over", _bend_away_from_raised_arm),
    (r"look away from the screen", _no_pacer),
]
# props a card requires -> the scenery that must be drawn for it
REQUIRED_SCENERY = {"step": {"step"}, "wall": {"wall"}, "doorway": {"door"},
                    "fixed_chair": {"chair", "chair_front"}, "low_chair_back": {"chair"},
                    "floor": {"mat"}}
# groups on the front of the trunk: only they may glow on the chest of a front view
FRONT_OF_TRUNK = {"chest", "deep_core", "obliques", "breathing", "whole_body",
                  "quadratus_lumborum", "lats", "hip_flexors"}
TRUNK_JOINTS = {"top", "waist", "hip"}   # the shoulders' tops are seen from the front


def _claims(exercise: Exercise) -> list[Check]:
    text = _text(exercise)
    return [check for phrase, check in CLAIMS if re.search(phrase, text)]


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_every_keyframe_renders(exercise: Exercise) -> None:
    frames = render_exercise(exercise, size=120)
    assert len(frames) == len(_stills(exercise))
    for index, (a, b) in enumerate(itertools.pairwise(frames), 1):
        assert a.image.tobytes() != b.image.tobytes(), f"frames {index} and {index + 1} alike"


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_the_figure_shows_what_the_text_says(exercise: Exercise) -> None:
    stills = _stills(exercise)
    for check in _claims(exercise):
        check(exercise, stills)
    lifts = re.search(LIFTS, _text(exercise))
    if exercise.setting in (Setting.SEATED, Setting.STANDING) and not lifts:
        _feet_down(exercise, stills)


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_the_scenery_has_what_the_card_requires(exercise: Exercise) -> None:
    drawn = {p.type for p in _stills(exercise)[0].pose.props}
    for need in exercise.requires:
        wanted = REQUIRED_SCENERY.get(need)
        if wanted:
            assert drawn & wanted, f"requires {need} but the figure has none of {wanted}"


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_no_chest_glow_for_a_back_exercise(exercise: Exercise) -> None:
    stills = _stills(exercise)
    if stills[0].pose.view is not View.FRONT or FRONT_OF_TRUNK & set(exercise.targets):
        return
    for index, still in enumerate(stills, 1):
        glows = [p for p in (*still.pose.props, *still.frame.marks) if p.type == "glow"]
        on_chest = [g.params["at"] for g in glows if g.params["at"] in TRUNK_JOINTS]
        assert not on_chest, f"frame {index}: glow on the chest at {on_chest}, targets " \
            f"{exercise.targets} are behind"
        lit = still.frame.highlight & {"spine_low", "spine_high"}
        assert not lit, f"frame {index}: the chest is highlighted for {exercise.targets}"


# where on the figure each muscle group may be lit (a highlighted segment or a glow's joint, without
# its l_/r_ side): a lit part no target of the card lives in points at the wrong muscles
_HIP, _FLANK = {"hip", "thigh"}, {"waist", "hip", "spine_low"}
_UPPER_BACK = {"spine_high", "top", "shoulder"}
LIT_PLACES: dict[str, set[str]] = {
    "hip_flexors": _HIP | {"spine_low"}, "hamstrings": {"thigh", "shin"},
    "calves": {"shin", "foot"},
    "piriformis": _HIP, "glute_max": _HIP, "glute_med": _HIP,
    "lats": {"upper_arm", "spine_high", "spine_low", "waist"},
    "quadratus_lumborum": _FLANK, "obliques": _FLANK, "deep_core": _FLANK,
    "chest": {"upper_arm", *_UPPER_BACK}, "upper_traps": {"neck", "shoulder", "top"},
    "neck": {"neck", "head"}, "deep_neck_flexors": {"neck", "head"},
    "wrist_flexors": {"forearm", "hand"}, "wrist_extensors": {"forearm", "hand"},
    "thoracic_spine": {"spine_high", "top"}, "rhomboids": _UPPER_BACK, "lower_traps": _UPPER_BACK,
    "spinal_erectors": {"spine_high", "spine_low", "waist", "hip"},
    "breathing": {"top", "waist", "spine_high", "spine_low"}, "eyes": {"head"},
}
WHOLE_BODY = "whole_body"


def _place(name: str) -> str:
    return name[2:] if name[:2] in ("l_", "r_") else name


@pytest.mark.parametrize("exercise", BUILTINS, ids=lambda ex: ex.id)
def test_what_is_lit_is_what_the_card_targets(exercise: Exercise) -> None:
    if WHOLE_BODY in exercise.targets:
        return
    allowed = set().union(*(LIT_PLACES[group] for group in exercise.targets))
    for index, still in enumerate(_stills(exercise), 1):
        glows = [p for p in (*still.pose.props, *still.frame.marks) if p.type == "glow"]
        lit = {_place(name) for name in still.frame.highlight}
        lit |= {_place(glow.params["at"]) for glow in glows}
        assert lit <= allowed, f"frame {index}: {sorted(lit - allowed)} lit, but the card " \
            f"targets {exercise.targets}"


def test_every_claim_is_made_by_some_card() -> None:
    """A phrase no card uses checks nothing: each claim must find at least one card."""
    unused = [phrase for phrase, _ in CLAIMS
              if not any(re.search(phrase, _text(ex)) for ex in BUILTINS)]
    assert not unused
