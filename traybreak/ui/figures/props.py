"""Pillow drawing of everything around an exercise figure: the page, palette, scenery and marks.

``Canvas`` maps the 100-unit pose page onto a supersampled bitmap; ``draw_prop`` draws a prop
or a mark.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import ImageDraw

from traybreak.ui.figures.poses import Point, Prop

log = logging.getLogger(__name__)

RGBA = tuple[int, int, int, int]
BACKGROUND: RGBA = (236, 243, 244, 255)
FLOOR_SHADE: RGBA = (222, 232, 234, 255)
FLOOR_LINE: RGBA = (176, 194, 200, 255)
BODY: RGBA = (44, 90, 104, 255)
BODY_FAR: RGBA = (128, 163, 172, 255)
ACCENT: RGBA = (236, 112, 76, 255)
ACCENT_FAR: RGBA = (242, 170, 146, 255)
FACE: RGBA = (255, 255, 255, 255)
WOOD: RGBA = (205, 176, 140, 255)
WOOD_DARK: RGBA = (168, 137, 102, 255)
WALL: RGBA = (211, 221, 226, 255)
WALL_EDGE: RGBA = (186, 200, 207, 255)
MAT: RGBA = (166, 205, 196, 255)
SKY: RGBA = (198, 226, 242, 255)
HILL: RGBA = (150, 196, 160, 255)
WATER: RGBA = (110, 170, 214, 255)
MARK: RGBA = (236, 112, 76, 200)


@dataclass(frozen=True)
class Canvas:
    """A supersampled drawing surface: page units (0..100) to pixels, with drawing primitives."""

    draw: ImageDraw.ImageDraw
    pixels: int        # side of the (square) bitmap
    unit: float        # pixels per page unit
    offset: Point      # pixel position of page (0, 0)

    def at(self, point: Point) -> tuple[float, float]:
        """Pixel position of a page point."""
        return self.offset[0] + point[0] * self.unit, self.offset[1] + point[1] * self.unit

    def disc(self, centre: Point, radius: float, fill: RGBA) -> None:
        """A filled circle, radius in page units."""
        x, y = self.at(centre)
        r = radius * self.unit
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def stroke(self, points: list[Point], width: float, fill: RGBA) -> None:
        """A thick polyline with round ends and round joints (a disc at every point)."""
        pixels = [self.at(p) for p in points]
        if len(pixels) > 1:
            self.draw.line(pixels, fill=fill, width=max(1, round(width * self.unit)))
        for point in points:
            self.disc(point, width / 2, fill)

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: RGBA, radius: float = 0.8,
            ) -> None:
        """A rounded rectangle in page units."""
        a, b = self.at((min(x0, x1), min(y0, y1)))
        c, d = self.at((max(x0, x1), max(y0, y1)))
        self.draw.rounded_rectangle((a, b, c, d), radius=radius * self.unit, fill=fill)

    def page_y(self, pixel_y: float) -> float:
        """The page y of a pixel row (to reach the bitmap's edges)."""
        return (pixel_y - self.offset[1]) / self.unit

    def page_x(self, pixel_x: float) -> float:
        """The page x of a pixel column."""
        return (pixel_x - self.offset[0]) / self.unit


def _chair(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x, y = p["x"], p["y"]
    back = p.get("back", "left")
    for leg in (x - 8, x + 8):
        c.stroke([(leg, y + 2), (leg, floor - 0.5)], 1.8, WOOD_DARK)
    c.box(x - 10, y, x + 10, y + 3, WOOD)
    if back != "none":
        post = x - 9 if back == "left" else x + 9
        c.stroke([(post, y + 1), (post, y - 25)], 2.2, WOOD_DARK)
        c.box(post - 1.6, y - 26, post + 1.6, y - 13, WOOD, radius=1.2)


def _chair_front(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x, y = p["x"], p["y"]
    for post in (x - 12, x + 12):
        c.stroke([(post, y), (post, y - 30)], 2.2, WOOD_DARK)
    c.box(x - 13, y - 32, x + 13, y - 22, WOOD, radius=2.5)
    for leg in (x - 9, x + 9):
        c.stroke([(leg, y), (leg, floor - 0.5)], 2.0, WOOD_DARK)
    c.box(x - 12.5, y, x + 12.5, y + 3.2, WOOD_DARK, radius=1.2)


def _desk(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x0, x1, y = p["x0"], p["x1"], p["y"]
    for leg in (x0 + 2.5, x1 - 2.5):
        c.stroke([(leg, y + 2), (leg, floor - 0.5)], 2.2, WOOD_DARK)
    if p.get("monitor"):
        mx = x1 - 7 if x1 > x0 else x1 + 7
        c.stroke([(mx, y), (mx, y - 6)], 1.6, FLOOR_LINE)
        c.box(mx - 1.3, y - 22, mx + 1.3, y - 6, (90, 110, 120, 255), radius=0.8)
    c.box(x0, y, x1, y + 3, WOOD)


def _wall(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x = p["x"]
    side = p.get("side", "left" if x < 50 else "right")
    top = p.get("top", c.page_y(0))
    edge = c.page_x(0) if side == "left" else c.page_x(c.pixels)
    c.box(edge, top, x, floor, WALL, radius=0)
    c.stroke([(x, top), (x, floor)], 1.0, WALL_EDGE)


def _door(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x, top = p["x"], p.get("top", 8.0)
    c.box(c.page_x(0), top - 3, x + 2, top, WALL, radius=0)
    c.box(c.page_x(0), c.page_y(0), x - 2, floor, WALL, radius=0)
    c.box(x - 2.2, top - 3, x + 2.2, floor, WOOD, radius=0.6)
    c.stroke([(x + 2.2, top), (x + 2.2, floor)], 0.6, WOOD_DARK)


def _mat(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    c.box(p["x0"], floor - 2.2, p["x1"], floor + 0.4, MAT, radius=1.1)


def _step(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    c.box(p["x0"], p["y"], p["x1"], floor, WOOD, radius=1.0)
    c.stroke([(p["x0"] + 1, p["y"] + 2.5), (p["x1"] - 1, p["y"] + 2.5)], 0.5, WOOD_DARK)


def _window(c: Canvas, p: Mapping[str, Any], floor: float, _: Mapping[str, Point]) -> None:
    x, y, w, h = p["x"], p["y"], p["w"], p["h"]
    c.box(x - 1.5, y - 1.5, x + w + 1.5, y + h + 1.5, (250, 250, 248, 255), radius=1.5)
    c.box(x, y, x + w, y + h, SKY, radius=0.6)
    c.draw.pieslice((*c.at((x - w * 0.2, y + h * 0.55)), *c.at((x + w * 0.75, y + h * 1.45))),
                    180, 360, fill=HILL)
    c.draw.pieslice((*c.at((x + w * 0.35, y + h * 0.7)), *c.at((x + w * 1.3, y + h * 1.3))),
                    180, 360, fill=(128, 182, 142, 255))
    c.disc((x + w * 0.75, y + h * 0.28), min(w, h) * 0.1, (250, 214, 120, 255))
    c.stroke([(x + w / 2, y), (x + w / 2, y + h)], 1.0, (250, 250, 248, 255))


def _bottle(c: Canvas, p: Mapping[str, Any], _: float, joints: Mapping[str, Point]) -> None:
    x, y = joints[p["at"]]
    if "angle" in p:
        angle = math.radians(p["angle"])
        dx, dy = math.sin(angle), math.cos(angle)
    else:   # held in the hand: it points the way the hand points
        dx, dy = _heading(joints, p["at"])
    c.stroke([(x - dx * 1.5, y - dy * 1.5), (x + dx * 6, y + dy * 6)], 4.2, WATER)
    c.disc((x - dx * 2.2, y - dy * 2.2), 1.3, (70, 120, 160, 255))


def _heading(joints: Mapping[str, Point], at: str) -> Point:
    before = {"l_hand": "l_wrist", "r_hand": "r_wrist", "l_wrist": "l_elbow", "r_wrist": "r_elbow"}
    (x0, y0), (x1, y1) = joints.get(before.get(at, at), joints[at]), joints[at]
    length = math.hypot(x1 - x0, y1 - y0)
    return ((x1 - x0) / length, (y1 - y0) / length) if length else (0.0, 1.0)


def _band(c: Canvas, p: Mapping[str, Any], _: float, joints: Mapping[str, Point]) -> None:
    a, b = (joints[name] for name in p["between"])
    c.stroke([a, b], 1.6, (96, 160, 200, 255))


def _arrow(c: Canvas, p: Mapping[str, Any], _: float, __: Mapping[str, Point]) -> None:
    start, end, bend = (p["x0"], p["y0"]), (p["x1"], p["y1"]), p.get("bend", 0.0)
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    length = math.dist(start, end) or 1.0
    normal = ((end[1] - start[1]) / length, -(end[0] - start[0]) / length)
    ctrl = (mid[0] + normal[0] * bend, mid[1] + normal[1] * bend)
    curve = [_bezier(start, ctrl, end, i / 12) for i in range(13)]
    c.stroke(curve, 1.4, MARK)
    tail = curve[-3]
    heading = math.atan2(end[1] - tail[1], end[0] - tail[0])
    for turn in (2.5, -2.5):
        wing = (end[0] + 3.2 * math.cos(heading + turn), end[1] + 3.2 * math.sin(heading + turn))
        c.stroke([end, wing], 1.4, MARK)


def _bezier(a: Point, b: Point, d: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * a[0] + 2 * u * t * b[0] + t * t * d[0],
            u * u * a[1] + 2 * u * t * b[1] + t * t * d[1])


def _glow(c: Canvas, p: Mapping[str, Any], _: float, joints: Mapping[str, Point]) -> None:
    _soft_disc(c, p, joints, 46)


def draw_halo(canvas: Canvas, prop: Prop, joints: Mapping[str, Point]) -> None:
    """A glow's stronger half, drawn behind the figure so it rims the body part it marks."""
    _soft_disc(canvas, prop.params, joints, 80)


def _soft_disc(c: Canvas, p: Mapping[str, Any], joints: Mapping[str, Point], alpha: int) -> None:
    x, y = joints[p["at"]]
    centre, radius = (x + p.get("dx", 0.0), y + p.get("dy", 0.0)), p.get("r", 8.0)
    for step in range(3):   # stacked translucent discs read as a soft halo without a blur pass
        c.disc(centre, radius * (1 - step * 0.25), (*ACCENT[:3], alpha))


def _tension(c: Canvas, p: Mapping[str, Any], _: float, joints: Mapping[str, Point]) -> None:
    x, y = joints[p["at"]]
    r = p.get("r", 5.0)
    for i in range(6):
        a = math.radians(i * 60 + 30)
        c.stroke([(x + math.cos(a) * r, y + math.sin(a) * r),
                  (x + math.cos(a) * (r + 2.5), y + math.sin(a) * (r + 2.5))], 1.0, MARK)


def _breath(c: Canvas, p: Mapping[str, Any], _: float, joints: Mapping[str, Point]) -> None:
    x, y = joints[p["at"]]
    a = math.radians(p.get("angle", 90.0))
    dx, dy = math.sin(a), math.cos(a)
    out = p.get("out", True)
    for i in range(3):
        d = 9 + i * 4.2
        size = (0.9 + i * 0.45) if out else (1.8 - i * 0.45)
        c.disc((x + dx * d, y + dy * d), size, (96, 160, 200, 200 - i * 45))


def _pacer(c: Canvas, p: Mapping[str, Any], _: float, __: Mapping[str, Point]) -> None:
    x, y, s = p["x"], p["y"], p["size"]
    corners = [(x, y + s), (x, y), (x + s, y), (x + s, y + s)]   # in, hold, out, hold
    c.stroke([*corners, corners[0]], 1.2, FLOOR_LINE)
    dot = int(p["dot"])
    c.stroke([corners[dot], corners[(dot + 1) % 4]], 1.6, MARK)
    c.disc(corners[(dot + 1) % 4], 2.2, ACCENT)


Painter = Callable[[Canvas, Mapping[str, Any], float, Mapping[str, Point]], None]
PAINTERS: dict[str, Painter] = {
    "chair": _chair, "chair_front": _chair_front, "desk": _desk, "wall": _wall, "door": _door,
    "mat": _mat, "step": _step, "window": _window, "bottle": _bottle, "band": _band,
    "arrow": _arrow, "glow": _glow, "tension": _tension, "breath": _breath, "pacer": _pacer,
}
# drawn over the figure (held things, marks); everything else is scenery behind it
IN_FRONT = frozenset({"bottle", "band", "arrow", "tension", "breath", "pacer", "glow"})


def draw_prop(canvas: Canvas, prop: Prop, floor: float, joints: Mapping[str, Point]) -> None:
    """Draw one prop or mark; ``joints`` places the ones held by (or pointing at) the figure."""
    PAINTERS[prop.type](canvas, prop.params, floor, joints)


def prop_extent(prop: Prop, floor: float) -> list[Point]:
    """Page points a prop must keep on the page (joint-held props and marks follow the figure)."""
    p = prop.params
    extents: dict[str, Callable[[], list[Point]]] = {
        "chair": lambda: [(p["x"] - 11, p["y"] - 27), (p["x"] + 11, floor)],
        "chair_front": lambda: [(p["x"] - 14, p["y"] - 33), (p["x"] + 14, floor)],
        "desk": lambda: [(p["x0"], p["y"] - (23 if p.get("monitor") else 0)), (p["x1"], floor)],
        # a wall off the page (x beyond 0..100) is a backdrop: it must not shrink the figure
        "wall": lambda: [(p["x"] - 2, floor), (p["x"] + 2, floor)] if 0 <= p["x"] <= 100 else [],
        "door": lambda: [(p["x"] - 3, p.get("top", 8.0) - 3), (p["x"] + 3, floor)],
        "mat": lambda: [(p["x0"], floor), (p["x1"], floor)],
        "step": lambda: [(p["x0"], p["y"]), (p["x1"], floor)],
        "window": lambda: [(p["x"] - 2, p["y"] - 2), (p["x"] + p["w"] + 2, p["y"] + p["h"] + 2)],
        "arrow": lambda: [(p["x0"], p["y0"]), (p["x1"], p["y1"])],
        "pacer": lambda: [(p["x"] - 2, p["y"] - 2),
                          (p["x"] + p["size"] + 2, p["y"] + p["size"] + 2)],
    }
    return extents[prop.type]() if prop.type in extents else []
