"""Exercise figures as images: the only Pillow drawing of the figure itself, and user pictures.

Frames are drawn at 4× their pixel size and downsampled (LANCZOS), then cached in memory.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from traybreak.core.model import Exercise
from traybreak.ui.figures import props
from traybreak.ui.figures.pose_schema import HEAD_RADIUS
from traybreak.ui.figures.poses import Keyframe, Point, Pose, View, load_library, solve, tween
from traybreak.ui.figures.props import Canvas

log = logging.getLogger(__name__)

SUPERSAMPLE = 4
MARGIN = 5.0          # page units kept clear around the figure and its props
MAX_ZOOM = 1.2        # small figures grow at most this much, so all figures look alike in size
TWEEN_MS = 70
USER_PICTURE_MS = 4000
LIMB, TORSO, NECK, HAND, OUTLINE = 5.0, 9.0, 4.2, 3.0, 0.7


@dataclass(frozen=True)
class Frame:
    """One still of an exercise animation: an RGBA square image and how long to show it."""

    image: Image.Image
    hold_ms: int


def pose_ids() -> set[str]:
    """Every pose key in the built-in library (exercise ids and the ``neutral_<setting>`` ones)."""
    return set(load_library())


def render_frames(exercise_id: str, *, size: int = 240, scale: int = 1, mirror: bool = False,
                  tweens: int = 0) -> list[Frame]:
    """The keyframes of pose ``exercise_id`` as ``size*scale`` square images (KeyError if unknown).

    ``mirror`` flips the figure (the other side of a sided move). ``tweens`` adds that many
    in-between frames (``TWEEN_MS`` each) after every keyframe, for smooth animation.
    Frames are cached and shared between callers: treat the images as read-only.
    """
    if exercise_id not in load_library():
        raise KeyError(f"no pose named {exercise_id!r}")
    return list(_render(exercise_id, size * scale, mirror, tweens))


def render_exercise(exercise: Exercise, *, size: int = 240, scale: int = 1, mirror: bool = False,
                    tweens: int = 0) -> list[Frame]:
    """The frames for an exercise card: its own picture, else its pose, else a neutral figure
    (standing, seated or lying, as the card's setting) that shows no particular exercise."""
    return _exercise_frames(exercise, size * scale, mirror, tweens, _render, _user_picture)


def png_frames(exercise: Exercise, pixels: int) -> list[tuple[bytes, int]]:
    """An exercise card's frames (unmirrored) as PNG files' bytes and how long each shows.

    Drawn afresh and not kept in this module's memory caches: the prompt window draws a figure
    once and keeps the PNG files (figures/cache.py), so cached images would only hold memory.
    """
    frames = _exercise_frames(exercise, pixels, False, 0, _render.__wrapped__,
                              _user_picture.__wrapped__)
    encoded = []
    for frame in frames:
        buffer = io.BytesIO()
        frame.image.save(buffer, format="PNG")
        encoded.append((buffer.getvalue(), frame.hold_ms))
    return encoded


def _exercise_frames(exercise: Exercise, pixels: int, mirror: bool, tweens: int,
                     render: Callable[[str, int, bool, int], tuple[Frame, ...]],
                     picture: Callable[[str, int, int, bool], Frame]) -> list[Frame]:
    if exercise.image:
        try:
            stamp = os.stat(exercise.image).st_mtime_ns
            return [picture(exercise.image, stamp, pixels, mirror)]
        except (OSError, ValueError, Image.DecompressionBombError) as err:
            log.warning("exercise %s: cannot use picture %s (%s); showing a neutral figure",
                        exercise.id, exercise.image, err)
            return list(render(neutral_pose(exercise), pixels, mirror, tweens))
    key = exercise.pose or exercise.id
    if key not in load_library():
        if exercise.pose:   # a pack's card without a pose of its own is expected: no warning
            log.warning("exercise %s: no pose named %r; showing a neutral figure", exercise.id,
                        key)
        key = neutral_pose(exercise)
    return list(render(key, pixels, mirror, tweens))


def neutral_pose(exercise: Exercise) -> str:
    """The figure for a card with no picture and no pose: a person at rest in the card's
    setting. Never another exercise's figure, which would show the wrong move."""
    return f"neutral_{exercise.setting.value}"


@functools.lru_cache(maxsize=64)
def _user_picture(path: str, _stamp: int, pixels: int, mirror: bool) -> Frame:
    """A user's picture fitted (not stretched) into the square on the figure background."""
    with Image.open(path) as source:
        source.load()
        picture = ImageOps.exif_transpose(source).convert("RGBA")
    inner = max(1, round(pixels * 0.92))
    picture = ImageOps.contain(picture, (inner, inner), Image.Resampling.LANCZOS)
    page = _background(pixels)
    page.alpha_composite(picture, ((pixels - picture.width) // 2, (pixels - picture.height) // 2))
    return Frame(ImageOps.mirror(page) if mirror else page, USER_PICTURE_MS)


def _background(pixels: int) -> Image.Image:
    page = Image.new("RGBA", (pixels, pixels), props.BACKGROUND)
    page.putalpha(_small_mask(pixels))
    return page


@functools.lru_cache(maxsize=512)
def _render(key: str, pixels: int, mirror: bool, tweens: int) -> tuple[Frame, ...]:
    pose = load_library()[key]
    frames: list[Frame] = []
    keys = pose.frames
    for index, frame in enumerate(keys):
        frames.append(Frame(_draw(pose, frame, pixels, mirror), frame.hold_ms))
        following = keys[(index + 1) % len(keys)]
        for step in range(1, tweens + 1):
            between = tween(frame, following, step / (tweens + 1))
            frames.append(Frame(_draw(pose, between, pixels, mirror), TWEEN_MS))
    return tuple(frames)


def _draw(pose: Pose, frame: Keyframe, pixels: int, mirror: bool) -> Image.Image:
    big = pixels * SUPERSAMPLE
    # an RGB page: Pillow blends translucent fills only into RGB images, not into RGBA ones
    page = Image.new("RGB", (big, big), props.BACKGROUND[:3])
    canvas = _canvas(pose, ImageDraw.Draw(page, "RGBA"), big)
    joints = solve(frame, pose.view)
    _draw_floor(canvas, pose.floor)
    scenery = [p for p in (*pose.props, *frame.marks) if p.type not in props.IN_FRONT]
    in_front = [p for p in (*pose.props, *frame.marks) if p.type in props.IN_FRONT]
    for prop in scenery:
        props.draw_prop(canvas, prop, pose.floor, joints)
    for prop in in_front:
        if prop.type == "glow":
            props.draw_halo(canvas, prop, joints)
    _draw_figure(canvas, pose.view, frame, joints)
    for prop in in_front:
        props.draw_prop(canvas, prop, pose.floor, joints)
    # reducing_gap: a fast box reduction, then LANCZOS for the last step (same look, ~3× faster)
    image = page.resize((pixels, pixels), Image.Resampling.LANCZOS, reducing_gap=2.0)
    image = image.convert("RGBA")
    image.putalpha(_small_mask(pixels))
    return ImageOps.mirror(image) if mirror else image


def _canvas(pose: Pose, draw: ImageDraw.ImageDraw, big: int) -> Canvas:
    """Fit every frame's figure and the scenery on the page, the same way for all frames."""
    points: list[Point] = []
    for frame in pose.frames:
        joints = solve(frame, pose.view)
        points += [(x + dx, y + dy) for x, y in joints.values()
                   for dx, dy in ((-3, -3), (3, 3))]
        hx, hy = joints["head"]
        reach = HEAD_RADIUS + 1
        points += [(hx - reach, hy - reach), (hx + reach, hy + reach)]
        for mark in frame.marks:
            points += props.prop_extent(mark, pose.floor)
    for prop in pose.props:
        points += props.prop_extent(prop, pose.floor)
    points.append((points[0][0], pose.floor + 1.5))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    zoom = min(MAX_ZOOM, (100 - 2 * MARGIN) / span)
    unit = big / 100 * zoom
    # centred across; down the page the floor sits near the bottom, so low poses keep a low floor
    left = big / 2 - (max(xs) + min(xs)) / 2 * unit
    top = big * (1 - MARGIN / 100) - max(ys) * unit
    return Canvas(draw, big, unit, (left, top))


def _draw_floor(canvas: Canvas, floor: float) -> None:
    left, right = canvas.page_x(0), canvas.page_x(canvas.pixels)
    bottom = canvas.page_y(canvas.pixels)
    canvas.draw.rectangle((*canvas.at((left, floor)), *canvas.at((right, bottom))),
                          fill=props.FLOOR_SHADE)
    canvas.stroke([(left, floor), (right, floor)], 0.8, props.FLOOR_LINE)


@functools.lru_cache(maxsize=8)
def _small_mask(pixels: int) -> Image.Image:
    """The rounded-square alpha at final size, smoothed by drawing it large and shrinking it."""
    return _corner_mask(pixels * SUPERSAMPLE).resize((pixels, pixels), Image.Resampling.LANCZOS)


@functools.lru_cache(maxsize=8)
def _corner_mask(pixels: int) -> Image.Image:
    """Opaque inside the page's rounded square: scenery drawn to the edges keeps the corners."""
    mask = Image.new("L", (pixels, pixels), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, pixels - 1, pixels - 1), radius=pixels * 0.08,
                                           fill=255)
    return mask


def _colour(name: str, frame: Keyframe, far: bool) -> props.RGBA:
    if name in frame.highlight:
        return props.ACCENT_FAR if far else props.ACCENT
    return props.BODY_FAR if far else props.BODY


_ARM = (("upper_arm", "shoulder", "elbow"), ("forearm", "elbow", "wrist"),
        ("hand", "wrist", "hand"))
_LEG = (("thigh", "hip", "knee"), ("shin", "knee", "ankle"), ("foot", "ankle", "toe"))


def _limb(canvas: Canvas, frame: Keyframe, joints: dict[str, Point], side: str, part: str,
          far: bool) -> None:
    chain = _ARM if part == "arm" else _LEG
    if not far:
        _outline(canvas, [joints[f"{side}_{start}"] for _, start, _ in chain]
                 + [joints[f"{side}_{chain[-1][2]}"]], part == "arm")
    for segment, start, end in chain:
        width = LIMB * (0.8 if segment in ("hand", "foot") else 1.0)
        canvas.stroke([joints[f"{side}_{start}"], joints[f"{side}_{end}"]], width,
                      _colour(f"{side}_{segment}", frame, far))
    if part == "arm":
        drawn = f"{side}_hand" in frame.angles
        lit = f"{side}_hand" if drawn else f"{side}_forearm"
        # a hand with its own angle is drawn as a short segment (it shows which way it bends);
        # a full-size ball at its end would hide that, so it only gets a rounded tip
        canvas.disc(joints[f"{side}_hand"], HAND * 0.7 if drawn else HAND, _colour(lit, frame, far))


def _outline(canvas: Canvas, points: list[Point], hand: bool) -> None:
    """A thin page-coloured rim, so a limb crossing the body (same colour) still reads.

    It starts a little way down the limb so the shoulder or hip joins the body without a seam.
    """
    (x0, y0), (x1, y1) = points[0], points[1]
    start = (x0 + (x1 - x0) * 0.4, y0 + (y1 - y0) * 0.4)
    rim = props.BACKGROUND
    canvas.stroke([start, *points[1:]], LIMB + OUTLINE * 2, rim)
    if hand:
        canvas.disc(points[-1], HAND + OUTLINE, rim)


def _draw_figure(canvas: Canvas, view: View, frame: Keyframe, joints: dict[str, Point]) -> None:
    behind = {side for side in "lr" if hand_behind_head(view, frame, joints, side)}
    if view is View.SIDE:
        _limb(canvas, frame, joints, "l", "arm", far=True)
        _limb(canvas, frame, joints, "l", "leg", far=True)
        _side_torso(canvas, frame, joints)
        _limb(canvas, frame, joints, "r", "leg", far=False)
        near_arm = ["r"]
    else:
        _front_torso(canvas, frame, joints)
        for side in "lr":   # after the torso: seated thighs come towards the viewer
            _limb(canvas, frame, joints, side, "leg", far=False)
        near_arm = ["l", "r"]
    # fingers on the back of the head: the head hides that hand, the face stays clear
    for side in near_arm:
        if side in behind:
            _limb(canvas, frame, joints, side, "arm", far=False)
    _head(canvas, view, frame, joints)
    for side in near_arm:
        if side not in behind:
            _limb(canvas, frame, joints, side, "arm", far=False)


def hand_behind_head(view: View, frame: Keyframe, joints: dict[str, Point], side: str) -> bool:
    """The ``side`` hand rests on the back of the head, so its arm is drawn behind the head.

    Side view: the hand touches the head on the side away from the face. Front view: the hand's
    centre is well inside the head's outline (a hand on the head's side or top stays in front).
    """
    hx, hy = joints["head"]
    x, y = joints[f"{side}_hand"]
    if view is View.FRONT:
        return math.dist((x, y), (hx, hy)) <= HEAD_RADIUS - HAND
    facing = math.sin(math.radians(frame.gaze))
    return math.dist((x, y), (hx, hy)) <= HEAD_RADIUS + HAND and (x - hx) * facing < 0


def _side_torso(canvas: Canvas, frame: Keyframe, joints: dict[str, Point]) -> None:
    canvas.stroke([joints["hip"], joints["waist"]], TORSO, _colour("spine_low", frame, False))
    canvas.stroke([joints["waist"], joints["top"]], TORSO, _colour("spine_high", frame, False))


def _front_torso(canvas: Canvas, frame: Keyframe, joints: dict[str, Point]) -> None:
    outline = [joints["l_shoulder"], joints["l_hip"], joints["r_hip"], joints["r_shoulder"]]
    lit = "spine_low" in frame.highlight or "spine_high" in frame.highlight
    colour = props.ACCENT if lit else props.BODY
    canvas.draw.polygon([canvas.at(p) for p in outline], fill=colour)
    canvas.stroke([*outline, outline[0]], LIMB, colour)


def _head(canvas: Canvas, view: View, frame: Keyframe, joints: dict[str, Point]) -> None:
    canvas.stroke([joints["top"], joints["neck_top"]], NECK, _colour("neck", frame, False))
    centre = joints["head"]
    canvas.disc(centre, HEAD_RADIUS, _colour("head", frame, False))
    up = math.radians(frame.angles["head"])
    upx, upy = math.sin(up), math.cos(up)
    if view is View.SIDE:
        g = math.radians(frame.gaze)
        eyes = [(centre[0] + math.sin(g) * 3.6 + upx * 1.2,
                 centre[1] + math.cos(g) * 3.6 + upy * 1.2)]
    else:
        across = (-upy, upx)   # perpendicular to the head's up direction
        shift = frame.look * 2.6
        eyes = [(centre[0] + across[0] * (s + shift) + upx * 1.0,
                 centre[1] + across[1] * (s + shift) + upy * 1.0) for s in (-2.3, 2.3)]
    for eye in eyes:
        if frame.eyes == "closed":
            canvas.stroke([(eye[0] - 1.0, eye[1]), (eye[0] + 1.0, eye[1])], 0.7, props.FACE)
        else:
            canvas.disc(eye, 0.95, props.FACE)
